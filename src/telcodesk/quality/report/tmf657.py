"""The report's targets and figures as TMF657 Service Quality Management v4 resources.

Output (``--format tmf657``)::

    {"serviceLevelSpecification": ServiceLevelSpecification,
     "serviceLevelObjective": [ServiceLevelObjective, ...]}

- One ``ServiceLevelSpecification`` per report (period and scope); its
  ``relatedServiceLevelObjective`` lists the objectives.
- One ``ServiceLevelObjective`` per indicator that has a limit or target
  (``judgedAgainst``: the regulator's limits its requests were judged against):
  ``conformanceTarget`` (the target number, as a string, in the indicator's
  unit), ``conformanceComparator`` (``<=``, ``>=`` or ``<``: the measured value
  must compare so to the target), ``conformancePeriod`` (the reporting period),
  and ``serviceLevelObjectiveParameter`` (a ``ServiceLevelSpecParameter``: the
  indicator's code as ``name``, ``parameterType`` KQI, ``serviceParmPerspective``
  aggregation and ``transformationAlgorithmOfKQI``, how the value is computed).
  The v4 specification has no ``conformanceParameter`` attribute (older
  versions had); the parameter is ``serviceLevelObjectiveParameter``.
- TMF657 has no resource for measured values, so the measurement rides on the
  objective as a TMF extension: ``@type`` ``MeasuredServiceLevelObjective``,
  ``@baseType`` ``ServiceLevelObjective``, and the attributes ``measuredValue``
  (exact decimal string, ``null`` with no data), ``unit``, ``conformant``
  (``null`` with no data), ``recordCount`` and ``previousValue``. Their schema
  is ``tmf657_measured_objective.schema.json`` next to this module.
"""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import Any

from django.conf import settings

from telcodesk.quality.indicators.definitions import IndicatorDefinition
from telcodesk.quality.indicators.periods import Period
from telcodesk.quality.report.document import ReportDocument, RowView
from telcodesk.quality.report.json import decimal_text

EXTENSION_TYPE = "MeasuredServiceLevelObjective"
EXTENSION_SCHEMA = Path(__file__).resolve().parent / "tmf657_measured_objective.schema.json"
EXTENSION_ATTRIBUTES = ("measuredValue", "unit", "conformant", "recordCount", "previousValue",
                        "judgedAgainst")

_ALGORITHM = {
    "mean": "mean of the counted durations of the {records} finished in the period, in {unit}",
    "timely_rate": "{records} finished within their limit / {records} finished in the period, "
                   "in percent",
    "maximum": "largest counted duration among the {records} finished in the period, in {unit}",
    "ratio": "sum of the numerator counters / sum of the denominator counters over the period, "
             "in {unit}",
}
_RECORDS = {"sla": "requests", "hotline": "calls offered", "complaints": "complaints",
            "network": "busy-hour cell counters", "billing": "charge records"}
_CATEGORY = {"sla": "service specific", "hotline": "service specific",
             "complaints": "service specific", "network": "technology specific",
             "billing": "technology/service independent"}


def _time_period(period: Period) -> dict[str, str]:
    start, end = period.bounds(settings.TIME_ZONE)
    return {"startDateTime": start.isoformat(), "endDateTime": end.isoformat()}


def _scope_key(document: ReportDocument) -> str:
    return document.scope.unit_code or document.scope.kind


def objective_id(document: ReportDocument, code: str) -> str:
    return f"{document.period.code}.{_scope_key(document)}.{code}"


def _algorithm(definition: IndicatorDefinition) -> str:
    text = _ALGORITHM[definition.statistic].format(
        records=_RECORDS.get(definition.source, "records"), unit=definition.unit)
    if definition.source == "complaints" and definition.statistic == "timely_rate":
        text = ("satisfied and fairly satisfied answers / survey answers accepted in the "
                "period, in percent")
    return text


def _objective(document: ReportDocument, row: RowView) -> dict[str, Any]:
    definition, result = row.definition, row.result
    assert result.target is not None
    previous = result.previous.value if result.previous is not None else None
    return {
        "id": objective_id(document, definition.code),
        "name": row.label,
        "conformanceTarget": decimal_text(result.target.value),
        "conformanceComparator": result.target.comparison,
        "conformancePeriod": _time_period(document.period),
        "serviceLevelObjectiveParameter": {
            "name": definition.code,
            "parameterType": "KQI",
            "serviceParmCategory": _CATEGORY.get(definition.source, "service specific"),
            "serviceParmPerspective": "aggregation",
            "transformationAlgorithmOfKQI": _algorithm(definition),
            "@type": "ServiceLevelSpecParameter",
        },
        "measuredValue": decimal_text(result.figure.value),
        "unit": definition.unit,
        "conformant": result.met,
        "recordCount": result.figure.records,
        "previousValue": decimal_text(previous),
        "judgedAgainst": [{"area": limit.area, "value": decimal_text(limit.value),
                           "unit": limit.unit, "source": limit.source}
                          for limit in result.limits],
        "@type": EXTENSION_TYPE,
        "@baseType": "ServiceLevelObjective",
    }


def tmf657_dict(document: ReportDocument) -> dict[str, Any]:
    objectives = [_objective(document, row) for row in document.main.rows
                  if row.applicable and row.result.target is not None]
    specification = {
        "id": f"{document.period.code}.{_scope_key(document)}",
        "name": document.title,
        "description": f"{document.indicators_heading} — {document.scope_label}",
        "validFor": _time_period(document.period),
        "relatedServiceLevelObjective": [
            {"id": o["id"], "@referredType": "ServiceLevelObjective"} for o in objectives],
        "@type": "ServiceLevelSpecification",
    }
    return {"serviceLevelSpecification": specification, "serviceLevelObjective": objectives}


def render_tmf657(document: ReportDocument) -> bytes:
    return (jsonlib.dumps(tmf657_dict(document), ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8")
