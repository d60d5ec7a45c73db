"""Writes of the quality domain, one module per capability (import the module, not
its names: ``from telcodesk.quality.services import network as network_services``):

- ``standards``  publish, retire, enable or disable a service standard; which
                 requests feed which time-limit indicator
- ``network``    import busy-hour counter files, place cells
- ``billing``    enter or import billing-error counts
- ``reports``    the half-year report's words, its publication
- ``totals``     the daily totals the report reads, kept from a watermark
"""
