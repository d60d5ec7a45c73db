"""Forms of the quality pages, one module per capability:

- ``network``  a counter file, a cell registry file (``FileForm``), one cell
- ``billing``  one month's billing-error count
- ``reports``  which report to show, the report's words
"""
