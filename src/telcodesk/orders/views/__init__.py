"""Console pages of the orders app, one module per capability (``urls.py`` joins them)."""
