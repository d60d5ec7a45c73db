"""Console pages of the notify app: delivery failures (with resend) and templates.

- Failures: every staff member sees the failed, undeliverable and expired
  messages of their branch subtree (``selectors.failed_messages``);
  administrators and branch managers may resend them.
- Templates: administrators edit the text of each kind and language; the page
  shows each template's length, encoding and SMS count for a sample rendering.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from telcodesk.core import clock
from telcodesk.core.errors import DomainError
from telcodesk.core.models import Channel, User
from telcodesk.notify.errors import NotifyError
from telcodesk.notify.forms import FailureFilterForm, TemplateForm
from telcodesk.notify.kinds import KINDS, LANGUAGES
from telcodesk.notify.permissions import may_edit_templates, may_resend
from telcodesk.notify.selectors import (
    failed_messages,
    sample_of,
    template_rows,
    template_text,
)
from telcodesk.notify.services import do_resend, do_reset_template, do_save_template

FAILURES_PER_PAGE = 50


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
@require_GET
def failures_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = FailureFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    failures = failed_messages(viewer, kind=filters.get("kind") or "",
                               since=filters.get("since"), until=filters.get("until"))
    page = Paginator(failures, FAILURES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notify/failures.html", {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_resend": may_resend(viewer),
        "can_edit_templates": may_edit_templates(viewer),
    })


@login_required
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    message = failed_messages(viewer).filter(pk=pk).first()
    if message is None:
        raise Http404("no such failed message")
    if not may_resend(viewer):
        raise PermissionDenied(_("Only administrators and branch managers may resend messages."))
    try:
        do_resend(now=clock.now(), message=message, actor=viewer, channel=Channel.CONSOLE)
    except NotifyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Message %(id)s queued again.") % {"id": message.pk})
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("console:notify_failures")


def _template_editor(request: HttpRequest) -> User:
    viewer = _viewer(request)
    if not may_edit_templates(viewer):
        raise PermissionDenied(_("Only administrators may edit message templates."))
    return viewer


@login_required
@require_GET
def templates_page(request: HttpRequest) -> HttpResponse:
    _template_editor(request)
    return render(request, "notify/templates.html", {"rows": template_rows()})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    viewer = _template_editor(request)
    found = KINDS.get(kind)
    if found is None or language not in LANGUAGES:
        raise Http404("no such template")
    current, overridden = template_text(found, language)
    if request.method == "POST" and request.POST.get("action") == "reset":
        do_reset_template(now=clock.now(), kind=kind, language=language, actor=viewer)
        messages.success(request, _("The shipped text is back in use."))
        return redirect("console:notify_templates")
    form = TemplateForm(request.POST or None, kind=found, initial={"body": current})
    shown = current
    if request.method == "POST" and form.is_valid():
        shown = form.cleaned_data["body"]
        try:
            do_save_template(now=clock.now(), kind=kind, language=language, body=shown,
                             actor=viewer, channel=Channel.CONSOLE)
        except DomainError as exc:
            form.add_error("body", exc.message)
        else:
            messages.success(request, _("Template saved."))
            return redirect("console:notify_templates")
    try:
        sample, length = sample_of(found, language, shown)
    except DomainError:
        sample, length = None, None
    return render(request, "notify/template_edit.html", {
        "kind": found, "language": language, "form": form, "overridden": overridden,
        "sample": sample, "length": length,
    })
