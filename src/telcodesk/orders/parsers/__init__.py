"""Readers of the files orders imports: ``history`` (finished requests of a legacy system).

Nothing here reads or writes the database.
"""
