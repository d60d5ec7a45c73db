"""Writes of the core app: organisation, staff, audit log, API tokens.

Every function is ``do_*``, takes keyword-only arguments and ``now`` from the
caller, and runs in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from telcodesk.core.errors import CoreError, CoreErrorCode
from telcodesk.core.models import (
    ALLOWED_PARENT_KIND,
    ApiToken,
    AuditEntry,
    Channel,
    OrgUnit,
    OrgUnitKind,
    User,
)
from telcodesk.core.roles import Role

# --- audit log --------------------------------------------------------------

_CHANNELS = frozenset(Channel.values)  # ``Channel.values`` builds a new list on each read


def do_audit(
    *,
    now: dt.datetime,
    actor: User | None,
    channel: str,
    action: str,
    target_type: str,
    target_id: object,
    summary: str = "",
    details: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit log (inside the caller's transaction)."""
    if channel not in _CHANNELS:
        raise CoreError(CoreErrorCode.INVALID, f"unknown channel {channel!r}")
    return AuditEntry.objects.create(
        at=now,
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else "system"),
        channel=channel,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        summary=summary[:300],
        details=details or {},
    )


# --- organisation -------------------------------------------------------------


def org_unit_path(parent: OrgUnit | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


@transaction.atomic
def do_create_org_unit(
    *,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None,
    area: str = "",
    name_en: str = "",
) -> OrgUnit:
    """Add a unit under ``parent``, checking the tree's shape."""
    if kind not in OrgUnitKind.values:
        raise CoreError(CoreErrorCode.INVALID, f"unknown org unit kind {kind!r}")
    expected_parent = ALLOWED_PARENT_KIND[OrgUnitKind(kind)]
    actual_parent = OrgUnitKind(parent.kind) if parent else None
    if expected_parent != actual_parent:
        raise CoreError(
            CoreErrorCode.INVALID,
            f"a {kind} unit must sit under a {expected_parent or 'nothing'} unit, "
            f"not under {actual_parent or 'nothing'}",
        )
    if kind == OrgUnitKind.OUTLET and parent is not None:
        area = parent.area
    if kind == OrgUnitKind.COUNTY and not area:
        raise CoreError(CoreErrorCode.INVALID, "a county unit must be tagged urban or rural")
    if OrgUnit.objects.filter(code=code).exists():
        raise CoreError(CoreErrorCode.CONFLICT, f"org unit code {code!r} is taken")
    return OrgUnit.objects.create(
        code=code, name=name, name_en=name_en, kind=kind, parent=parent,
        path=org_unit_path(parent, code), area=area,
    )


# --- staff --------------------------------------------------------------------


@transaction.atomic
def do_create_staff(
    *,
    now: dt.datetime,
    username: str,
    password: str | None,
    org_unit: OrgUnit | None,
    roles: Iterable[str],
    display_name: str = "",
    is_superuser: bool = False,
    actor: User | None = None,
    channel: str = Channel.CLI,
    password_hash: str | None = None,
) -> User:
    """Create a staff user with roles. ``password_hash`` lets bulk builders hash once."""
    roles = list(roles)
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise CoreError(CoreErrorCode.INVALID, f"unknown role(s): {', '.join(unknown)}")
    if User.objects.filter(username=username).exists():
        raise CoreError(CoreErrorCode.CONFLICT, f"user {username!r} exists")
    if org_unit is None and not is_superuser:
        raise CoreError(CoreErrorCode.INVALID, "staff must belong to an org unit")
    user = User(username=username, display_name=display_name, org_unit=org_unit,
                is_staff=True, is_superuser=is_superuser, date_joined=now)
    if password_hash is not None:
        user.password = password_hash
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if roles:
        user.groups.set(Group.objects.filter(name__in=roles))
    do_audit(now=now, actor=actor, channel=channel, action="staff.create",
             target_type="user", target_id=user.pk, summary=username,
             details={"roles": roles, "org_unit": org_unit.code if org_unit else None})
    return user


# --- API tokens ---------------------------------------------------------------

TOKEN_PREFIX = "tdk_"  # noqa: S105 - a public marker, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once, never stored


@transaction.atomic
def do_issue_token(
    *, now: dt.datetime, user: User, name: str, actor: User | None, channel: str
) -> IssuedToken:
    """Issue a bearer token for ``user``. The raw secret is returned once."""
    if not user.is_active:
        raise CoreError(CoreErrorCode.INVALID, f"user {user.username!r} is inactive")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name or "API", prefix=prefix,
                                    key_hash=hash_token(raw), created_at=now)
    do_audit(now=now, actor=actor, channel=channel, action="token.issue",
             target_type="api_token", target_id=token.pk,
             summary=f"{user.username} {prefix}")
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def do_revoke_token(
    *, now: dt.datetime, token: ApiToken, actor: User | None, channel: str
) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        do_audit(now=now, actor=actor, channel=channel, action="token.revoke",
                 target_type="api_token", target_id=token.pk,
                 summary=f"{token.user.username} {token.prefix}")
    return token


def do_touch_token(*, now: dt.datetime, token: ApiToken) -> None:
    """Record use at most once a minute, so a busy client does not write on every call."""
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
