"""Staff roles. A role is a Django group; its permissions are synced after migrate."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTER_CLERK = "counter_clerk", _("Counter clerk")
    VIP_CLERK = "vip_clerk", _("VIP centre clerk")
    HOTLINE_AGENT = "hotline_agent", _("Hotline agent")
    REPAIR_TECHNICIAN = "repair_technician", _("Repair technician")
    INSTALLER = "installer", _("Installer")
    COMPLAINT_HANDLER = "complaint_handler", _("Complaint handler")
    QUALITY_MANAGER = "quality_manager", _("Quality manager")
    BRANCH_MANAGER = "branch_manager", _("Branch manager")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that see a subscriber's full number; everyone else sees it masked.
FULL_NUMBER_ROLES = frozenset(
    {Role.COUNTER_CLERK, Role.VIP_CLERK, Role.HOTLINE_AGENT, Role.BRANCH_MANAGER,
     Role.ADMINISTRATOR}
)
# Roles that maintain the working calendar (holiday notices).
CALENDAR_ROLES = frozenset({Role.QUALITY_MANAGER, Role.ADMINISTRATOR})


def sync_role_groups(**_kwargs: Any) -> None:
    """Make sure one group exists per role (called after every migrate)."""
    from django.contrib.auth.models import Group

    for role in Role:
        Group.objects.get_or_create(name=role.value)
