"""Reads of the quality domain, one module per capability (import the module, not
its names: ``from telcodesk.quality.selectors import network as network_selectors``):

- ``standards``  which standard is in force; indicator targets; which requests
                 feed which indicator
- ``network``    busy-hour counter totals, cells, imports
- ``billing``    billing-error totals (through the registered source), the counts page
- ``totals``     the indicator sources read from the daily totals where counted
"""

# Transitional, for ``indicators/compute.py`` only (rewritten in parallel with this
# layout): it still imports these names from the package. Point it at the capability
# modules and delete these lines; nothing else may import from here.
from telcodesk.quality.selectors.standards import (  # noqa: F401
    indicator_members,
    is_member,
    standards_in_force,
    targets_in_force,
)
