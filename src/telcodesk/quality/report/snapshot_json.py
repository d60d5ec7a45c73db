"""The computed figures of a report (``IndicatorReport``) as JSON and back, for the
snapshots the console keeps (``quality.models.ReportSnapshot.figures``). Pure.

pydantic (already a dependency, through django-ninja) walks the dataclasses by their
type hints: a ``Decimal`` is written as its exact text (``"88.6700"`` keeps its
digits and exponent), a date as ``YYYY-MM-DD``, a tuple as a list; reading validates
every field against the same hints, so a row that does not fit the classes of this
version is refused (``ValueError``) rather than read as something else. A snapshot is
only ever read back by the version that wrote it or a later one; a refused row is
computed again.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter, ValidationError

from telcodesk.quality.indicators.types import IndicatorReport

# Written into every snapshot: a change of the classes that cannot read older rows
# raises it, and rows of another format are computed again instead of being read.
FORMAT = 1


@functools.cache
def _adapter() -> TypeAdapter[IndicatorReport]:
    return TypeAdapter(IndicatorReport)


def figures_to_json(report: IndicatorReport) -> dict[str, Any]:
    """A JSON-ready dict (strings, numbers, lists, dicts) of ``report``."""
    return {"format": FORMAT, "report": _adapter().dump_python(report, mode="json")}


def figures_from_json(data: Any) -> IndicatorReport:
    """The report ``figures_to_json`` wrote; ``ValueError`` for anything else."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not report figures of this format")
    try:
        return _adapter().validate_python(data["report"])
    except (KeyError, ValidationError) as exc:
        raise ValueError(f"unreadable report figures: {exc}") from None
