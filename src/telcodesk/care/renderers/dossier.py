"""The regulator-appeal dossier of one complaint, as a PDF.

When a subscriber appeals to the regulator (the ministry's complaint centre),
the operator hands over the complaint's record: who took it and when, the
time limits and whether they were met, every step of the handling (transfers
from whom to whom, notes, contacts, replies with their text), the
satisfaction survey's answers. ``build_dossier_pdf`` prints exactly what
``care.selectors.complaints.complaint_dossier`` gathers, in the reader's
language (Simplified Chinese by default, English on request), through the
project's PDF layer (``core.pdf``).

Phone numbers and numbers in free text are masked unless the requesting
staff member's role shows full numbers (``full_numbers``); the caller decides.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from telcodesk.care.models import SURVEY_CHANNEL_LABELS, Complaint
from telcodesk.care.selectors.complaints import ComplaintDossier, complaint_dossier
from telcodesk.core import phone
from telcodesk.core.clock import local
from telcodesk.core.models import User
from telcodesk.core.pdf import Column, PdfDocument
from telcodesk.core.selectors import shown

__all__ = ["build_dossier_pdf", "dossier_filename"]



def dossier_filename(complaint: Complaint) -> str:
    return f"{complaint.code}-dossier.pdf"


def _at(value: dt.datetime | None) -> str:
    return f"{local(value):%Y-%m-%d %H:%M}" if value is not None else "—"


def _number(value: str, full: bool) -> str:
    """A number as the reader may see it: the one rule of ``core.phone.shown_number``."""
    return phone.shown_number(value, full=full)


def _text(value: str, full: bool) -> str:
    """Free text as the reader may see it: the one rule of ``core.selectors.shown``."""
    return str(shown(None, value, full=full))


def _yes_no(flag: bool) -> str:
    return pgettext("answer", "yes") if flag else pgettext("answer", "no")


def _hours(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".rstrip("0").rstrip(".") + " h"


def _clock_result(clock_status: str, timely: bool | None) -> str:
    if clock_status == "stopped":
        if timely is None:
            return pgettext("clock result", "stopped")
        return _("met") if timely else _("not met (limit breached)")
    return {"ok": _("running, within the limit"), "warning": _("running, near the limit"),
            "breached": _("running, limit breached"),
            "paused": _("paused")}.get(clock_status, clock_status)


def _header(doc: PdfDocument, d: ComplaintDossier, full: bool, branch: str) -> None:
    customer = d.customer_name
    if d.customer_code:
        customer = f"{customer} ({d.customer_code})" if customer else d.customer_code
    appeal = pgettext("answer", "no")
    if d.regulator_appeal:
        appeal = _("yes, recorded %(at)s") % {"at": _at(d.regulator_appeal_at)}
    repeat = pgettext("answer", "no")
    if d.repeat_of:
        repeat = _("yes, repeat of %(code)s") % {"code": d.repeat_of}
    doc.heading(_("1. The complaint"))
    doc.key_values([
        (_("Complaint number"), d.code),
        (_("Channel"), d.channel),
        (_("Category"), d.category),
        (_("State"), d.state),
        (pgettext("time of", "Received"), _at(d.received_at)),
        (_("Branch"), branch),
        (_("Owner (first responsibility)"), d.owner),
        (_("Current handler"), d.handler),
        (_("Registered by"), d.registered_by),
        (_("Repeat complaint"), repeat),
        (_("Reopened"), str(d.reopened_count)),
        (_("Appealed to the regulator"), appeal),
        (_("Regulator's reference"), d.regulator_reference),
        (_("Summary"), _text(d.summary, full)),
        (_("Details"), _text(d.details, full)),
    ])
    doc.heading(_("2. The complainant and what it concerns"))
    doc.key_values([
        (_("Customer"), customer),
        (_("Contact number"), _number(d.contact_number, full)),
        (_("Line"), _number(d.subscription_number, full)),
        (_("Order"), d.order_code),
        (_("Work order"), d.work_order_code),
        (_("Bill"), d.bill_reference),
    ])


def _clocks(doc: PdfDocument, d: ComplaintDossier) -> None:
    doc.heading(_("3. Time limits"))
    if not d.clocks:
        doc.paragraph(_("No time limit applies to this complaint."), muted=True)
        return
    doc.table([Column(_("Time limit"), 2), Column(_("Limit"), 1), Column(_("Due"), 2),
               Column(_("Counted"), 1), Column(_("Result"), 2)],
              [[c.label, _hours(c.limit_hours), _at(c.due_at), _hours(c.counted_hours),
                _clock_result(c.status, c.timely)] for c in d.clocks])
    for c in d.clocks:
        doc.heading(_("How the clock ran: %(label)s") % {"label": c.label}, level=2)
        doc.bullets(c.lines)


def _timeline(doc: PdfDocument, d: ComplaintDossier, full: bool) -> None:
    doc.heading(_("4. Timeline"))
    rows = []
    for row in d.timeline:
        moved = f"{row.from_user} → {row.to_user}" if (row.from_user or row.to_user) else ""
        rows.append([_at(row.at), row.kind_label, row.actor or _("system"), moved,
                     _text(row.text, full)])
    if rows:
        doc.table([Column(_("When"), 2.2), Column(_("What"), 1.8), Column(_("By"), 1.6),
                   Column(_("From → to"), 2.2), Column(_("Text"), 5)], rows, size=8.5)
    else:
        doc.paragraph(_("Nothing recorded."), muted=True)


def _replies(doc: PdfDocument, d: ComplaintDossier, full: bool) -> None:
    doc.heading(_("5. Replies to the complainant"))
    if not d.replies:
        doc.paragraph(_("No reply yet."), muted=True)
        return
    for n, reply in enumerate(d.replies, start=1):
        doc.heading(_("Reply %(n)d — %(at)s, %(by)s")
                    % {"n": n, "at": _at(reply.at), "by": reply.actor or _("system")}, level=2)
        doc.paragraph(_text(reply.text, full))


def _surveys(doc: PdfDocument, d: ComplaintDossier) -> None:
    doc.heading(_("6. Satisfaction survey"))
    doc.key_values([(_("Result"), d.satisfaction_label or _("not answered"))])
    if d.surveys:
        doc.table([Column(_("Received"), 2), Column(_("Channel"), 1.3),
                   Column(_("Text as received"), 3), Column(_("Read as"), 1.6),
                   Column(_("Status"), 2)],
                  [[_at(s.received_at), str(SURVEY_CHANNEL_LABELS.get(s.channel, s.channel)),
                    s.raw_text, s.value_label or "—",
                    s.status_label] for s in d.surveys])


def build_dossier_pdf(complaint: Complaint, *, now: dt.datetime, language: str = "zh-hans",
                      full_numbers: bool = False, generated_by: User | None = None,
                      compress: bool = True) -> bytes:
    """The complaint's regulator-appeal dossier at ``now``, as PDF bytes.

    ``language``: the reader's UI language; ``full_numbers``: whether the
    requesting staff member's role shows full phone numbers (else masked);
    ``generated_by`` is printed on the generated-at line.
    """
    with translation.override(language):
        d = complaint_dossier(complaint, now=now)
        unit = d.complaint.org_unit
        branch = unit.name_en if language.startswith("en") and unit.name_en else unit.name
        title = _("Complaint dossier %(code)s") % {"code": d.code}
        doc = PdfDocument(title=title, created_at=now, author=branch, subject=d.code,
                          keywords=["complaint", d.code, "regulator-appeal"],
                          language=language, compress=compress)
        doc.title(_("Complaint dossier"),
                  subtitle=_("%(code)s · for the regulator appeal") % {"code": d.code})
        _header(doc, d, full_numbers, branch)
        _clocks(doc, d)
        _timeline(doc, d, full_numbers)
        _replies(doc, d, full_numbers)
        _surveys(doc, d)
        doc.spacer(4)
        by = f"{generated_by} ({generated_by.get_username()})" if generated_by else _("system")
        doc.paragraph(_("Generated %(at)s by %(by)s from the complaint record; times in the "
                        "operator's time zone.") % {"at": _at(now), "by": by},
                      size=8, muted=True)
        return doc.output()
