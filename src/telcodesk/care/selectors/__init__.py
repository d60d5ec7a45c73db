"""Reads of the care domain, one module per capability (``ivr``, ``calls``,
``hotline_stats``, ``complaints``)."""
