"""Forms of the subscriber's survey page. They check input only; the rules are
the services' (``care.services.surveys``)."""

from __future__ import annotations

from django import forms


class SurveyAnswerForm(forms.Form):
    """The subscriber's answer in the self-service hall (three buttons)."""

    answer = forms.ChoiceField(choices=[("1", "1"), ("2", "2"), ("3", "3")])
