"""SMS transports: where the outbox hands messages over (an SMS centre, a file).

``transport_from_url(settings.TELCODESK_SMS_URL)`` picks one:

- ``file:///path/sms.jsonl``: ``file.FileTransport``, one JSON line per message;
- ``smpp://system_id:password@host:port?source_addr=10000&...``:
  ``smpp.SmppTransport``, an SMPP 3.4 client of the SMS centre.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from telcodesk.notify.errors import NotifyError, NotifyErrorCode
from telcodesk.notify.transports.base import Transport


def transport_from_url(url: str) -> Transport:
    """The transport ``url`` names; a clear ``NotifyError`` for anything else."""
    scheme = urlsplit(url or "").scheme.lower()
    try:
        if scheme == "file":
            from telcodesk.notify.transports.file import FileTransport

            return FileTransport.from_url(url)
        if scheme == "smpp":
            from telcodesk.notify.transports.smpp import SmppTransport

            transport: Transport = SmppTransport.from_url(url)
            return transport
    except ValueError as exc:
        raise NotifyError(NotifyErrorCode.BAD_TRANSPORT_URL,
                          f"TELCODESK_SMS_URL is not usable: {exc}") from None
    raise NotifyError(
        NotifyErrorCode.BAD_TRANSPORT_URL,
        f"TELCODESK_SMS_URL {_redacted(url)!r} names no known transport; use "
        "file:///path/sms.jsonl or smpp://system_id:password@host:port?source_addr=10000",
    )


def _redacted(url: str) -> str:
    """The URL without its password, fit for an error message."""
    parts = urlsplit(url or "")
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url
