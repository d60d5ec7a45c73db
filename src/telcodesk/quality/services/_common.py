"""Helpers shared by several service modules of the quality app (private to the package)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from telcodesk.core import permissions as core_permissions
from telcodesk.quality.errors import QualityError, QualityErrorCode

if TYPE_CHECKING:
    from telcodesk.core.models import User

PathOrStream = str | os.PathLike[str] | IO[bytes] | IO[str]
MEMBERSHIP_REFUSED = ("only a quality manager or an administrator may change which requests feed "
                      "an indicator")
COUNT_ENTRY_REFUSED = "only a quality manager or an administrator may import or enter counts"


def check_actor(actor: User | None, rule: Callable[[User], bool], refusal: str) -> None:
    """Refuse a staff ``actor`` whom ``rule`` (a ``quality.permissions`` function) does
    not allow; ``None`` is the system itself (command line, demo, worker)."""
    core_permissions.check_actor(
        actor, rule, lambda: QualityError(QualityErrorCode.FORBIDDEN, refusal))


def check_choice(value: str, choices: list[str], label: str) -> None:
    if value not in choices:
        raise QualityError(QualityErrorCode.INVALID,
                           f"unknown {label} {value!r} (one of {', '.join(choices)})")


def read_input(path_or_stream: PathOrStream) -> tuple[bytes, str]:
    """The bytes of a file given by path or as an open stream, and its name."""
    if isinstance(path_or_stream, str | os.PathLike):
        path = Path(path_or_stream)
        try:
            return path.read_bytes(), path.name
        except OSError as exc:
            raise QualityError(QualityErrorCode.INVALID,
                               f"cannot read {path}: {exc.strerror or exc}") from None
    raw: Any = path_or_stream.read()
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    return data, os.path.basename(str(getattr(path_or_stream, "name", "") or ""))
