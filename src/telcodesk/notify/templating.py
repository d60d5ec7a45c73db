"""Message templates: ``{name}`` placeholders, checked when saved, filled safely.

The syntax is that of ``str.format`` reduced to plain names: ``{number}`` is a
placeholder, ``{{`` and ``}}`` are literal braces. Attribute or index access
(``{a.b}``, ``{a[0]}``), conversions (``{a!r}``) and format specs (``{a:>5}``)
are refused, so a template edited by an administrator can never reach into the
objects passed as context.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from telcodesk.core import phone
from telcodesk.core.clock import local
from telcodesk.notify.errors import NotifyError, NotifyErrorCode
from telcodesk.notify.kinds import DEFAULT_LANGUAGE, OPT_OUT_LINES, Category, Kind

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class _Part:
    literal: str
    name: str | None


def parse(template: str) -> list[_Part]:
    """Split ``template`` into literals and placeholder names; ``NotifyError`` if malformed."""
    return list(_parsed(template))


@functools.lru_cache(maxsize=256)
def _parsed(template: str) -> tuple[_Part, ...]:
    """``parse`` once per template text (a batch of alerts renders one template
    thousands of times); a malformed template raises every time (not cached)."""
    parts: list[_Part] = []
    try:
        pieces = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise NotifyError(NotifyErrorCode.BAD_TEMPLATE,
                          f"the template is malformed: {exc} (write {{{{ and }}}} for "
                          "literal braces)") from None
    for literal, name, spec, conversion in pieces:
        if name is None:
            parts.append(_Part(literal, None))
            continue
        if not _NAME.match(name) or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + \
                (f":{spec}" if spec else "") + "}"
            raise NotifyError(NotifyErrorCode.BAD_TEMPLATE,
                              f"{shown} is not allowed: placeholders are plain names such as "
                              "{number}")
        parts.append(_Part(literal, name))
    return tuple(parts)


def placeholders(template: str) -> list[str]:
    """The placeholder names ``template`` uses, in order of first use."""
    seen: dict[str, None] = {}
    for part in parse(template):
        if part.name is not None:
            seen.setdefault(part.name, None)
    return list(seen)


def check_template(template: str, allowed: Iterable[str]) -> None:
    """Refuse a template that is empty, malformed or uses a name outside ``allowed``."""
    if not template.strip():
        raise NotifyError(NotifyErrorCode.BAD_TEMPLATE, "the template is empty")
    allowed = tuple(allowed)
    unknown = [name for name in placeholders(template) if name not in allowed]
    if unknown:
        listed = ", ".join("{" + n + "}" for n in allowed) or "none"
        raise NotifyError(
            NotifyErrorCode.UNKNOWN_PLACEHOLDER,
            f"unknown placeholder(s) {', '.join('{' + n + '}' for n in unknown)}; "
            f"this kind allows: {listed}",
        )


# A domestic number as stored (E.164): ``+86`` then the national number.
_DOMESTIC = re.compile(r"^\+86\d{7,12}$")


def format_value(value: Any, language: str) -> str:
    """A context value as it reads in an SMS: instants in the operator's zone, a
    domestic number as the subscriber dials it (``18138412506``, not ``+8618138412506``)."""
    english = language.startswith("en")
    if isinstance(value, str) and _DOMESTIC.match(value):
        return phone.national(value)
    if isinstance(value, dt.datetime):
        moment = local(value)
        return f"{moment:%Y-%m-%d %H:%M}" if english else \
            f"{moment.year}年{moment.month}月{moment.day}日{moment:%H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat() if english else f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def render(template: str, context: Mapping[str, Any], *, language: str) -> str:
    """Fill ``template`` from ``context``; a missing name is a ``NotifyError`` naming it."""
    parts = _parsed(template)
    missing = sorted({p.name for p in parts if p.name is not None and p.name not in context})
    if missing:
        raise NotifyError(NotifyErrorCode.MISSING_CONTEXT,
                          f"the message needs {', '.join(missing)} but the context "
                          f"gives only {', '.join(sorted(context)) or 'nothing'}")
    out: list[str] = []
    for part in parts:
        out.append(part.literal)
        if part.name is not None:
            out.append(format_value(context[part.name], language))
    return "".join(out)


def sample_context(names: Iterable[str], *, language: str) -> dict[str, str]:
    """Plausible values for a sample rendering (lengths close to real messages)."""
    zh = not language.startswith("en")
    samples = {
        "number": "18912345678",
        "time": "2025年9月30日10:00" if zh else "2025-09-30 10:00",
        "deadline": "2025年9月30日18:00" if zh else "2025-09-30 18:00",
        "package": "天翼畅享129元" if zh else "Tianyi Unlimited 129",
        "channel": "网上营业厅" if zh else "online hall",
        "points": "2000",
        "amount": "20.00",
        "balance": "86.50",
        "service": "天翼云盘会员" if zh else "Cloud Drive Plus",
        "fee": "10元/月" if zh else "CNY 10/month",
        "reason": "挂失停机" if zh else "reported lost",
        "work": "宽带装机" if zh else "broadband installation",
        "reference": "WO2025093000123",
        "progress": "维修人员已出发，预计14:00前到达" if zh else "the technician is on the way",
        "code": "385216",
        "minutes": "5",
        "what": "宽带装机工单" if zh else "broadband installation",
        "level": "省公司" if zh else "province",
        "summary": "宽带频繁掉线" if zh else "broadband drops often",
        "text": "国庆特惠：加10元得30GB全国流量，当月有效。" if zh
        else "National Day offer: 30 GB for CNY 10 this month.",
    }
    return {name: samples.get(name, name.upper()) for name in names}


def compose_body(kind: Kind, template: str, context: Mapping[str, Any], *,
                 language: str) -> str:
    """``template`` rendered for a message of ``kind``, opt-out line included for
    marketing (``services.compose`` picks the template; the editor's preview passes
    the one being edited)."""
    body = render(template, context, language=language)
    if kind.category == Category.MARKETING:
        line = OPT_OUT_LINES[language]
        if line not in body:
            body = f"{body}{'' if language == DEFAULT_LANGUAGE else ' '}{line}"
    return body
