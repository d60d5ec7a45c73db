"""Helpers shared by the orders schemas modules (private to ``orders.schemas``)."""

from __future__ import annotations

from telcodesk.core import phone


def _number(number: str, full: bool) -> str:
    return number if full else phone.mask(number)

