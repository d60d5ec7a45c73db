"""Busy-hour network counters and billing-error counts: the pure parts.

- ``csv_format``  the counter, cell-registry and billing-count files: headers and
                  their aliases, parsing and validation (no database, no clock)
- ``formulas``    connection rate, radio channel congestion, call drop and the
                  billing error rate from summed counts

The writes live in ``quality.network_services`` and ``quality.billing_services``,
the aggregate reads in ``quality.network_selectors`` and ``quality.billing_selectors``.
"""
