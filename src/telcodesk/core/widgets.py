"""Form widgets every app's forms may use.

``QuickSelect`` is Django's ``Select`` written out in Python: the same HTML as
Django's widget templates (``tests/core/test_widgets.py`` renders both), without a
template include per option and two per attribute. A filter form's select of
branches or teams holds dozens of options and is rendered on every view of a
queue, which made the filter form most of a short page's rendering time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: Mapping[str, Any]) -> SafeString:
    """``django/forms/widgets/attrs.html``: `` name="value"``, a bare name for True,
    nothing for False; names and values escaped."""
    return format_html_join(
        "", "{}", ((format_html(" {}", name) if value is True
                    else format_html(' {}="{}"', name, str(value)),)
                   for name, value in attrs.items() if value is not False))


class QuickSelect(forms.Select):
    """``forms.Select`` rendering ``select.html`` and ``select_option.html`` in Python."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: BaseRenderer | None = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"],
                             _attributes(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(format_html('\n  <option value="{}"{}>{}</option>\n',
                                         str(option["value"]),
                                         _attributes(option["attrs"]),
                                         option["label"]))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the template's last newline
        # Every part is format_html's (escaped) or a constant tag.
        return mark_safe("".join(parts))  # noqa: S308
