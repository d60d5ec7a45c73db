"""TMF shapes of the orders app: ``product_orders`` (TMF622), ``trouble_tickets`` (TMF621)."""
