"""The SVG chart builder: well-formed, accessible, escaped, and drawing what it is given."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from telcodesk.core.charts import (
    Series,
    bar_chart,
    line_chart,
    nice_scale,
    percent_format,
    percent_ticks,
)

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def bars(root: ET.Element) -> list[ET.Element]:
    """The data bars: rectangles carrying a <title> (the background and legend have none)."""
    return [r for r in root.iter(f"{{{NS['svg']}}}rect") if r.find("svg:title", NS) is not None]


def titles(elements) -> list[str]:
    return [e.find("svg:title", NS).text for e in elements]


def test_a_grouped_bar_chart_is_an_accessible_image():
    svg = bar_chart(title="Calls per day", categories=["09-01", "09-02"],
                    series=[Series("offered", [120, 98]), Series("answered", [110, 97])],
                    y_label="calls", chart_id="daily")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "daily-title daily-desc"
    assert root.find("svg:title", NS).text == "Calls per day"
    assert root.find("svg:desc", NS).text == ("offered: 09-01 120, 09-02 98; "
                                              "answered: 09-01 110, 09-02 97")
    assert titles(bars(root)) == ["09-01 · offered: 120", "09-01 · answered: 110",
                                  "09-02 · offered: 98", "09-02 · answered: 97"]
    assert root.get("width") == "720" and root.get("height") == "300"
    text = "".join(root.itertext())
    assert "offered" in text and "answered" in text  # the legend
    assert "calls" in text


def test_bar_heights_follow_the_values():
    root = parse(bar_chart(title="t", categories=["a", "b", "c"],
                           series=[Series("s", [10, 5, 0])]))
    heights = [float(r.get("height")) for r in bars(root)]
    assert heights[0] == pytest.approx(2 * heights[1], abs=0.2)
    assert heights[2] == 0


def test_stacked_bars_add_up():
    root = parse(bar_chart(title="t", categories=["a", "b"], stacked=True,
                           series=[Series("x", [2, 4]), Series("y", [6, None])]))
    drawn = bars(root)
    assert titles(drawn) == ["a · x: 2", "a · y: 6", "b · x: 4"]
    a_x, a_y, b_x = (float(r.get("height")) for r in drawn)
    assert a_x + a_y == pytest.approx(2 * b_x, abs=0.3)
    # The stack of a sits on its first part: y goes up from the top of x.
    assert float(drawn[1].get("y")) + float(drawn[1].get("height")) == pytest.approx(
        float(drawn[0].get("y")), abs=0.2)
    assert "8" in "".join(root.itertext())  # the total written above the stack


def test_none_is_no_bar_and_labelled():
    svg = bar_chart(title="rate", categories=["mobile", "fixed"],
                    series=[Series("in time", [0.9041, None])], value_format=percent_format,
                    tick_format=percent_ticks, y_max=1, none_label="no calls")
    root = parse(svg)
    assert titles(bars(root)) == ["mobile · in time: 90.4%"]
    text = "".join(root.itertext())
    assert "90.4%" in text and "no calls" in text
    assert "100%" in text and "0%" in text  # the axis in whole percent


def test_text_is_escaped():
    svg = bar_chart(title='<script>alert("x")</script> & co', categories=["<a>"],
                    series=[Series("s&p", [1])])
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed XML
    assert root.find("svg:title", NS).text == '<script>alert("x")</script> & co'


def test_long_labels_wrap_and_many_labels_thin_out():
    names = ["Broadband and fixed-line repair", "Government and enterprise customers",
             "VIP customers (Business Navigator)", "Mobile services"]
    root = parse(bar_chart(title="t", categories=names, series=[Series("s", [1, 2, 3, 4])],
                           width=400))
    labels = [t for t in root.iter(f"{{{NS['svg']}}}text") if t.find("svg:title", NS) is not None]
    assert [t.find("svg:title", NS).text for t in labels] == names  # every one, full in <title>
    assert any(len(t.findall("svg:tspan", NS)) == 2 for t in labels)
    days = [f"{d:02d}" for d in range(1, 32)]
    root = parse(bar_chart(title="t", categories=days, series=[Series("s", [1] * 31)],
                           width=300))
    shown = [t for t in root.iter(f"{{{NS['svg']}}}text") if t.find("svg:title", NS) is not None]
    assert 1 < len(shown) < 31


def test_a_line_chart_breaks_at_missing_values():
    root = parse(line_chart(title="t", categories=["a", "b", "c", "d", "e"],
                            series=[Series("s", [1, 2, None, 4, 5])], fluid=True))
    lines = list(root.iter(f"{{{NS['svg']}}}polyline"))
    assert len(lines) == 2
    points = list(root.iter(f"{{{NS['svg']}}}circle"))
    assert titles(points) == ["a · s: 1", "b · s: 2", "d · s: 4", "e · s: 5"]
    assert root.get("width") == "100%" and root.get("height") is None


def test_bad_series_are_refused():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        bar_chart(title="t", categories=["a", "b", "c"], series=[Series("s", [1, 2])])
    with pytest.raises(ValueError, match="≥ 0"):
        line_chart(title="t", categories=["a"], series=[Series("s", [-1])])
    with pytest.raises(ValueError, match="at least one series"):
        bar_chart(title="t", categories=["a"], series=[])


@pytest.mark.parametrize(("maximum", "expected"), [
    (7, (8, 2)), (1, (1, 0.2)), (0, (1, 0.2)), (123, (125, 25)), (540, (600, 100)),
])
def test_nice_scale(maximum, expected):
    top, step = nice_scale(maximum)
    assert (top, step) == pytest.approx(expected)


def test_empty_categories_give_an_empty_chart():
    root = parse(bar_chart(title="nothing", categories=[], series=[Series("s", [])]))
    assert bars(root) == []
