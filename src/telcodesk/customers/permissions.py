"""Who may do what with customers: every yes/no rule of the customers app.

Everyone may read the customers of their branch subtree (the scoping lives in the
selectors); the services call these rules themselves before any write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telcodesk.core.roles import Role

if TYPE_CHECKING:
    from telcodesk.core.models import OrgUnit, User

# Roles that may create and change customers; everyone in scope may read them.
CUSTOMER_EDITOR_ROLES = frozenset(
    {Role.COUNTER_CLERK, Role.VIP_CLERK, Role.BRANCH_MANAGER, Role.ADMINISTRATOR}
)


def may_edit_customers(user: User) -> bool:
    """Whether the user's role lets them create and change customers."""
    return user.is_superuser or user.has_role(*CUSTOMER_EDITOR_ROLES)


def may_edit_customers_of(user: User, unit: OrgUnit) -> bool:
    """Whether the user may change a customer of ``unit``: an editing role and the unit
    inside the user's branch subtree (a superuser anywhere)."""
    if not may_edit_customers(user):
        return False
    if user.is_superuser:
        return True
    return user.org_unit is not None and unit.is_within(user.org_unit)
