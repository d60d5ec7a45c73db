"""Forms of the hotline's call pages: the call filters. They check input only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from telcodesk.care.forms._common import ANY, group_choices
from telcodesk.care.models import CallOutcome, HotlineQueue


class CallFilterForm(forms.Form):
    day = forms.DateField(label=pgettext_lazy("calendar date", "Day"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=_("Skill group"), required=False)
    queue = forms.ChoiceField(label=_("Queue"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=ANY + list(CallOutcome.choices))
    caller = forms.CharField(label=_("Caller number"), required=False, max_length=32,
                             help_text=_("The whole number, or its last digits."),
                             widget=forms.TextInput(attrs={"type": "search",
                                                           "inputmode": "tel"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group_field = self.fields["group"]
        queue_field = self.fields["queue"]
        assert isinstance(group_field, forms.ChoiceField)
        assert isinstance(queue_field, forms.ChoiceField)
        group_field.choices = ANY + group_choices(with_unmapped=True)
        queue_field.choices = ANY + [
            (name, name) for name in HotlineQueue.objects.order_by("name")
            .values_list("name", flat=True)]
