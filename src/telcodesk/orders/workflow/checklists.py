"""Guided repair checklists, from the seed report's broadband repair method.

Outside before inside, look before test, hardware before software: a technician
records each step in order; a step cannot be recorded before the earlier ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    code: str
    label: str | Promise


BROADBAND_REPAIR: tuple[Step, ...] = (
    Step("outside_line_inspected", _("Outside line inspected (look)")),
    Step("outside_line_tested", _("Outside line tested")),
    Step("modem_lights_checked", _("Modem lights checked")),
    Step("inside_wiring_checked", _("Inside wiring checked")),
    Step("hardware_swapped_or_ok", _("Hardware swapped or found working")),
    Step("software_config_checked", _("Software and configuration checked")),
    Step("speed_test_passed", _("Speed test passed")),
)


def checklist_for(*, kind: str, service: str) -> tuple[Step, ...]:
    """The ordered steps for a work order, empty when it has no guided checklist."""
    if kind == "repair" and service == "broadband":
        return BROADBAND_REPAIR
    return ()
