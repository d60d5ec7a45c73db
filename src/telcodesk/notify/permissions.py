"""Who may do what with messages: every yes/no rule of the notify app.

The services call these themselves (a write never relies on its view for authorisation);
views and the API call them to show or hide an action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telcodesk.core.roles import Role

if TYPE_CHECKING:
    from telcodesk.core.models import User
    from telcodesk.notify.models import OutboxMessage

# The dedupe key of a message created through TMF681 starts with this (then the creator).
TMF681_KEY_PREFIX = "tmf681:"


def may_resend(user: User) -> bool:
    """Administrators and branch managers may resend failed messages (of their subtree)."""
    return user.is_superuser or user.has_role(Role.ADMINISTRATOR, Role.BRANCH_MANAGER)


def may_delete(user: User, message: OutboxMessage) -> bool:
    """Who may delete a (visible) message: whoever may resend, or the user who
    created it through TMF681. System messages (SLA alerts, order and complaint
    SMS) are deleted by the resending roles only."""
    if may_resend(user):
        return True
    return (message.created_by_id == user.pk
            and message.dedupe_key.startswith(TMF681_KEY_PREFIX))


def may_edit_templates(user: User) -> bool:
    """Only administrators edit the message templates."""
    return user.is_superuser or user.has_role(Role.ADMINISTRATOR)
