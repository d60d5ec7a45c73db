"""Console pages for API tokens: list, create (secret shown once), revoke.

Everyone signed in may hold tokens of their own. Administrators (and
superusers) also see, issue and revoke the tokens of the users in their branch
subtree. A token the user may not see is a 404, never a 403, so the pages do
not reveal which tokens exist.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from telcodesk.core import clock
from telcodesk.core.errors import DomainError
from telcodesk.core.models import Channel, User
from telcodesk.core.roles import Role
from telcodesk.core.selectors import scope_q, tokens_visible_to
from telcodesk.core.services import do_issue_token, do_revoke_token


def _administers_tokens(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.ADMINISTRATOR)


def _token_owners(user: User) -> QuerySet[User]:
    """Whom ``user`` may issue a token for: themselves, or (administrators) their subtree."""
    if not _administers_tokens(user):
        return User.objects.filter(pk=user.pk)
    return (User.objects.filter(scope_q(user, field="org_unit") | Q(pk=user.pk), is_active=True)
            .select_related("org_unit").order_by("username"))


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user = cast(User, obj)
        label = user.username
        if user.display_name:
            label += f" · {user.display_name}"
        if user.org_unit:
            label += f" ({user.org_unit.name})"
        return label


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the system that will use it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    user = OwnerChoiceField(label=gettext_lazy("For user"), queryset=User.objects.none(),
                            required=False)

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = _token_owners(viewer)
        user_field = cast(OwnerChoiceField, self.fields["user"])
        user_field.queryset = owners
        if _administers_tokens(viewer):
            user_field.required = True
            user_field.initial = viewer.pk
        else:
            del self.fields["user"]


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    tokens = tokens_visible_to(viewer).order_by("revoked_at", "-created_at")
    return render(request, "core/tokens.html", {
        "tokens": tokens,
        "show_owner": _administers_tokens(viewer),
    })


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = TokenCreateForm(request.POST or None, viewer=viewer)
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data.get("user") or viewer
        try:
            issued = do_issue_token(now=clock.now(), user=owner, name=form.cleaned_data["name"],
                                    actor=viewer, channel=Channel.CONSOLE)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            # The secret goes into this one response and nowhere else: not the
            # session, not a redirect, not a log line.
            return render(request, "core/tokens_created.html", {
                "token": issued.token,
                "secret": issued.raw,
                "api_url": request.build_absolute_uri("/tmf-api/customerManagement/v4/customer"),
            })
    return render(request, "core/tokens_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    token = get_object_or_404(tokens_visible_to(viewer), pk=pk)
    if request.method == "POST":
        if token.revoked_at is None:
            do_revoke_token(now=clock.now(), token=token, actor=viewer, channel=Channel.CONSOLE)
            messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
        return redirect("console:tokens")
    return render(request, "core/tokens_revoke.html", {"token": token})
