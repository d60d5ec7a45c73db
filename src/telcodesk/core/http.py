"""Facts about an HTTP request every app's pages may need."""

from __future__ import annotations


def client_address(meta: dict[str, object]) -> str:
    """The client address as the server saw it (``REMOTE_ADDR``).

    Forwarded headers are not trusted (a client can forge them): behind a reverse
    proxy, the deployment must hand the real client address to the application
    as ``REMOTE_ADDR``.
    """
    return str(meta.get("REMOTE_ADDR") or "")
