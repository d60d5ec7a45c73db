"""Admin screens for core reference data.

Writes that have a service go through it, so the admin keeps the same rules and
leaves the same audit entries as the console (channel ``admin``). The audit log
is read-only here.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from telcodesk.core import clock
from telcodesk.core.calendar import PACKAGE
from telcodesk.core.models import (
    ALLOWED_PARENT_KIND,
    ApiToken,
    AuditEntry,
    CalendarDay,
    Channel,
    HolidayNotice,
    OrgUnit,
    OrgUnitKind,
    User,
)
from telcodesk.core.permissions import may_edit_calendar
from telcodesk.core.services import (
    do_audit,
    do_create_org_unit,
    do_remove_calendar_day,
    do_revoke_token,
    do_set_calendar_day,
)

# --- organisation ---------------------------------------------------------------


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["code", "name", "name_en", "kind", "parent", "area"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is not None:
            return cleaned  # only the names can change (see get_readonly_fields)
        kind, parent = cleaned.get("kind"), cleaned.get("parent")
        if kind:
            expected = ALLOWED_PARENT_KIND[OrgUnitKind(kind)]
            actual = OrgUnitKind(parent.kind) if parent else None
            if expected != actual:
                self.add_error("parent", gettext("A unit of this kind must sit under a "
                                                 "%(kind)s unit.")
                               % {"kind": expected.label if expected else gettext("no")})
            if kind == OrgUnitKind.COUNTY and not cleaned.get("area"):
                self.add_error("area", gettext("A county unit must be tagged urban or rural."))
        return cleaned


# The admin's window title and page header name the product, in every language
# (Django's defaults say "Django site admin" / "Django 管理").
admin.site.site_header = "telcodesk"
admin.site.site_title = "telcodesk"

@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    form = OrgUnitForm
    list_display = ["name", "code", "kind", "area", "path"]
    list_filter = ["kind", "area"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["path"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The code, kind and parent make up the materialised path of every unit below.
        return ("code", "kind", "parent", "area", "path") if obj is not None else ("path",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = do_create_org_unit(code=obj.code, name=obj.name, name_en=obj.name_en,
                                     kind=obj.kind, parent=obj.parent, area=obj.area)
        obj.pk, obj.path, obj.area = created.pk, created.path, created.area
        obj._state.adding = False
        obj._state.db = created._state.db

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # units are referenced by staff and customers (PROTECT)


# --- staff ----------------------------------------------------------------------


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "org_unit", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_superuser", "groups", "org_unit__kind"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    list_select_related = ["org_unit"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("telcodesk"), {"fields": ("display_name", "org_unit")}),
    )
    add_fieldsets = (
        *(DjangoUserAdmin.add_fieldsets or ()),
        (_("telcodesk"), {"fields": ("display_name", "org_unit")}),
    )


# --- audit log ------------------------------------------------------------------


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "channel", "action", "target_type", "target_id",
                    "summary"]
    list_filter = ["channel", "action", "target_type"]
    search_fields = ["actor_label", "action", "target_id", "summary"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- API tokens -----------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued in the console (the secret is shown once there); here they are
    listed and revoked."""

    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    list_select_related = ["user"]
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        now = clock.now()
        count = 0
        for token in queryset.select_related("user").filter(revoked_at__isnull=True):
            do_revoke_token(now=now, token=token, actor=cast(User, request.user),
                            channel=Channel.ADMIN)
            count += 1
        self.message_user(request, gettext("%(count)s token(s) revoked.") % {"count": count},
                          messages.SUCCESS)


# --- working calendar -----------------------------------------------------------


def _edits_calendar(request: HttpRequest) -> bool:
    """Writes to the calendar need the calendar role as well as the model permission."""
    return may_edit_calendar(cast(User, request.user))


class CalendarDayInlineFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        year = getattr(self.instance, "year", None)
        for form in self.forms:
            day = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
            if day is not None and year is not None and day.year != year:
                form.add_error("date", gettext("%(date)s is not in %(year)s.")
                               % {"date": day.isoformat(), "year": year})


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    formset = CalendarDayInlineFormSet
    fields = ["date", "is_working_day", "name"]
    extra = 3
    ordering = ["date"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _edits_calendar(request) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _edits_calendar(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _edits_calendar(request) and super().has_delete_permission(request, obj)


class HolidayNoticeForm(forms.ModelForm):
    class Meta:
        model = HolidayNotice
        fields = ["year", "title", "source"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year in PACKAGE.years:
            raise forms.ValidationError(
                gettext("%(year)s is already covered by the holiday data shipped with "
                        "telcodesk; correct single days as calendar overrides instead.")
                % {"year": year})
        return year


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(admin.ModelAdmin):
    form = HolidayNoticeForm
    list_display = ["year", "title", "source", "entered_by", "entered_at"]
    search_fields = ["title", "source"]
    inlines = [CalendarDayInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _edits_calendar(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _edits_calendar(request) and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        base = ("entered_by", "entered_at")
        return ("year", *base) if obj is not None else base

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.entered_by = request.user
            obj.entered_at = clock.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        notice = form.instance
        do_audit(
            now=clock.now(), actor=cast(User, request.user), channel=Channel.ADMIN,
            action="calendar.notice.change" if change else "calendar.notice.enter",
            target_type="holiday_notice", target_id=notice.pk,
            summary=f"{notice.year} {notice.title}",
            details={"days": [[d.date.isoformat(), "workday" if d.is_working_day else "holiday",
                               d.name] for d in notice.days.order_by("date")]},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deleting a notice would uncover its year


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_working_day", "name"]

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        if (day.year not in PACKAGE.years
                and not HolidayNotice.objects.filter(year=day.year).exists()):
            raise forms.ValidationError(
                gettext("%(year)s is not covered: enter its holiday notice first.")
                % {"year": day.year})
        return day


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ["date", "is_working_day", "name", "notice"]
    list_filter = ["is_working_day", "notice"]
    search_fields = ["name"]
    date_hierarchy = "date"
    actions = ["remove_overrides"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _edits_calendar(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _edits_calendar(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _edits_calendar(request) and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by remove_overrides (audited)
        return actions

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("date", "notice") if obj is not None else ("notice",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = do_set_calendar_day(now=clock.now(), actor=cast(User, request.user),
                                    date=obj.date, is_working_day=obj.is_working_day,
                                    name=obj.name, channel=Channel.ADMIN)
        obj.pk, obj.notice = saved.pk, saved.notice
        obj._state.adding = False
        obj._state.db = saved._state.db

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        do_remove_calendar_day(now=clock.now(), actor=cast(User, request.user), date=obj.date,
                               channel=Channel.ADMIN)

    @admin.action(description=_("Remove the selected overrides"), permissions=["delete"])
    def remove_overrides(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        now = clock.now()
        dates = list(queryset.values_list("date", flat=True))
        for day in dates:
            do_remove_calendar_day(now=now, actor=cast(User, request.user), date=day,
                                   channel=Channel.ADMIN)
        self.message_user(request, gettext("%(count)s override(s) removed.")
                          % {"count": len(dates)}, messages.SUCCESS)
