"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import telcodesk


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"telcodesk_version": telcodesk.__version__}
