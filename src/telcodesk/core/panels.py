"""Panels an app above contributes to a page of an app below it.

The app order forbids an app to import one above it, yet a page may show what a
higher app knows about its subject: the customer page (customers) shows the SMS
sent to the customer (notify). The higher app registers a contributor for the page
in its ``AppConfig.ready()``; the page asks for the contributions and adds them to
its template context. The lower app names no app above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Contributor = Callable[..., dict[str, Any]]

_contributors: dict[str, list[Contributor]] = {}

CUSTOMER_PAGE = "customers.customer_page"


def contribute(page: str, contributor: Contributor) -> None:
    """Register ``contributor`` for ``page`` (once; a second registration is ignored)."""
    found = _contributors.setdefault(page, [])
    if contributor not in found:
        found.append(contributor)


def contributions(page: str, **subject: Any) -> dict[str, Any]:
    """The template context every contributor of ``page`` adds for ``subject``."""
    context: dict[str, Any] = {}
    for contributor in _contributors.get(page, []):
        context.update(contributor(**subject))
    return context
