"""Small server-side SVG charts: bars (grouped or stacked) and lines.

Pure Python, no JavaScript, no style sheet: every look is an SVG presentation
attribute, so the same string goes into an HTML page (under a strict content
security policy), an e-mail or a PDF. Every text is escaped. Each chart is an
accessible image: ``role="img"`` labelled by its ``<title>`` and ``<desc>``, and
each bar or point carries its own ``<title>`` ("category · series: value") that
browsers show on hover and screen readers read.

    from telcodesk.core.charts import Series, bar_chart, line_chart

    svg = bar_chart(title="Calls per day", categories=["09-01", "09-02"],
                    series=[Series("offered", [120, 98]), Series("answered", [110, 97])],
                    y_label="calls")

Values are numbers ≥ 0 or ``None`` (no value: no bar, a gap in the line, and
``none_label`` where the value would be written). ``value_format`` turns a value
into its label (default: whole numbers as such, others with one decimal);
``tick_format`` the axis' labels (default: ``value_format``). Long category
labels are wrapped on two lines and cut with "…" (the full text stays in a
``<title>``); many short ones (days, hours) are thinned to every n-th.
"""

from __future__ import annotations

import hashlib
import html
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PALETTE = ("#0b5cab", "#2e9e6a", "#d98c1a", "#b3261e", "#6b4fbb", "#3a8fb7", "#5b6b7c")
TEXT = "#1c2733"
MUTED = "#5b6b7c"
GRID = "#dde3ea"
AXIS = "#9aa8b6"
FONT_FAMILY = ("system-ui, -apple-system, 'Segoe UI', Roboto, 'PingFang SC', "
               "'Microsoft YaHei', 'Noto Sans SC', 'Noto Sans CJK SC', sans-serif")

TITLE_SIZE = 15
LABEL_SIZE = 11
VALUE_SIZE = 10


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category (``None``: no value)."""

    name: str
    values: Sequence[float | None]
    color: str | None = None


def default_format(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def percent_format(value: float) -> str:
    """For fractions: ``0.9041`` → ``90.4%``."""
    return f"{value * 100:.1f}%"


def percent_ticks(value: float) -> str:
    """For the axis of fractions: ``0.2`` → ``20%``."""
    return f"{value * 100:.0f}%"


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str, size: float) -> float:
    """An estimate of the rendered width: wide (CJK) characters are one em, others ~0.6."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6
               for ch in text)


def nice_scale(maximum: float, ticks: int = 5) -> tuple[float, float]:
    """The top of the axis and its step (1, 2, 2.5 or 5 × 10^k): the smallest step that
    covers ``maximum`` in at most ``ticks + 1`` intervals."""
    if maximum <= 0:
        return 1.0, 1.0 / ticks
    power = 10 ** math.floor(math.log10(maximum / ticks))
    step = 10 * power
    for factor in (1, 2, 2.5, 5, 10):
        if math.ceil(maximum / (factor * power) - 1e-9) <= ticks + 1:
            step = factor * power
            break
    return step * math.ceil(maximum / step - 1e-9), step


@dataclass(frozen=True)
class _Layout:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top


def _check(categories: Sequence[str], series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("a chart needs at least one series")
    for item in series:
        if len(item.values) != len(categories):
            raise ValueError(f"series {item.name!r} has {len(item.values)} values for "
                             f"{len(categories)} categories")
        for value in item.values:
            if value is not None and (value < 0 or math.isnan(value) or math.isinf(value)):
                raise ValueError(f"series {item.name!r}: values must be finite and ≥ 0, "
                                 f"not {value!r}")


def _color(index: int, item: Series) -> str:
    return item.color or PALETTE[index % len(PALETTE)]


def _chart_id(title: str, categories: Sequence[str], chart_id: str | None) -> str:
    if chart_id:
        return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in chart_id)
    digest = hashlib.blake2s("\x1f".join([title, *categories]).encode()).hexdigest()[:10]
    return f"chart-{digest}"


def _layout(*, width: int, height: int, series: Sequence[Series], x_label: str, y_label: str,
            y_labels: Sequence[str], legend: bool, label_lines: int = 1) -> _Layout:
    top = 34.0 + (20 if legend else 0)
    bottom = height - 24.0 - (18 if x_label else 0) - (LABEL_SIZE + 2) * (label_lines - 1)
    widest = max((text_width(label, LABEL_SIZE) for label in y_labels), default=0)
    left = 10.0 + widest + 6 + (18 if y_label else 0)
    return _Layout(width, height, left, width - 12.0, top, bottom)


def _open(*, cid: str, title: str, description: str, width: int, height: int, fluid: bool,
          font_family: str) -> list[str]:
    size = ('width="100%" preserveAspectRatio="xMidYMid meet"' if fluid
            else f'width="{width}" height="{height}"')
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" {size} '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="{_esc(font_family)}" class="chart">',
        f'<title id="{cid}-title">{_esc(title)}</title>',
        f'<desc id="{cid}-desc">{_esc(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="12" y="22" font-size="{TITLE_SIZE}" font-weight="600" fill="{TEXT}">'
        f'{_esc(title)}</text>',
    ]


def _legend(parts: list[str], series: Sequence[Series], layout: _Layout) -> None:
    x = layout.left
    y = layout.top - 14
    for index, item in enumerate(series):
        parts.append(f'<rect x="{_n(x)}" y="{_n(y - 9)}" width="10" height="10" rx="2" '
                     f'fill="{_esc(_color(index, item))}"/>')
        parts.append(f'<text x="{_n(x + 14)}" y="{_n(y)}" font-size="{LABEL_SIZE}" '
                     f'fill="{TEXT}">{_esc(item.name)}</text>')
        x += 14 + text_width(item.name, LABEL_SIZE) + 18


def _y_axis(parts: list[str], layout: _Layout, top: float, step: float,
            fmt: Callable[[float], str], y_label: str) -> None:
    steps = round(top / step) if step else 0
    for i in range(steps + 1):
        value = step * i
        y = layout.bottom - layout.plot_height * (value / top if top else 0)
        parts.append(f'<line x1="{_n(layout.left)}" y1="{_n(y)}" x2="{_n(layout.right)}" '
                     f'y2="{_n(y)}" stroke="{GRID if i else AXIS}" stroke-width="1"/>')
        parts.append(f'<text x="{_n(layout.left - 6)}" y="{_n(y + 4)}" text-anchor="end" '
                     f'font-size="{LABEL_SIZE}" fill="{MUTED}">{_esc(fmt(value))}</text>')
    if y_label:
        cy = layout.top + layout.plot_height / 2
        parts.append(f'<text x="14" y="{_n(cy)}" text-anchor="middle" '
                     f'transform="rotate(-90 14 {_n(cy)})" font-size="{LABEL_SIZE}" '
                     f'fill="{MUTED}">{_esc(y_label)}</text>')


def _fit(text: str, width: float, size: float) -> str:
    """``text`` cut to ``width`` with an ellipsis when it is wider."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width``: at spaces, or anywhere in CJK text."""
    result: list[str] = []
    rest = text.strip()
    while rest and len(result) < lines - 1:
        if text_width(rest, size) <= width:
            break
        cut = len(rest)
        while cut > 1 and text_width(rest[:cut], size) > width:
            cut -= 1
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0 and not any(unicodedata.east_asian_width(ch) in "WF" for ch in rest[:cut]):
            cut = space
        result.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        result.append(_fit(rest, width, size))
    return result


def _wraps(categories: Sequence[str], band: float) -> bool:
    widest = max((text_width(c, LABEL_SIZE) for c in categories), default=0) + 6
    return len(categories) <= 16 and widest > band


def _label_lines(categories: Sequence[str], layout: _Layout) -> int:
    if not categories:
        return 1
    band = layout.plot_width / len(categories)
    if not _wraps(categories, band):
        return 1
    return max(len(_wrap(c, band - 6, LABEL_SIZE)) for c in categories)


def _frame(*, width: int, height: int, series: Sequence[Series], categories: Sequence[str],
           x_label: str, y_label: str, ticks: Sequence[str]) -> _Layout:
    layout = _layout(width=width, height=height, series=series, x_label=x_label,
                     y_label=y_label, y_labels=ticks, legend=len(series) > 1)
    lines = _label_lines(categories, layout)
    if lines == 1:
        return layout
    return _layout(width=width, height=height, series=series, x_label=x_label, y_label=y_label,
                   y_labels=ticks, legend=len(series) > 1, label_lines=lines)


def _x_axis(parts: list[str], layout: _Layout, categories: Sequence[str], x_label: str) -> None:
    """Category labels: every n-th when many short ones crowd (days, hours); wrapped on two
    lines and cut with "…" when few long ones do not fit (group names)."""
    count = len(categories)
    if not count:
        return
    band = layout.plot_width / count
    widest = max(text_width(c, LABEL_SIZE) for c in categories) + 6
    wrap = _wraps(categories, band)
    every = 1 if wrap else max(1, math.ceil(widest / band)) if band else 1
    for index, category in enumerate(categories):
        if index % every:
            continue
        x = layout.left + band * (index + 0.5)
        lines = _wrap(category, band - 6, LABEL_SIZE) if wrap else [category]
        spans = "".join(
            f'<tspan x="{_n(x)}" dy="{0 if i == 0 else LABEL_SIZE + 2}">{_esc(line)}</tspan>'
            for i, line in enumerate(lines))
        parts.append(f'<text x="{_n(x)}" y="{_n(layout.bottom + 15)}" text-anchor="middle" '
                     f'font-size="{LABEL_SIZE}" fill="{MUTED}"><title>{_esc(category)}</title>'
                     f'{spans}</text>')
    if x_label:
        parts.append(f'<text x="{_n(layout.left + layout.plot_width / 2)}" '
                     f'y="{_n(layout.height - 8)}" text-anchor="middle" font-size="{LABEL_SIZE}" '
                     f'fill="{MUTED}">{_esc(x_label)}</text>')


def _summary(categories: Sequence[str], series: Sequence[Series],
             fmt: Callable[[float], str], none_label: str) -> str:
    """A plain-text rendering of the data, for the ``<desc>``."""
    lines = []
    for item in series:
        values = ", ".join(f"{c} {fmt(v) if v is not None else none_label}"
                           for c, v in zip(categories, item.values, strict=True))
        lines.append(f"{item.name}: {values}")
    return "; ".join(lines)


def _scale(values: Sequence[float], y_max: float | None) -> tuple[float, float]:
    maximum = max([v for v in values if v is not None] or [0.0])
    if y_max is not None:
        maximum = max(maximum, y_max)
    return nice_scale(maximum)


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    x_label: str = "",
    y_label: str = "",
    value_format: Callable[[float], str] | None = None,
    tick_format: Callable[[float], str] | None = None,
    show_values: bool | None = None,
    none_label: str = "–",
    y_max: float | None = None,
    description: str = "",
    width: int = 720,
    height: int = 300,
    fluid: bool = False,
    chart_id: str | None = None,
    font_family: str = FONT_FAMILY,
) -> str:
    """A bar chart: one band per category, the series side by side (or ``stacked``).

    ``show_values`` writes each value above its bar (default: when there are at
    most 24 bars). ``y_max`` raises the top of the scale (e.g. 1 for rates).
    ``fluid`` makes the chart as wide as its container (for pages); otherwise it
    has a fixed size (for PDF). ``description`` is read by screen readers; by
    default it lists the data.
    """
    _check(categories, series)
    fmt = value_format or default_format
    count = len(categories)
    if stacked:
        heights = [sum(v or 0 for v in column) for column in
                   zip(*(s.values for s in series), strict=True)] if count else []
        top, step = _scale(heights, y_max)
    else:
        top, step = _scale([v for s in series for v in s.values if v is not None], y_max)
    bars = count * (1 if stacked else len(series))
    if show_values is None:
        show_values = bars <= 24
    tick_fmt = tick_format or fmt
    ticks = [tick_fmt(step * i) for i in range(round(top / step) + 1)]
    layout = _frame(width=width, height=height, series=series, categories=categories,
                    x_label=x_label, y_label=y_label, ticks=ticks)
    cid = _chart_id(title, categories, chart_id)
    parts = _open(cid=cid, title=title,
                  description=description or _summary(categories, series, fmt, none_label),
                  width=width, height=height, fluid=fluid, font_family=font_family)
    if len(series) > 1:
        _legend(parts, series, layout)
    _y_axis(parts, layout, top, step, tick_fmt, y_label)

    def y_of(value: float) -> float:
        return layout.bottom - layout.plot_height * (value / top)

    band = layout.plot_width / count if count else 0
    inner = band * 0.76
    for index, category in enumerate(categories):
        band_left = layout.left + band * index + (band - inner) / 2
        if stacked:
            base = 0.0
            for s_index, item in enumerate(series):
                value = item.values[index]
                if not value:
                    continue
                y0, y1 = y_of(base), y_of(base + value)
                parts.append(_bar(band_left, y1, inner, y0 - y1, _color(s_index, item),
                                  f"{category} · {item.name}: {fmt(value)}"))
                base += value
            if show_values:
                total = sum(item.values[index] or 0 for item in series)
                parts.append(_value_text(band_left + inner / 2, y_of(total) - 4, fmt(total)))
            continue
        bar_width = inner / len(series)
        for s_index, item in enumerate(series):
            value = item.values[index]
            x = band_left + bar_width * s_index
            if value is None:
                if show_values:
                    parts.append(_value_text(x + bar_width / 2, layout.bottom - 4, none_label))
                continue
            y = y_of(value)
            parts.append(_bar(x + 0.5, y, max(bar_width - 1, 1), layout.bottom - y,
                              _color(s_index, item), f"{category} · {item.name}: {fmt(value)}"))
            if show_values:
                parts.append(_value_text(x + bar_width / 2, y - 4, fmt(value)))
    _x_axis(parts, layout, categories, x_label)
    parts.append("</svg>")
    return "\n".join(parts)


def _bar(x: float, y: float, width: float, height: float, color: str, label: str) -> str:
    return (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(max(height, 0))}" '
            f'fill="{_esc(color)}"><title>{_esc(label)}</title></rect>')


def _value_text(x: float, y: float, text: str) -> str:
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="middle" font-size="{VALUE_SIZE}" '
            f'fill="{TEXT}">{_esc(text)}</text>')


def line_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    x_label: str = "",
    y_label: str = "",
    value_format: Callable[[float], str] | None = None,
    tick_format: Callable[[float], str] | None = None,
    show_values: bool = False,
    none_label: str = "–",
    y_max: float | None = None,
    description: str = "",
    width: int = 720,
    height: int = 300,
    fluid: bool = False,
    chart_id: str | None = None,
    font_family: str = FONT_FAMILY,
) -> str:
    """A line chart: one point per category and series, the line broken where a value is None."""
    _check(categories, series)
    fmt = value_format or default_format
    top, step = _scale([v for s in series for v in s.values if v is not None], y_max)
    tick_fmt = tick_format or fmt
    ticks = [tick_fmt(step * i) for i in range(round(top / step) + 1)]
    layout = _frame(width=width, height=height, series=series, categories=categories,
                    x_label=x_label, y_label=y_label, ticks=ticks)
    cid = _chart_id(title, categories, chart_id)
    parts = _open(cid=cid, title=title,
                  description=description or _summary(categories, series, fmt, none_label),
                  width=width, height=height, fluid=fluid, font_family=font_family)
    if len(series) > 1:
        _legend(parts, series, layout)
    _y_axis(parts, layout, top, step, tick_fmt, y_label)
    count = len(categories)
    band = layout.plot_width / count if count else 0
    for s_index, item in enumerate(series):
        color = _esc(_color(s_index, item))
        runs: list[list[tuple[float, float]]] = [[]]
        points = []
        for index, value in enumerate(item.values):
            if value is None:
                runs.append([])
                continue
            x = layout.left + band * (index + 0.5)
            y = layout.bottom - layout.plot_height * (value / top)
            runs[-1].append((x, y))
            points.append((x, y, categories[index], value))
        for run in runs:
            if len(run) > 1:
                coordinates = " ".join(f"{_n(x)},{_n(y)}" for x, y in run)
                parts.append(f'<polyline points="{coordinates}" fill="none" stroke="{color}" '
                             f'stroke-width="2" stroke-linejoin="round"/>')
        for x, y, category, value in points:
            parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{color}">'
                         f'<title>{_esc(f"{category} · {item.name}: {fmt(value)}")}</title>'
                         f'</circle>')
            if show_values:
                parts.append(_value_text(x, y - 7, fmt(value)))
    _x_axis(parts, layout, categories, x_label)
    parts.append("</svg>")
    return "\n".join(parts)
