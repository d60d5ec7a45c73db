"""Documents rendered from what the selectors gather (they write nothing)."""
