"""The report in the console: preview with links to the records, downloads, the
words editor, publication — and who may do what."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from telcodesk.core import clock
from telcodesk.core.models import AuditEntry
from telcodesk.core.roles import Role
from telcodesk.quality.models import ReportNarrative, ReportPublication
from tests.quality.report_support import AFTER_H2, add_records

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: AFTER_H2)


@pytest.fixture
def records(org):
    add_records(org)
    return org


@pytest.fixture
def manager(records, make_staff):
    return make_staff("quality", records.province, Role.QUALITY_MANAGER)


@pytest.fixture
def clerk(records, make_staff):
    """A branch manager of one city (the report's words are not theirs to write)."""
    return make_staff("clerk", records.taiyuan, Role.BRANCH_MANAGER)


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


REPORTS = "/console/quality/reports/"


def test_the_preview_links_every_figure_to_its_records(manager):
    page = client_for(manager).get(REPORTS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "演示电信2025年下半年服务质量状况报告" in html
    assert 'href="/static/quality/report.css"' in html  # no inline style under the CSP
    link = re.search(r'data-indicator="network_connection_rate">.*?<a href="([^"]+)">88.67%</a>',
                     html, re.DOTALL)
    assert link is not None
    target = link.group(1).replace("&amp;", "&")
    assert target.startswith(reverse("console:indicator_records") + "?")
    assert "code=network_connection_rate" in target and "period=2025H2" in target
    assert client_for(manager).get(target).status_code == 200
    # Breakdown cells link too, with their own scope.
    assert "unit=ty" in html.replace("&amp;", "&")
    # A figure without records says so and links nowhere.
    row = re.search(r'data-indicator="fixed_install_timely_rural">(.*?)</tr>', html, re.DOTALL)
    assert row is not None and "无数据" in row.group(1) and "<a " not in row.group(1)


def test_the_preview_shows_the_unwritten_sections_and_the_actions(manager):
    html = client_for(manager).get(REPORTS).content.decode()
    assert html.count("（待填写）") == 5  # the five default headings, not written yet
    assert "（一）围绕服务标准，持续推动服务能力的提升" in html
    for fmt in ("pdf", "xlsx", "html", "json", "md", "tmf657"):
        assert reverse("console:report_download", args=["2025H2", fmt]) in html
    assert reverse("console:report_edit") + "?period=2025H2" in html
    assert reverse("console:report_publish", args=["2025H2"]) in html


def test_english_console_shows_the_english_document(manager):
    html = client_for(manager, "en").get(REPORTS).content.decode()
    assert "2. Service indicators, 2025 H2" in html and "Network connection rate" in html
    assert "Download and publish" in html


def test_a_bad_period_is_a_message(manager):
    page = client_for(manager, "en").get(REPORTS, {"period": "2025H9"})
    assert page.status_code == 400
    assert "unknown period" in page.content.decode()


def test_a_city_manager_sees_their_city_only(clerk):
    client = client_for(clerk)
    html = client.get(REPORTS).content.decode()
    assert "演示电信太原分公司2025年下半年服务质量状况报告" in html
    assert '<option value="dt"' not in html and '<option value="ty"' in html
    assert '<option value="" ' not in html  # not the whole operator
    assert reverse("console:report_publish", args=["2025H2"]) not in html
    assert reverse("console:report_edit") not in html
    assert client.get(REPORTS, {"unit": "dt"}).status_code == 404
    assert client.get(reverse("console:report_download", args=["2025H2", "json"]),
                      {"unit": "dt"}).status_code == 404
    assert client.get(reverse("console:report_edit")).status_code == 403
    assert client.post(reverse("console:report_publish", args=["2025H2"])).status_code == 403


def test_downloads(manager):
    client = client_for(manager)
    pdf = client.get(reverse("console:report_download", args=["2025H2", "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="quality-report-2025H2.pdf"'
    assert pdf.content.startswith(b"%PDF-")
    xlsx = client.get(reverse("console:report_download", args=["2025H2", "xlsx"]),
                      {"unit": "ty"})
    assert xlsx["Content-Disposition"] == 'attachment; filename="quality-report-2025H2-ty.xlsx"'
    assert xlsx.content.startswith(b"PK")
    tmf = client.get(reverse("console:report_download", args=["2025H2", "tmf657"]),
                     {"language": "en"})
    assert tmf.json()["serviceLevelSpecification"]["id"] == "2025H2.operator"
    assert client.get(reverse("console:report_download", args=["2025H2", "docx"])
                      ).status_code == 404


def test_a_download_of_a_period_without_records_comes_back_with_the_reason(manager):
    client = client_for(manager, "en")
    page = client.get(reverse("console:report_download", args=["2024H1", "pdf"]), follow=True)
    assert page.redirect_chain[-1][0] == f"{REPORTS}?period=2024H1"
    assert "no records at all in 2024H1" in page.content.decode()


# --- the words -------------------------------------------------------------------------------


def _form(page_html: str) -> dict[str, str]:
    """The editor's fields as a browser would send them back."""
    data = {name: value for name, value in re.findall(
        r'<input type="(?:hidden|text)"[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', page_html)}
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>',
                                 page_html, re.DOTALL):
        data[name] = body.strip("\n")
    for match in re.finditer(r'<input type="text" name="declaration"[^>]*value="([^"]*)"',
                             page_html):
        data["declaration"] = match.group(1)
    data.pop("csrfmiddlewaretoken", None)
    return data


def _titles(page_html: str) -> list[str]:
    return [title for _index, title in
            re.findall(r'name="section-(\d+)-title" value="([^"]*)"', page_html)]


EDIT = "/console/quality/reports/edit/"


def test_the_editor_adds_moves_removes_and_saves_sections(manager):
    client = client_for(manager)
    page = client.get(EDIT, {"period": "2025H2"}).content.decode()
    titles = _titles(page)
    assert len(titles) == 5 and titles[0] == "围绕服务标准，持续推动服务能力的提升"
    data = _form(page)
    assert data["declaration"] == "本报告内容客观、真实、准确。"
    assert data["period"] == "2025H2" and data["section_count"] == "5"

    page = client.post(EDIT, {**data, "action": "add"}).content.decode()
    assert len(_titles(page)) == 6
    data = _form(page)
    data["section-5-title"] = "加强10000号服务"
    data["section-5-body"] = "新增坐席**30个**。"
    page = client.post(EDIT, {**data, "action": "up-5"}).content.decode()
    assert _titles(page)[4] == "加强10000号服务"
    data = _form(page)
    page = client.post(EDIT, {**data, "action": "remove-0"}).content.decode()
    titles = _titles(page)
    assert len(titles) == 5 and titles[3] == "加强10000号服务"
    assert "围绕服务标准，持续推动服务能力的提升" not in titles
    assert ReportNarrative.objects.count() == 0  # nothing saved until Save

    data = _form(page)
    data["introduction"] = "演示电信是一家综合电信运营商。"
    saved = client.post(EDIT, {**data, "action": "save"})
    assert saved.status_code == 302 and saved["Location"] == f"{REPORTS}?period=2025H2"
    narrative = ReportNarrative.objects.get()
    assert narrative.period_code == "2025H2" and narrative.org_unit is None
    assert narrative.introduction == "演示电信是一家综合电信运营商。"
    assert [s["title"] for s in narrative.sections][3] == "加强10000号服务"
    assert narrative.sections[3]["body"] == "新增坐席**30个**。"
    assert narrative.updated_by == manager and narrative.updated_at == AFTER_H2
    assert AuditEntry.objects.filter(action="report.narrative.create").count() == 1

    html = client.get(REPORTS).content.decode()
    assert "（四）加强10000号服务" in html and "<strong>30个</strong>" in html
    assert html.count("（待填写）") == 4


def test_the_preview_of_the_words_escapes_html(manager):
    client = client_for(manager)
    data = _form(client.get(EDIT, {"period": "2025H2"}).content.decode())
    data["section-0-body"] = "**加粗** <script>alert(1)</script>"
    page = client.post(EDIT, {**data, "action": "preview"}).content.decode()
    assert "<strong>加粗</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert ReportNarrative.objects.count() == 0


def test_a_section_body_without_a_title_is_refused(manager):
    client = client_for(manager, "en")
    data = _form(client.get(EDIT, {"period": "2025H2"}).content.decode())
    data["section-1-title"] = ""
    data["section-1-body"] = "Some text"
    page = client.post(EDIT, {**data, "action": "save"})
    assert page.status_code == 200
    assert "section 2 has no title" in page.content.decode()
    assert ReportNarrative.objects.count() == 0


def test_words_per_city(manager):
    client = client_for(manager)
    data = _form(client.get(EDIT, {"period": "2025H2", "unit": "ty"}).content.decode())
    assert data["unit"] == "ty"
    assert "演示电信太原分公司依法经营电信业务" in data["introduction"]
    client.post(EDIT, {**data, "action": "save"})
    assert ReportNarrative.objects.get().org_unit.code == "ty"


# --- publication -----------------------------------------------------------------------------


def test_publish_from_the_console(manager):
    client = client_for(manager, "en")
    page = client.post(reverse("console:report_publish", args=["2025H2"]), follow=True)
    assert "The 2025H2 report is published" in page.content.decode()
    assert ReportPublication.objects.get().period_code == "2025H2"
    page = client.post(reverse("console:report_publish", args=["2025H2"]), follow=True)
    assert "published again" in page.content.decode()
    assert ReportPublication.objects.count() == 1
    page = client.post(reverse("console:report_publish", args=["2025Q4"]), follow=True)
    assert "only half-year reports are published" in page.content.decode()


def test_the_nav_has_the_report(manager):
    html = client_for(manager, "en").get("/console/").content.decode()
    assert f'href="{REPORTS}"' in html and "Quality report" in html
