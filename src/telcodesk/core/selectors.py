"""Reads of the core app that carry a rule: branch scoping, token lookup, what a viewer
may see of a number (``shown``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from telcodesk.core import phone
from telcodesk.core.models import (
    TOKEN_PREFIX,
    ApiToken,
    AuditEntry,
    OrgUnit,
    TrackedTask,
    User,
    hash_token,
)
from telcodesk.core.permissions import may_see_full_numbers
from telcodesk.core.roles import Role


def scope_q(user: User, field: str = "org_unit") -> Q:
    """A filter limiting any queryset to rows whose ``field`` lies in the user's subtree.

    Superusers see everything. A staff member without a unit sees nothing.
    Every selector that returns customer data goes through this.
    """
    if user.is_superuser:
        # Matches every row, also when OR-ed with other conditions (an empty
        # ``Q()`` would vanish from ``scope_q(user) | Q(owner=user)``).
        return ~Q(pk__in=[])
    unit = user.org_unit
    if unit is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__path__startswith": unit.path})


def visible_org_units(user: User) -> QuerySet[OrgUnit]:
    """Units the user may see and pick: their own and those below it."""
    return OrgUnit.objects.filter(_unit_q(user))


def _unit_q(user: User) -> Q:
    if user.is_superuser:
        return Q()
    if user.org_unit is None:
        return Q(pk__in=[])
    return Q(path__startswith=user.org_unit.path)


def org_unit_by_code(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code).first()


def shown(viewer: Any, value: Any, *, full: bool | None = None) -> Any:
    """What ``viewer`` may see of ``value``: the one rule for numbers in everything
    staff and integrators receive (pages, TMF documents, exports, drill-downs, events).

    A viewer whose role shows numbers gets ``value`` unchanged. Anyone else gets every
    subscriber number in it masked (``181****7570``), wherever it sits: a field of its
    own, an e-mail address, an SMS text, a note. Strings are masked; dicts and lists
    are walked (their keys, which are attribute names, are kept); other values pass.
    ``full`` skips the role lookup when the caller already made it for this viewer.
    """
    if full is None:
        full = may_see_full_numbers(viewer)
    if full:
        return value
    return _masked(value)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return phone.mask_in_text(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_masked(item) for item in value]
    return value


def active_token(raw: str) -> ApiToken | None:
    """The live token matching a presented bearer secret, with its user."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    return (
        ApiToken.objects.select_related("user", "user__org_unit")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    """Administrators see every token of their subtree; others only their own."""
    tokens = ApiToken.objects.select_related("user")
    if user.is_superuser or user.has_role(Role.ADMINISTRATOR):
        return tokens.filter(scope_q(user, field="user__org_unit") | Q(user=user))
    return tokens.filter(user=user)


def audit_trail(*, target_type: str, target_id: object, limit: int = 10) -> list[AuditEntry]:
    """The latest audit entries about one record, newest first.

    No scoping here: the caller has already fetched the record through a scoped
    selector, which is what entitles the viewer to its history.
    """
    return list(
        AuditEntry.objects.filter(target_type=target_type, target_id=str(target_id))
        .order_by("-at", "-id")[:limit]
    )


def org_unit_top() -> OrgUnit | None:
    """The operator's top unit (where a record without any branch belongs)."""
    return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()


def org_units_by_code_or_name(names: set[str]) -> dict[str, OrgUnit]:
    """Units named by code, Chinese or English name, as imports give them (unscoped:
    imports only). A name shared by several units is left out (ambiguous)."""
    if not names:
        return {}
    found: dict[str, OrgUnit] = {}
    shared: set[str] = set()
    units = OrgUnit.objects.filter(Q(code__in=names) | Q(name__in=names) | Q(name_en__in=names))
    for unit in units.order_by("path"):
        if unit.code in names:
            found[unit.code] = unit
        for label in {unit.name, unit.name_en} & names - {unit.code}:
            if label in found and found[label].pk != unit.pk:
                shared.add(label)
            found.setdefault(label, unit)
    for label in shared:
        if found[label].code != label:
            del found[label]
    return found


def in_force_q(at: dt.datetime) -> Q:
    """Rows whose validity ``[active_from, active_to)`` holds ``at`` (no end: open):
    the project's one period rule (standards, targets, …)."""
    return Q(active_from__lte=at) & (Q(active_to__isnull=True) | Q(active_to__gt=at))


def tracked_tasks(kind: str, *, limit: int = 5,
                  requested_by: User | None = None) -> list[TrackedTask]:
    """The latest tasks of one kind, newest first, or only those ``requested_by`` started
    (the page of that kind shows them; the app that owns the kind decides who sees which)."""
    tasks = TrackedTask.objects.filter(kind=kind)
    if requested_by is not None:
        tasks = tasks.filter(requested_by=requested_by)
    return list(tasks.select_related("requested_by")[:limit])
