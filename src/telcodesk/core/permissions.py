"""Who may do what in the core app: every yes/no rule of core.

``may_see_full_numbers`` is the one rule for subscribers' numbers in everything staff
and integrators receive (``selectors.shown`` applies it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telcodesk.core.models import User
from telcodesk.core.roles import FULL_NUMBER_ROLES, Role


def check_actor(actor: User | None, rule: Callable[[User], bool],
                refused: Callable[[], Exception]) -> None:
    """The one way a service checks its staff ``actor``: ``refused()`` (the app's own
    error) is raised when ``rule``, a function of the app's ``permissions``, does not
    admit them. An ``actor`` of ``None`` is the system itself (command line, demo,
    worker, clock)."""
    if actor is not None and not rule(actor):
        raise refused()


def may_see_full_numbers(user: Any) -> bool:
    """Whether ``user`` sees subscribers' numbers in full; anonymous viewers never do."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or user.has_role(*FULL_NUMBER_ROLES)


def may_edit_calendar(user: User) -> bool:
    """Quality managers and administrators keep the working calendar."""
    return user.is_superuser or user.has_role(Role.QUALITY_MANAGER, Role.ADMINISTRATOR)


# Roles that use the TMF Open API with bearer tokens (integrations, reports, scripts).
TOKEN_ROLES = frozenset({Role.ADMINISTRATOR, Role.BRANCH_MANAGER, Role.QUALITY_MANAGER})


def may_use_tokens(user: User) -> bool:
    """Managers and administrators (and superusers) hold API tokens; the roles that serve
    customers at the counter, on the phone or in the field do not."""
    return user.is_superuser or user.has_role(*TOKEN_ROLES)


def may_administer_tokens(user: User) -> bool:
    """Administrators (and superusers) see, issue and revoke the API tokens of the users
    in their branch subtree; everyone else only their own."""
    return user.is_superuser or user.has_role(Role.ADMINISTRATOR)
