"""Every "may this user see / do X" rule of the orders app.

Seeing a record is scoping (``selectors``: another branch's record is "not
found"); the rules here say what a user's roles let them do with what they see.
Services that authorise call these themselves; views and the API ask them to
show or refuse an action before the service is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telcodesk.core.roles import Role

if TYPE_CHECKING:
    from telcodesk.core.models import User

# Roles that work in the field: their queue is their own work and their team's unassigned.
FIELD_ROLES = frozenset({Role.REPAIR_TECHNICIAN, Role.INSTALLER})
# Roles that see every work order of their branch subtree.
BRANCH_QUEUE_ROLES = frozenset({Role.BRANCH_MANAGER, Role.HOTLINE_AGENT, Role.COUNTER_CLERK,
                                Role.VIP_CLERK, Role.QUALITY_MANAGER, Role.ADMINISTRATOR,
                                Role.COMPLAINT_HANDLER})
# Roles that give work orders to teams and technicians.
ASSIGN_ROLES = frozenset({Role.BRANCH_MANAGER, Role.ADMINISTRATOR})
# Roles that may report faults and move tickets; everyone in scope may read them.
TICKET_ROLES = frozenset({Role.HOTLINE_AGENT, Role.COUNTER_CLERK, Role.VIP_CLERK,
                          Role.REPAIR_TECHNICIAN, Role.INSTALLER, Role.COMPLAINT_HANDLER,
                          Role.BRANCH_MANAGER, Role.ADMINISTRATOR})
# Roles that may take and change customer orders.
ORDER_ROLES = frozenset({Role.COUNTER_CLERK, Role.VIP_CLERK, Role.HOTLINE_AGENT,
                         Role.BRANCH_MANAGER, Role.ADMINISTRATOR})


def is_field_worker(user: User) -> bool:
    """A technician or installer without a dispatching role: sees only their own work."""
    return (not user.is_superuser and user.has_role(*FIELD_ROLES)
            and not user.has_role(*BRANCH_QUEUE_ROLES))


def may_assign(user: User) -> bool:
    """Whether ``user`` may give work orders to teams and technicians."""
    return user.is_superuser or user.has_role(*ASSIGN_ROLES)


def may_change_tickets(user: User) -> bool:
    """Whether ``user`` may report faults and change trouble tickets through the API."""
    return user.is_superuser or user.has_role(*TICKET_ROLES)


def may_change_orders(user: User) -> bool:
    """Whether ``user`` may take, change and cancel product orders through the API."""
    return user.is_superuser or user.has_role(*ORDER_ROLES)
