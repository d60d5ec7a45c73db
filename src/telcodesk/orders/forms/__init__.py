"""Forms of the orders console pages, one module per capability."""
