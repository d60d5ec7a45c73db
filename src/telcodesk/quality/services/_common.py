"""Helpers shared by several service modules of the quality app (private to the package)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

from telcodesk.quality.errors import QualityError, QualityErrorCode

PathOrStream = str | os.PathLike[str] | IO[bytes] | IO[str]


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
