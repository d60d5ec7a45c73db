"""Who may see or do what in the quality app: every yes/no rule, in one place.

Pages use them to show or refuse; the services check their staff ``actor`` with
them too, so no write relies on its page for authorisation (an ``actor`` of
``None`` is the system itself: the command line, the demo, the worker).
Which rows a user sees (branch scoping) is a query, kept in the selectors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telcodesk.core.roles import Role

if TYPE_CHECKING:
    from telcodesk.core.models import OrgUnit, User

# Who looks at the counter imports, the cells and the billing-error counts.
COUNT_VIEW_ROLES = (Role.QUALITY_MANAGER, Role.ADMINISTRATOR, Role.BRANCH_MANAGER)
# Who imports counter files, places cells and enters billing-error counts.
COUNT_ENTRY_ROLES = (Role.QUALITY_MANAGER, Role.ADMINISTRATOR)
# Who changes which requests feed which indicator (the admin's membership rows).
MEMBERSHIP_EDIT_ROLES = (Role.QUALITY_MANAGER, Role.ADMINISTRATOR)
# Who opens the half-year report pages.
REPORT_VIEW_ROLES = (Role.QUALITY_MANAGER, Role.ADMINISTRATOR, Role.BRANCH_MANAGER)
# Who writes the report's words and publishes it.
REPORT_EDIT_ROLES = (Role.QUALITY_MANAGER, Role.ADMINISTRATOR)
# Org-unit kinds whose staff see the whole operator's report.
OPERATOR_UNIT_KINDS = ("operator", "province")


def may_edit_memberships(user: User) -> bool:
    """Who may change which requests feed which time-limit indicator."""
    return user.is_superuser or user.has_role(*MEMBERSHIP_EDIT_ROLES)


def may_view_quality_counts(user: User) -> bool:
    """Who may look at the counter imports, the cells and the billing-error counts."""
    return user.is_superuser or user.has_role(*COUNT_VIEW_ROLES)


def may_enter_quality_counts(user: User) -> bool:
    """Who may import counter files, place cells and enter billing-error counts."""
    return user.is_superuser or user.has_role(*COUNT_ENTRY_ROLES)


def may_see_reports(user: User) -> bool:
    """Who may open the half-year service-quality report pages."""
    return user.is_superuser or user.has_role(*REPORT_VIEW_ROLES)


def may_edit_report(user: User) -> bool:
    """Who may write the words of the half-year report."""
    return user.is_superuser or user.has_role(*REPORT_EDIT_ROLES)


def sees_operator_report(user: User) -> bool:
    """Whether the user works for the whole operator (province or operator level), so
    sees the operator-wide report and not only their branch's."""
    if user.is_superuser:
        return True
    unit = user.org_unit
    return unit is not None and unit.kind in OPERATOR_UNIT_KINDS


def may_publish_report(user: User) -> bool:
    """Who may publish the operator-wide report on the public page: a report editor of
    the whole operator."""
    return may_edit_report(user) and sees_operator_report(user)


def may_edit_report_of(user: User, unit: OrgUnit | None) -> bool:
    """Who may write the words of the report of ``unit`` (``None``: the whole
    operator): a report editor of the whole operator, or of a branch above ``unit``."""
    if not may_edit_report(user):
        return False
    if user.is_superuser:
        return True
    if unit is None:
        return sees_operator_report(user)
    return user.org_unit is not None and unit.is_within(user.org_unit)


def may_see_report_of(user: User, unit: OrgUnit | None) -> bool:
    """Who may see (and have computed) the report of ``unit`` (``None``: the whole
    operator): staff of the whole operator for it, a branch's staff for units inside
    their own subtree."""
    if user.is_superuser:
        return True
    if unit is None:
        return sees_operator_report(user)
    return user.org_unit is not None and unit.is_within(user.org_unit)
