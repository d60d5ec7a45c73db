"""TMF Open API routers of the care domain, one module per specification."""
