"""Forms of the core console pages (working calendar)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from telcodesk.core.services import FIRST_YEAR, LAST_YEAR, NoticeDay

_DAY_LINE = re.compile(r"^(\S+)\s+(\S+)(?:\s+(.*))?$")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The kinds of day a line names: the English keywords, and the Chinese ones (放假, 上班).
DAY_KINDS = {"holiday": False, "workday": True, "放假": False, "上班": True}
MAX_CHECK_DAYS = 3650


def parse_day_lines(text: str, *, year: int | None = None) -> tuple[list[NoticeDay], list[str]]:
    """Parse notice lines like ``2027-01-01 holiday 元旦`` or ``2027-02-07 workday 春节调休``.

    Blank lines are skipped. Returns the days and one message per bad line, each
    naming its line number; any message means nothing may be saved.
    """
    days: list[NoticeDay] = []
    errors: list[str] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _DAY_LINE.match(line)
        if not match:
            errors.append(
                gettext("Line %(n)s: expected “date holiday|workday name”, got “%(line)s”.")
                % {"n": number, "line": line})
            continue
        raw_date, kind, name = match.group(1), match.group(2), (match.group(3) or "").strip()
        try:
            if not _ISO_DATE.fullmatch(raw_date):
                raise ValueError(raw_date)
            day = dt.date.fromisoformat(raw_date)
        except ValueError:
            errors.append(gettext("Line %(n)s: “%(date)s” is not a date written YYYY-MM-DD.")
                          % {"n": number, "date": raw_date})
            continue
        if kind not in DAY_KINDS:
            errors.append(gettext("Line %(n)s: “%(kind)s” must be “holiday” or “workday”.")
                          % {"n": number, "kind": kind})
            continue
        if len(name) > 100:
            errors.append(gettext("Line %(n)s: the name is longer than 100 characters.")
                          % {"n": number})
            continue
        if year is not None and day.year != year:
            errors.append(gettext("Line %(n)s: %(date)s is not in %(year)s.")
                          % {"n": number, "date": day.isoformat(), "year": year})
            continue
        if day in seen:
            errors.append(gettext("Line %(n)s: %(date)s is already listed on line %(first)s.")
                          % {"n": number, "date": day.isoformat(), "first": seen[day]})
            continue
        if DAY_KINDS[kind] and day.weekday() < 5:
            errors.append(gettext("Line %(n)s: %(date)s is a weekday; only a Saturday or Sunday "
                                  "can be an adjusted working day.")
                          % {"n": number, "date": day.isoformat()})
            continue
        seen[day] = number
        days.append((day, DAY_KINDS[kind], name))
    return days, errors


class HolidayNoticeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    title = forms.CharField(label=_("Title"), max_length=200)
    source = forms.CharField(
        label=_("Source"), max_length=300, required=False,
        help_text=_("Where the notice was published, e.g. its document number or address."),
    )
    days = forms.CharField(
        label=_("Days"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 50, "spellcheck": "false"}),
        help_text=_("One day per line: date, “holiday” or “workday”, name. "
                    "For example: 2027-01-01 holiday 元旦 or 2027-02-07 workday 春节调休."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = cleaned.get("days")
        if text is None:
            return cleaned
        days, errors = parse_day_lines(text, year=cleaned.get("year"))
        if errors:
            for message in errors:
                self.add_error("days", message)
        elif not days:
            self.add_error("days", gettext("List at least one day."))
        else:
            cleaned["parsed_days"] = days
        return cleaned


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.TypedChoiceField(
        label=_("The day is"),
        choices=[("holiday", _("a holiday (no work)")), ("workday", _("a working day"))],
        coerce=lambda value: value == "workday",
    )
    name = forms.CharField(label=_("Name"), max_length=100, required=False)


class CalendarDayRemoveForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput)


class CalendarCheckForm(forms.Form):
    """The n-th working day after a date (the date itself not counted)."""

    start = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=MAX_CHECK_DAYS)
