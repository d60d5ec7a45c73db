"""Console pages of the half-year report.

- ``reports``: pick a period and a unit, read the report as it will print
  (every figure links to the records behind it), download it in every format,
  and (quality managers, administrators) publish a finished half-year.
- ``report_edit``: the quality manager's words — introduction, the sections of
  measures taken (add, remove, move up and down; no script needed), the
  declaration — with a Markdown preview before saving.
- ``report_download``: one format as a file, from the figures the page shows (the
  kept snapshot; computed and kept first if there is none, as on a first visit).
- ``report_compute``: compute the figures again on the worker (the page reads the
  figures kept from the last computation, and shows a new one's progress).
- ``report_publish``: freeze the operator-wide figures of a finished half-year
  for the public ``/standards/`` page.

Who sees what: a staff member picks among the cities and counties of their own
branch subtree; the operator-wide report needs a unit at operator or province
level (or a superuser).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from telcodesk.core import clock
from telcodesk.core.errors import DomainError
from telcodesk.core.models import Channel, OrgUnit, User
from telcodesk.quality.forms.reports import NarrativeForm, PickForm
from telcodesk.quality.indicators.periods import Period, last_complete_half, parse_period
from telcodesk.quality.indicators.types import IndicatorResult, Scope
from telcodesk.quality.permissions import (
    may_edit_report,
    may_publish_report,
    may_see_reports,
    sees_operator_report,
)
from telcodesk.quality.report.document import ReportDocument, assemble_document
from telcodesk.quality.report.exports import EXPORTS, filename, get_export
from telcodesk.quality.report.html import document_context
from telcodesk.quality.report.narrative import (
    MAX_SECTION_BODY,
    MAX_SECTION_TITLE,
    MAX_SECTIONS,
    NarrativeSection,
    load_narrative,
    render_markdown,
)
from telcodesk.quality.report.wording import section_number
from telcodesk.quality.selectors import snapshots as snapshot_selectors
from telcodesk.quality.selectors.reports import (
    is_operator_unit,
    is_published,
    publication_of,
    report_units,
)
from telcodesk.quality.services import snapshots as snapshot_services
from telcodesk.quality.services.reports import do_publish_report, do_save_narrative


def _viewer(request: HttpRequest) -> User:
    viewer = cast(User, request.user)
    if not may_see_reports(viewer):
        raise PermissionDenied(_("Only quality managers, branch managers and administrators "
                                 "see the service-quality report."))
    return viewer


@dataclass(frozen=True)
class _Choice:
    period: Period
    unit: OrgUnit | None  # None: the whole operator
    language: str

    @property
    def unit_code(self) -> str:
        return self.unit.code if self.unit else ""

    def query(self, **extra: str) -> str:
        params = {"period": self.period.code}
        if self.unit:
            params["unit"] = self.unit.code
        params.update(extra)
        return urlencode(params)


def _document_language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hans"


def _choice(request: HttpRequest, params: Any, *, period_code: str | None = None) -> _Choice:
    """Period, unit and language from the request; a unit the viewer may not see
    is a 404, a malformed period a ``DomainError``."""
    viewer = _viewer(request)
    code = (period_code or params.get("period") or "").strip()
    period = parse_period(code) if code else last_complete_half(clock.today())
    unit_code = (params.get("unit") or "").strip()
    unit: OrgUnit | None = None
    if unit_code:
        unit = next((u for u in report_units(viewer) if u.code == unit_code), None)
        if unit is None:
            if sees_operator_report(viewer) and is_operator_unit(unit_code):
                unit = None
            else:
                raise Http404(_("No report of that unit for you."))
    elif not sees_operator_report(viewer):
        own = viewer.org_unit
        if own is not None and own.kind in ("city", "county"):
            unit = own
        else:
            units = report_units(viewer)
            if not units:
                raise PermissionDenied(_("Your branch has no report of its own."))
            unit = units[0]
    language = params.get("language") or _document_language()
    if language not in ("zh-hans", "en"):
        language = _document_language()
    return _Choice(period, unit, language)


def _drill_link(result: IndicatorResult, period: Period, scope: Scope) -> str | None:
    from telcodesk.quality.indicators.drilldown import drill_url

    return drill_url(result, period, scope)


def _pick_form(viewer: User, choice: _Choice | None, data: Any) -> PickForm:
    form = PickForm(initial={"period": choice.period.code if choice else "",
                              "unit": choice.unit_code if choice else "",
                              "language": choice.language if choice else
                              _document_language()})
    options: list[tuple[str, str]] = []
    if sees_operator_report(viewer):
        options.append(("", _("Whole operator")))
    for unit in report_units(viewer):
        indent = "\u3000" if unit.kind == "county" else ""
        options.append((unit.code, f"{indent}{unit.name}"))
    cast(forms.ChoiceField, form.fields["unit"]).choices = options
    if data.get("period"):
        form.initial["period"] = data.get("period")
    return form


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    context: dict[str, Any] = {"may_edit": may_edit_report(viewer)}
    try:
        choice = _choice(request, request.GET)
    except DomainError as exc:
        messages.error(request, exc.message)
        context["form"] = _pick_form(viewer, None, request.GET)
        return render(request, "quality/report_index.html", context, status=400)
    context["form"] = _pick_form(viewer, choice, request.GET)
    context["choice"] = choice
    document: ReportDocument | None = None
    try:
        snapshot = _snapshot(viewer, choice)
        document = assemble_document(period=choice.period, unit_code=choice.unit_code or None,
                                     language=choice.language, now=clock.local(clock.now()),
                                     figures=snapshot.figures)
        context["snapshot"] = snapshot.computed
        context["pending"] = snapshot.pending
        context["compute_url"] = reverse("console:report_compute", args=[choice.period.code])
    except DomainError as exc:
        messages.error(request, exc.message)
    context["document"] = document
    if document is not None and document.has_data:
        context.update(document_context(document, link=_drill_link, draft=True))
    narrative = document.narrative if document is not None else None
    context["narrative"] = narrative
    context["unwritten"] = [s.title for s in narrative.sections if s.is_empty] if narrative else []
    context["downloads"] = [
        {"label": export.label, "url": reverse("console:report_download",
                                               args=[choice.period.code, export.key])
         + "?" + choice.query(language=choice.language)}
        for export in EXPORTS.values()]
    context["edit_url"] = reverse("console:report_edit") + "?" + choice.query()
    context["may_publish"] = (may_publish_report(viewer)
                              and choice.unit is None and choice.period.kind == "half")
    context["publication"] = publication_of(choice.period)
    return render(request, "quality/report_index.html", context)


def _snapshot(viewer: User, choice: _Choice) -> snapshot_selectors.SnapshotView:
    """The figures kept for the choice; computed and kept now on the first visit."""
    keys = {"period_code": choice.period.code, "unit_code": choice.unit_code,
            "language": choice.language}
    found = snapshot_selectors.report_snapshot(**keys)
    if found.figures is None:
        snapshot_services.do_compute_report_snapshot(now=clock.now(), actor=viewer, **keys)
        found = snapshot_selectors.report_snapshot(**keys)
    return found


@login_required
@require_POST
def report_compute(request: HttpRequest, period: str) -> HttpResponse:
    """Compute the figures again on the worker; the page shows the progress."""
    viewer = _viewer(request)
    try:
        choice = _choice(request, request.POST, period_code=period)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("console:reports"))
    back = reverse("console:reports") + "?" + choice.query(language=choice.language)
    try:
        snapshot_services.do_request_report_snapshot(
            now=clock.now(), actor=viewer, period_code=choice.period.code,
            unit_code=choice.unit_code, language=choice.language)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("The figures are being computed again; this page shows "
                                "the progress."))
    return redirect(back)


@login_required
@require_GET
def report_download(request: HttpRequest, period: str, fmt: str) -> HttpResponse:
    if fmt not in EXPORTS:
        raise Http404(_("Unknown format."))
    try:
        choice = _choice(request, request.GET, period_code=period)
        # The figures the page shows (kept by the last computation), not computed again
        # for each download: that took seconds to tens of seconds inside the request.
        snapshot = _snapshot(_viewer(request), choice)
        document = assemble_document(period=choice.period, unit_code=choice.unit_code or None,
                                     language=choice.language, now=clock.local(clock.now()),
                                     require_data=True, figures=snapshot.figures)
        with translation.override(choice.language):
            data = get_export(fmt).render(document)
    except DomainError as exc:
        messages.error(request, exc.message)
        params = {"period": period}
        if request.GET.get("unit"):
            params["unit"] = str(request.GET["unit"])
        back = reverse("console:reports") + "?" + urlencode(params)
        return redirect(back)
    export = EXPORTS[fmt]
    response = HttpResponse(data, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename(document, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def report_publish(request: HttpRequest, period: str) -> HttpResponse:
    viewer = _viewer(request)
    if not may_publish_report(viewer):
        raise PermissionDenied(_("Only a quality manager or an administrator of the whole "
                                 "operator may publish the report."))
    back = reverse("console:reports") + "?" + urlencode({"period": period})
    try:
        existing = is_published(period)
        publication = do_publish_report(now=clock.now(), actor=viewer, period=period,
                                        channel=Channel.CONSOLE)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    if existing:
        messages.success(request, _("The %(period)s report was published again; the public "
                                    "page shows the new figures.")
                         % {"period": publication.period_code})
    else:
        messages.success(request, _("The %(period)s report is published on the public "
                                    "standards page.") % {"period": publication.period_code})
    return redirect(back)


# --- the words -------------------------------------------------------------------------------


def _posted_sections(data: Any) -> list[NarrativeSection]:
    """The sections typed in the form, in their order (``section-N-title``/``-body``)."""
    count = min(int(data.get("section_count") or 0), MAX_SECTIONS + 1)
    return [NarrativeSection(str(data.get(f"section-{i}-title", "")),
                             str(data.get(f"section-{i}-body", "")))
            for i in range(count)]


def _apply_action(action: str, sections: list[NarrativeSection]) -> list[NarrativeSection]:
    """Add, remove, move: the editor works without a script."""
    verb, _sep, index_text = action.partition("-")
    if verb == "add":
        return [*sections, NarrativeSection("")]
    if not index_text.isdigit():
        return sections
    i = int(index_text)
    if not 0 <= i < len(sections):
        return sections
    if verb == "remove":
        return sections[:i] + sections[i + 1:]
    if verb == "up" and i > 0:
        sections[i - 1], sections[i] = sections[i], sections[i - 1]
    if verb == "down" and i < len(sections) - 1:
        sections[i + 1], sections[i] = sections[i], sections[i + 1]
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not may_edit_report(viewer):
        raise PermissionDenied(_("Only a quality manager or an administrator may edit the "
                                 "report's words."))
    params = request.POST if request.method == "POST" else request.GET
    try:
        choice = _choice(request, params)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("console:reports")
    narrative = load_narrative(period=choice.period, unit=choice.unit,
                               language=_document_language())
    preview: dict[str, Any] | None = None
    if request.method == "POST":
        form = NarrativeForm(request.POST)
        sections = _posted_sections(request.POST)
        action = request.POST.get("action", "save")
        if action == "save" and form.is_valid():
            try:
                do_save_narrative(now=clock.now(), actor=viewer, period_code=choice.period.code,
                                  unit=choice.unit,
                                  introduction=form.cleaned_data["introduction"],
                                  sections=sections,
                                  declaration=form.cleaned_data["declaration"],
                                  channel=Channel.CONSOLE)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The report's words for %(period)s are saved.")
                                 % {"period": choice.period.code})
                return redirect(reverse("console:reports") + "?" + choice.query())
        elif action == "preview":
            language = _document_language()
            preview = {
                "intro": render_markdown(request.POST.get("introduction", "")),
                "sections": [{"title": section_number(i, language) + s.title,
                              "html": render_markdown(s.body)}
                             for i, s in enumerate(sections, start=1)
                             if s.title.strip() or s.body.strip()],
                "declaration": request.POST.get("declaration", ""),
            }
        else:
            form = NarrativeForm(initial={"introduction": request.POST.get("introduction", ""),
                                          "declaration": request.POST.get("declaration", "")})
            sections = _apply_action(action, sections)
    else:
        form = NarrativeForm(initial={"introduction": narrative.introduction,
                                      "declaration": narrative.declaration})
        sections = list(narrative.sections)
    if preview is not None:
        from django.utils.safestring import mark_safe

        preview["intro"] = mark_safe(preview["intro"])  # noqa: S308 - Markdown, raw HTML off
        for item in preview["sections"]:
            item["html"] = mark_safe(item["html"])  # noqa: S308 - Markdown, raw HTML off
    context = {
        "form": form,
        "choice": choice,
        "narrative": narrative,
        "sections": [{"index": i, "title": s.title, "body": s.body,
                      "number": section_number(i + 1, _document_language())}
                     for i, s in enumerate(sections)],
        "section_count": len(sections),
        "may_add": len(sections) < MAX_SECTIONS,
        "limits": {"title": MAX_SECTION_TITLE, "body": MAX_SECTION_BODY},
        "preview": preview,
        "back_url": reverse("console:reports") + "?" + choice.query(),
    }
    return render(request, "quality/report_edit.html", context)
