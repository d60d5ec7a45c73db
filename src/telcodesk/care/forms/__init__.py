"""Console and subscriber forms of the care domain, one module per view module."""
