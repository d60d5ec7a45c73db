"""Forms of the IVR pages: the IVR outline, skill groups and the queue map. They
check input only; the rules are the services' (``care.services.ivr``), whose
refusals come back as form errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from telcodesk.care.models import SkillGroup
from telcodesk.care.services.ivr import MAX_THRESHOLD_SECONDS


class IvrOutlineForm(forms.Form):
    outline = forms.CharField(
        label=_("Menu outline"), strip=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "wrap": "off",
                                     "class": "outline-editor"}))


class SkillGroupForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40,
                           help_text=_("Lower-case letters, digits, - and _; it cannot be "
                                       "changed later."))
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=60)
    name_en = forms.CharField(label=_("Name (English)"), max_length=80)
    service_level_seconds = forms.IntegerField(
        label=_("Answered in time within (seconds)"), min_value=1,
        max_value=MAX_THRESHOLD_SECONDS, initial=15,
        help_text=_("Calls answered within this many seconds count as answered in time."))
    position = forms.IntegerField(label=pgettext_lazy("sort position", "Order"), min_value=0,
                                  max_value=32767, required=False)
    active = forms.BooleanField(label=pgettext_lazy("enabled", "Active"), required=False,
                                initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


class QueueMapForm(forms.Form):
    queue_name = forms.CharField(label=_("Queue name"), max_length=80,
                                 help_text=_("As the telephone system writes it in its logs."))
    group = forms.ChoiceField(label=_("Skill group"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Not mapped"))] + [
            (code, f"{name_zh} ({code})") for code, name_zh in
            SkillGroup.objects.filter(active=True).order_by("position", "code")
            .values_list("code", "name_zh")]
