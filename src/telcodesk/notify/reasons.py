"""Why a message is where it is, as staff read it.

The outbox records a message's reason as the system wrote it: an SMPP status
(``ESME_RINVDSTADR (0x0B): invalid destination address``), a delivery receipt
(``receipt undeliverable (error 001: absent subscriber)``), a retry, quiet hours.
``explain`` turns it into a sentence in the reader's language and keeps the SMPP
status or receipt error apart, for a tooltip; a reason it does not know is shown
as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

_ESME = re.compile(r"(?P<code>ESME_[A-Z0-9_]+ \(0x[0-9A-Fa-f]+\))(?::.*)?")
_RECEIPT = re.compile(r"receipt (?P<state>\w+)(?: \(error (?P<error>[^:)]+)(?::[^)]*)?\))?")
_RETRYING = re.compile(r"retrying after attempt (?P<n>\d+): (?P<why>.*)")
_GAVE_UP = re.compile(r"gave up after (?P<n>\d+) attempts: (?P<why>.*)")
_NOT_SENT = re.compile(r"not sent yet: (?P<why>.*)")
_NO_RECEIPT = re.compile(r"no delivery receipt within (?P<hours>[\d.]+) h")

# What an SMPP status means to the person reading the outbox.
_ESME_MEANING = {
    "ESME_RINVDSTADR": gettext_lazy("the recipient's number is not valid"),
    "ESME_RINVSRCADR": gettext_lazy("the sender number is not valid"),
    "ESME_RTHROTTLED": gettext_lazy("the SMS centre asked us to send more slowly"),
    "ESME_RMSGQFUL": gettext_lazy("the SMS centre's queue is full"),
    "ESME_RSYSERR": gettext_lazy("the SMS centre had a system error"),
    "ESME_RINVBNDSTS": gettext_lazy("the connection to the SMS centre was not ready"),
    "ESME_RX_T_APPN": gettext_lazy("the SMS centre could not take the message for now"),
    "ESME_RINVPASWD": gettext_lazy("the SMS centre refused our login"),
    "ESME_RINVSYSID": gettext_lazy("the SMS centre refused our login"),
    "ESME_RINVSYSTYP": gettext_lazy("the SMS centre refused our login"),
    "ESME_RINVMSGLEN": gettext_lazy("the message is too long for the SMS centre"),
    "ESME_RSUBMITFAIL": gettext_lazy("the SMS centre could not accept the message"),
}

# What a delivery receipt's state means.
_RECEIPT_MEANING = {
    "undeliverable": gettext_lazy("the SMS centre could not deliver it"),
    "expired": gettext_lazy("the SMS centre gave up: the phone stayed unreachable"),
    "rejected": gettext_lazy("the recipient's network refused it"),
    "deleted": gettext_lazy("the SMS centre deleted it"),
    "unknown": gettext_lazy("the SMS centre does not know what became of it"),
}

_PLAIN = {
    "quiet hours": gettext_lazy("held for the quiet hours; it goes out when they end"),
    "opted out": gettext_lazy("the customer opted out of marketing messages"),
    "deleted through the API": gettext_lazy("deleted through the API"),
    "cancelled": gettext_lazy("cancelled before it went out"),
    "transient error": gettext_lazy("a passing error"),
    "rejected by the SMS centre": gettext_lazy("the SMS centre refused it"),
}


@dataclass(frozen=True)
class Reason:
    text: str  # in the reader's language
    code: str = ""  # the SMPP status or receipt error, for a tooltip


def explain(reason: str) -> Reason:
    """A recorded reason as a sentence for staff, with its SMPP code kept apart."""
    reason = (reason or "").strip()
    if not reason:
        return Reason("")
    if reason in _PLAIN:
        return Reason(str(_PLAIN[reason]))
    if reason.startswith("demo history"):
        return Reason(gettext("demo history: due when the request was handled, not sent"))
    if found := _NO_RECEIPT.fullmatch(reason):
        return Reason(gettext("no delivery receipt within %(hours)s hours")
                      % {"hours": found["hours"]})
    for pattern, sentence in (
            (_RETRYING, gettext_lazy("attempt %(n)s failed, trying again: %(why)s")),
            (_GAVE_UP, gettext_lazy("given up after %(n)s attempts: %(why)s"))):
        if found := pattern.fullmatch(reason):
            inner = explain(found["why"])
            return Reason(str(sentence) % {"n": found["n"], "why": inner.text}, inner.code)
    if found := _NOT_SENT.fullmatch(reason):
        inner = explain(found["why"])
        return Reason(gettext("not sent yet: %(why)s") % {"why": inner.text}, inner.code)
    if found := _ESME.fullmatch(reason):
        name = found["code"].split(" ", 1)[0]
        meaning = _ESME_MEANING.get(name, gettext_lazy("the SMS centre refused it"))
        return Reason(str(meaning), gettext("SMPP status %(code)s") % {"code": found["code"]})
    if found := _RECEIPT.fullmatch(reason):
        meaning = _RECEIPT_MEANING.get(found["state"].lower(),
                                       gettext_lazy("the SMS centre reported a failure"))
        code = (gettext("SMPP receipt error %(code)s") % {"code": found["error"].strip()}
                if found["error"] else "")
        return Reason(str(meaning), code)
    return Reason(reason)
