"""Reads of the quality domain, one module per capability (callers import from the
capability module, ``from telcodesk.quality.selectors.network import network_totals``;
this package re-exports nothing):

- ``standards``   which standard is in force, the standards in force
- ``targets``     the targets of the indicators that are not time limits
- ``membership``  which requests feed which time-limit indicator
- ``network``     busy-hour counter totals, cells, imports
- ``billing``     billing-error totals (through the registered source), the counts page
"""

# Transitional, for ``indicators/compute.py`` only (rewritten in parallel with this
# layout): it still imports these names from the package. Point it at the capability
# modules and delete these lines; nothing else may import from here.
from telcodesk.quality.selectors.membership import indicator_members, is_member  # noqa: F401
from telcodesk.quality.selectors.standards import standards_in_force  # noqa: F401
from telcodesk.quality.selectors.targets import targets_in_force  # noqa: F401
