"""Console pages of the care domain, one module per capability."""
