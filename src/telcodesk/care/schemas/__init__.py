"""TMF document shapes (pydantic) of the care domain, one module per API module."""
