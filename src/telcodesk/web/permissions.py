"""Which console home each user lands on: every yes/no rule of the web app.

- Technicians and installers without a dispatching role go straight to their own
  work orders (``orders.permissions.is_field_worker``).
- Branch managers and quality managers see what needs them on the home page
  (``sees_oversight``): breached and warning work orders per team, unassigned open
  work orders, complaints near or past their reply limits.
- Everyone else keeps the home page of sections and the customer search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telcodesk.core.roles import Role
from telcodesk.orders.permissions import is_field_worker

if TYPE_CHECKING:
    from telcodesk.core.models import User

# Roles whose home page shows what needs them.
OVERSIGHT_ROLES = frozenset({Role.BRANCH_MANAGER, Role.QUALITY_MANAGER})


def lands_on_own_work(user: User) -> bool:
    """Whether ``/console/`` takes ``user`` to their own work orders."""
    return is_field_worker(user)


def sees_oversight(user: User) -> bool:
    """Whether ``user``'s home page shows the counts that need a manager."""
    return user.has_role(*OVERSIGHT_ROLES)
