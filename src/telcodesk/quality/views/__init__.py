"""Pages of the quality domain, one module per capability:

- ``standards``  the public page of the standards in force (``/standards/``)
- ``network``    counter imports, the cell registry, per-cell counters
- ``billing``    billing-error counts: entry, import, the months
- ``reports``    the half-year report: preview, downloads, words, publication
- ``drilldown``  the records behind a figure, the SLA explanation of one request
"""
