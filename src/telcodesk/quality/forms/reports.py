"""Forms of the report pages: which report to show, and the report's words (the
sections of measures taken are posted as numbered fields, read by the page)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from telcodesk.quality.report.narrative import MAX_DECLARATION, MAX_INTRODUCTION


class PickForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("Period"), max_length=30,
                             help_text=gettext_lazy("2026H2, 2026Q3, 2026-07 or "
                                                    "2026-07-01..2026-09-30"))
    unit = forms.ChoiceField(label=gettext_lazy("Scope"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language of the document"),
                                 choices=[("zh-hans", "简体中文"), ("en", "English")])


class NarrativeForm(forms.Form):
    introduction = forms.CharField(
        label=gettext_lazy("Operator introduction (Markdown)"), required=False,
        max_length=MAX_INTRODUCTION, widget=forms.Textarea(attrs={"rows": 8}))
    declaration = forms.CharField(label=gettext_lazy("Declaration"), max_length=MAX_DECLARATION)
