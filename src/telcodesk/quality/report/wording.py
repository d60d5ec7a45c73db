"""The fixed words of the report document, in Chinese (the regulator's) and English.

These are the document's own wording, like the indicator names in
``indicators.definitions``: a report printed in Chinese reads like the seed
report whatever language the console is shown in, so they are kept here in
both languages instead of going through the interface translations.
"""

from __future__ import annotations

_WORDS: dict[str, tuple[str, str]] = {
    # key: (Simplified Chinese, English)
    "title": ("{name}{period}服务质量状况报告", "{name}: service quality report, {period}"),
    "intro_heading": ("一、公司简介", "1. About the operator"),
    "indicators_heading": ("二、{period}服务指标完成情况", "2. Service indicators, {period}"),
    "declaration_label": ("企业声明：", "Declaration: "),
    "declaration_default": ("本报告内容客观、真实、准确。",
                            "The content of this report is objective, true and accurate."),
    "col_indicator": ("指标", "Indicator"),
    "col_value": ("本期", "This period"),
    "col_target": ("标准/目标", "Limit or target"),
    "col_judged": ("判定依据（监管限值）", "Judged against (regulator's limit)"),
    "col_met": ("达标", "Met"),
    "col_records": ("记录数", "Records"),
    "col_previous": ("上期", "Previous period"),
    "col_change": ("变化", "Change"),
    "col_unit": ("单位", "Unit"),
    "met_yes": ("✓ 达标", "✓ met"),
    "met_no": ("✗ 未达标", "✗ not met"),
    "met_none": ("—", "—"),
    "charts_heading": ("图表", "Charts"),
    "chart_trend": ("主要指标月度趋势", "Key indicators by month"),
    "chart_cities": ("各地市对比", "Cities compared"),
    "breakdowns_heading": ("分项数据", "Breakdowns"),
    "by_city": ("分地市", "By city"),
    "by_county": ("分区县", "By county/district"),
    "by_area": ("城镇与农村", "Urban and rural"),
    "by_month": ("分月", "By month"),
    "scope_operator": ("全公司", "whole operator"),
    "scope_urban": ("城镇", "urban"),
    "scope_rural": ("农村", "rural"),
    "computed_from": ("本报告数据由业务记录计算，统计期间：{start}至{end}；上期：{previous}。",
                      "Figures computed from the operator's records, {start} to {end}; "
                      "previous period: {previous}."),
    "scope_line": ("统计范围：{scope}", "Scope: {scope}"),
    "generated": ("生成时间：{at}", "Generated {at}"),
    "no_data_note": ("“无数据”表示本期没有可统计的记录，不等于0。",
                     "\u201cno data\u201d means no record behind the figure in the period, not 0."),
    "not_met_note": ("标红的指标未达到标准或目标。",
                     "Figures in red do not meet their limit or target."),
    "not_met_note_print": ("标“× 未达标”的指标未达到标准或目标。",
                           "Figures marked \u201c× not met\u201d miss their limit or target."),
    "to_be_written": ("（待填写）", "(to be written)"),
    "page_label": ("第 {page} 页 / 共 {pages} 页", "Page {page} of {pages}"),
    "section_number": ("（{n}）", "{n}. "),
    "month_label": ("{month}月", "{year}-{month:02d}"),
    "intro_default": (
        "{name}依法经营电信业务，向用户公布服务标准和服务承诺，并接受用户和社会的监督。"
        "本报告介绍{period}{name}执行服务标准、落实服务承诺的情况；"
        "各项服务指标由业务受理、装机、修障、10000号服务台和投诉处理的原始记录计算得出。",
        "{name} provides telecommunication services under its licence, publishes its "
        "service standards and commitments, and is accountable to its subscribers and the "
        "public. This report describes how {name} kept its service standards and commitments "
        "in {period}; every indicator is computed from the original records of orders, "
        "installations, repairs, the 10000 hotline and complaint handling."),
}

# The seed report's headings of the measures taken (the first five), offered as
# the sections of a new report; the quality manager writes their bodies.
DEFAULT_SECTION_TITLES: dict[str, list[str]] = {
    "zh": [
        "围绕服务标准，持续推动服务能力的提升",
        "依托服务标准，落实举措，践行承诺",
        "依法诚信经营，切实维护客户的选择权、知情权等合法权益",
        "多方位多渠道倾听用户心声，畅通用户信息反馈渠道",
        "提升网络通信质量，多种措施保障通信网络安全和畅通",
    ],
    "en": [
        "Building service capability around the service standards",
        "Keeping the commitments of the service standards",
        "Honest business: the customer's right to choose and to be informed",
        "Listening to subscribers through every channel",
        "Network quality, security and availability",
    ],
}

_CHINESE_NUMERALS = "一二三四五六七八九十"


def lang(language: str) -> str:
    """``zh`` or ``en`` for a language code (``zh-hans``, ``en``, ``en-us``...)."""
    return "en" if language.lower().startswith("en") else "zh"


def word(key: str, language: str, **values: object) -> str:
    zh, en = _WORDS[key]
    text = en if lang(language) == "en" else zh
    return text.format(**values) if values else text


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (section numbers up to 99)."""
    if n <= 10:
        return _CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CHINESE_NUMERALS[tens - 1]
    return head + "十" + (_CHINESE_NUMERALS[ones - 1] if ones else "")


def section_number(n: int, language: str) -> str:
    """``（一）`` in Chinese, ``1. `` in English."""
    return word("section_number", language,
                n=n if lang(language) == "en" else chinese_number(n))
