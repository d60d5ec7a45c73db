"""Busy-hour network counters and billing-error counts: the pure parts.

- ``csv_format``  the counter, cell-registry and billing-count files: headers and
                  their aliases, parsing and validation (no database, no clock)
- ``formulas``    connection rate, radio channel congestion, call drop and the
                  billing error rate from summed counts

The writes live in ``quality.services.network`` and ``quality.services.billing``,
the aggregate reads in ``quality.selectors.network`` and ``quality.selectors.billing``.
"""
