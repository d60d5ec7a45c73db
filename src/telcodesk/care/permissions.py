"""Who may see or do what in the care domain: every yes/no rule, in one place.

The services call these rules themselves before they write (a page or an API
endpoint may ask them too, to show or hide an action, but no write relies on
it); the selectors scope what each user may read (``complaints_visible_to``,
``calls_visible_to`` …) and so answer "not found", never "forbidden".

Complaints (``docs/complaints.md``):

- receive (take) a complaint: ``RECEIVE_ROLES`` (``may_receive``);
- work on it (notes, reply, close, survey answer by phone, regulator appeal):
  its handler, its owner, complaint handlers who see it, and managers
  (``may_work_on``);
- reassign the owner: branch managers whose unit contains the complaint's
  branch, quality managers and administrators who see it, superusers
  (``may_reassign``);
- transfer to: active staff in ``TRANSFER_ROLES`` on the complaint's branch
  line (its subtree and the units above it; ``selectors.complaints
  .staff_to_transfer_to``).

Hotline: every staff member sees the calls (``may_see_hotline``); hotline agents and
managers see the hotline figures (``may_see_hotline_figures``); hotline agents,
quality managers and administrators read the IVR menu and skill groups
(``may_see_ivr``); only
administrators change the IVR menu, skill groups and queue map
(``may_edit_ivr``); staff who talk with customers record interactions
(``may_record_interactions``, TMF683 ``POST``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telcodesk.core.permissions import may_see_full_numbers
from telcodesk.core.roles import Role

if TYPE_CHECKING:
    from telcodesk.care.models import Complaint
    from telcodesk.core.models import User

# Roles that may take a complaint from a subscriber and so become its owner.
RECEIVE_ROLES = frozenset({Role.COMPLAINT_HANDLER, Role.HOTLINE_AGENT, Role.COUNTER_CLERK,
                           Role.VIP_CLERK, Role.BRANCH_MANAGER, Role.QUALITY_MANAGER,
                           Role.ADMINISTRATOR})
# Roles a complaint may be transferred to (those who work complaints).
TRANSFER_ROLES = frozenset({Role.COMPLAINT_HANDLER, Role.HOTLINE_AGENT, Role.COUNTER_CLERK,
                            Role.VIP_CLERK, Role.BRANCH_MANAGER, Role.QUALITY_MANAGER})
# Roles that may change a complaint's owner (with a reason).
MANAGER_ROLES = frozenset({Role.BRANCH_MANAGER, Role.QUALITY_MANAGER, Role.ADMINISTRATOR})
# Roles that talk with customers and may record an interaction (TMF683 POST).
RECORDING_ROLES = frozenset({Role.COUNTER_CLERK, Role.VIP_CLERK, Role.HOTLINE_AGENT,
                             Role.COMPLAINT_HANDLER, Role.REPAIR_TECHNICIAN, Role.INSTALLER,
                             Role.BRANCH_MANAGER, Role.ADMINISTRATOR})


# Roles that see the hotline figures (offered, answered, abandoned, answer times).
HOTLINE_FIGURE_ROLES = frozenset({Role.HOTLINE_AGENT, Role.BRANCH_MANAGER,
                                  Role.QUALITY_MANAGER, Role.ADMINISTRATOR})
# Roles that read the IVR menu, the skill groups and their queues.
IVR_VIEW_ROLES = frozenset({Role.HOTLINE_AGENT, Role.QUALITY_MANAGER, Role.ADMINISTRATOR})


# --- complaints ------------------------------------------------------------------------------


def _sees(user: User, complaint: Complaint) -> bool:
    if user.is_superuser:
        return True
    unit = user.org_unit
    return unit is not None and complaint.org_unit.path.startswith(unit.path)


def may_receive(user: User) -> bool:
    """Whether ``user`` may take complaints (and so become their owner)."""
    return user.is_active and (user.is_superuser or user.has_role(*RECEIVE_ROLES))


def may_reassign(user: User, complaint: Complaint) -> bool:
    """Managers may change the owner: branch managers of the complaint's branch line
    (their unit contains the complaint's branch), quality managers and
    administrators who see it, superusers."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.has_role(*MANAGER_ROLES) and _sees(user, complaint)


def may_work_on(user: User, complaint: Complaint) -> bool:
    """Handler, owner, complaint handlers who see it, managers (``may_reassign``)."""
    if not user.is_active:
        return False
    if user.is_superuser or user.pk in (complaint.handler_id, complaint.owner_id):
        return True
    if user.has_role(Role.COMPLAINT_HANDLER) and _sees(user, complaint):
        return True
    return may_reassign(user, complaint)


def may_call_back(user: User, complaint: Complaint) -> bool:
    """Whether ``user`` sees the complainant's contact number in full on this complaint:
    its owner and its handler (to call back), and whoever sees numbers in full anyway.
    Everyone else sees it masked."""
    if not user.is_active:
        return False
    return (user.pk in (complaint.owner_id, complaint.handler_id)
            or may_see_full_numbers(user))


# --- hotline -------------------------------------------------------------------------------


def may_see_hotline(user: User) -> bool:
    """Staff members (and superusers) see the hotline pages: calls, figures, routing."""
    return bool(user.is_staff or user.is_superuser)


def may_see_hotline_figures(user: User) -> bool:
    """Hotline agents, managers and administrators see the hotline figures."""
    return bool(user.is_superuser or (user.is_staff and user.has_role(*HOTLINE_FIGURE_ROLES)))


def may_see_ivr(user: User) -> bool:
    """Hotline agents, quality managers and administrators read the IVR menu."""
    return bool(user.is_superuser or (user.is_staff and user.has_role(*IVR_VIEW_ROLES)))


def may_edit_ivr(user: User) -> bool:
    """Administrators (and superusers) edit the menu, the skill groups and the queue map."""
    return bool(user.is_superuser or user.has_role(Role.ADMINISTRATOR))


def may_record_interactions(user: User) -> bool:
    """Staff who talk with customers record interactions (visits, chats …)."""
    return user.is_superuser or user.has_role(*RECORDING_ROLES)
