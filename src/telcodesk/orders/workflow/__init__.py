"""Pure rules of orders and work orders: state machines and guided checklists.

Nothing here reads or writes the database.
"""
