"""Template filters of the console: ``{% load telcodesk %}``.

- ``{{ number|phone:request.user }}``: full number for roles that may see it,
  masked (``138****5678``) for everyone else.
- ``{{ customer.id_number|identifier:request.user }}``, ``{{ text|mask_text:request.user }}``:
  the same rule for ID numbers and free text.
- ``{{ fen|yuan }}``: ``5800`` → ``¥58.00``.
- ``{{ unit|unit_name }}``: an org unit's name in the page's language.
- ``{{ user|role_labels }}``: the user's roles, translated.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from telcodesk.core import money, phone
from telcodesk.core.models import OrgUnit
from telcodesk.core.permissions import may_see_full_numbers
from telcodesk.core.roles import Role
from telcodesk.core.selectors import shown

register = template.Library()


def _sees_full(user: Any) -> bool:
    return may_see_full_numbers(user)


@register.filter(name="phone")
def phone_filter(number: str | None, user: Any) -> str:
    """A number as ``user`` may see it. Anonymous viewers always get it masked.

    Phone numbers (E.164 or digits) show as dialled at home (``13812345678``) or
    masked (``138****5678``); other identifiers, such as a broadband access
    account, keep their first three and last four characters when masked.
    """
    if not number:
        return ""
    return phone.shown_number(str(number), full=_sees_full(user))


@register.filter
def identifier(value: str | None, user: Any) -> str:
    """An ID document number: in full for roles that see full numbers, else masked."""
    if not value:
        return ""
    return str(value) if _sees_full(user) else phone.mask_identifier(str(value))


@register.filter
def mask_text(text: str | None, user: Any) -> str:
    """Free text (an audit summary, an e-mail address, a note) with every subscriber
    number masked unless ``user`` may see them (``core.selectors.shown``)."""
    if not text:
        return ""
    return str(shown(user, str(text)))


@register.filter
def yuan(fen: int | None) -> str:
    if fen is None:
        return ""
    return money.format_yuan(int(fen))


@register.filter
def unit_name(unit: OrgUnit | None) -> str:
    if unit is None:
        return ""
    language = get_language() or ""
    if language.startswith("en") and unit.name_en:
        return unit.name_en
    return unit.name


@register.filter
def role_labels(user: Any) -> list[str]:
    names: set[str] = getattr(user, "role_names", set())
    return [str(Role(name).label) for name in Role.values if name in names]
