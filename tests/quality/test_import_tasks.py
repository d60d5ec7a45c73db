"""Files uploaded on the console pages are kept and imported by the worker: the page
says the file waits, shows how far the import has got, then what it did or why the
file was refused (in Chinese for a Chinese browser). The same for every import page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from telcodesk.core import clock
from telcodesk.core.models import AuditEntry, TrackedTask
from telcodesk.core.roles import Role
from telcodesk.quality.models import BillingErrorCount, NetworkCell, NetworkCounter
from telcodesk.quality.services import imports
from telcodesk.quality.tasks import run_import
from tests.quality.network_support import counter_file, line

pytestmark = pytest.mark.django_db

IMPORTS = "/console/quality/network/"
CELLS = "/console/quality/network/cells/"
BILLING = "/console/quality/billing-errors/"

GOOD_FILES = {
    IMPORTS: ({}, "file", counter_file(line("C1", "2025-09-01"), line("C2", "2025-09-01"))),
    CELLS: ({"action": "upload"}, "registry-file", b"cell,name,unit_code\nC9,,dt-yg\n"),
    BILLING: ({"action": "upload"}, "billing-file",
              b"month,unit_code,erroneous_records,all_records\n2025-07,ty,12,300000\n"),
}
BAD_FILES = {
    IMPORTS: counter_file(line("C1", "2025-09-01"), line("C1", "2025-09-01")),
    CELLS: b"cell,name,unit_code\nC9,,nowhere\n",
    BILLING: b"month,unit_code,erroneous_records,all_records\n2025-07,ty,13,12\n",
}
WRITTEN = {IMPORTS: NetworkCounter, CELLS: NetworkCell, BILLING: BillingErrorCount}


@pytest.fixture(autouse=True)
def setup(monkeypatch, now, settings, tmp_path):
    monkeypatch.setattr(clock, "now", lambda: now)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def manager(org, make_staff):
    return make_staff("qm", org.province, Role.QUALITY_MANAGER)


def browser(user, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def form(page: str, data: bytes, name: str = "upload.csv") -> dict:
    extra, field, _good = GOOD_FILES[page]
    return {**extra, field: SimpleUploadedFile(name, data, content_type="text/csv")}


@pytest.mark.parametrize("page", [IMPORTS, CELLS, BILLING])
def test_an_upload_waits_for_the_worker_then_the_page_shows_what_it_did(
        manager, page, django_capture_on_commit_callbacks):
    client = browser(manager)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(page, form(page, GOOD_FILES[page][2]), follow=True)
    html = response.content.decode()
    assert "upload.csv is kept and waits for the worker" in html
    assert "Waiting for the worker" in html
    assert 'hx-trigger="every 3s"' in html  # the list reloads itself until the work ends
    assert not WRITTEN[page].objects.exists()  # nothing imported yet
    task = TrackedTask.objects.get()
    assert task.file.read() == GOOD_FILES[page][2]  # kept as uploaded
    assert len(queued) == 1

    queued[0]()  # the transaction commits: the worker (immediate backend) imports the file
    task.refresh_from_db()
    assert task.state == "done" and task.done == task.total == (2 if page == IMPORTS else 1)
    html = client.get(page).content.decode()
    assert "Done" in html and 'hx-trigger="every 3s"' not in html
    assert ("Registered upload.csv: 1 cell(s): 1 new" if page == CELLS
            else "Imported upload.csv:") in html
    assert WRITTEN[page].objects.exists()


@pytest.mark.parametrize("page", [IMPORTS, CELLS, BILLING])
def test_a_refused_file_shows_its_errors_in_chinese_and_keeps_the_file(
        manager, page, django_capture_on_commit_callbacks):
    client = browser(manager, "zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, form(page, BAD_FILES[page], "坏文件.csv"))
    html = client.get(page).content.decode()
    assert "坏文件.csv：发现 1 处错误，未写入任何数据。" in html
    assert "请更正文件后重新上传。" in html
    assert "失败" in html
    assert not WRITTEN[page].objects.exists()
    task = TrackedTask.objects.get()
    assert task.state == "failed" and task.file.read() == BAD_FILES[page]


def test_the_page_shows_a_running_import_with_its_progress(manager):
    task = TrackedTask.objects.create(kind=imports.COUNTERS, state="running", done=4000,
                                      total=12000, requested_at=clock.now(),
                                      requested_by=manager, file_name="big.csv")
    html = browser(manager).get(IMPORTS).content.decode()
    assert "4000 of 12000 rows read." in html and 'value="33"' in html
    assert 'hx-trigger="every 3s"' in html
    zh = browser(manager, "zh-hans").get(IMPORTS).content.decode()
    assert "已读取 4000 / 12000 行。" in zh and "正在运行" in zh
    assert task.percent == 33


def test_progress_is_reported_while_the_file_is_read(manager, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    from telcodesk.core import services as core_services
    from telcodesk.core import tabular

    monkeypatch.setattr(tabular, "PROGRESS_EVERY", 2)
    seen: list[tuple[int, int | None]] = []
    record = core_services.do_record_tracked_progress

    def spy(*, task_id: int, done: int, total: int | None) -> None:
        seen.append((done, total))
        record(task_id=task_id, done=done, total=total)

    monkeypatch.setattr(core_services, "do_record_tracked_progress", spy)
    rows = [line(f"C{i}", "2025-09-01") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        browser(manager).post(IMPORTS, form(IMPORTS, counter_file(*rows)))
    assert seen == [(2, 6), (4, 6), (5, 5)]  # (rows read, lines of the file), then the end
    assert TrackedTask.objects.get().state == "done"


def test_an_unexpected_failure_is_said_in_chinese_and_the_file_stays(
        manager, monkeypatch, django_capture_on_commit_callbacks, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(imports.RUNNERS, imports.BILLING, broken)
    client = browser(manager, "zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BILLING, form(BILLING, GOOD_FILES[BILLING][2]))
    html = client.get(BILLING).content.decode()
    assert "导入因意外错误中止" in html and "disk on fire" not in html
    assert "disk on fire" in caplog.text  # for the administrator
    task = TrackedTask.objects.get()
    assert task.state == "failed" and task.file.read() == GOOD_FILES[BILLING][2]


def test_an_import_runs_once_and_as_the_staff_member_who_uploaded_it(
        manager, org, make_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        browser(manager).post(IMPORTS, form(IMPORTS, GOOD_FILES[IMPORTS][2]))
    task = TrackedTask.objects.get()
    assert run_import.call(task_id=task.pk).endswith("nothing to do")
    assert NetworkCounter.objects.count() == 2
    entry = AuditEntry.objects.get(action="network.import")
    assert (entry.actor, entry.channel) == (manager, "console")


def test_only_those_who_may_import_can_queue_one(org, make_staff):
    branch_manager = make_staff("bm", org.datong, Role.BRANCH_MANAGER)
    from telcodesk.quality.errors import QualityError

    with pytest.raises(QualityError, match="only a quality manager or an administrator"):
        imports.do_queue_import(now=clock.now(), actor=branch_manager, kind=imports.BILLING,
                                upload=SimpleUploadedFile("b.csv", b"x"), file_name="b.csv")
    assert not TrackedTask.objects.exists()


def test_the_same_file_again_writes_nothing_and_says_so_in_chinese(
        manager, django_capture_on_commit_callbacks):
    client = browser(manager, "zh-hans")
    data = GOOD_FILES[IMPORTS][2]
    for _time in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(IMPORTS, form(IMPORTS, data, "计数器.csv"))
    first = NetworkCounter.objects.values_list("source_id", flat=True).first()
    html = client.get(IMPORTS).content.decode()
    assert f"计数器.csv 已导入过（导入批次 {first}），未写入任何数据。" in html
    assert "已导入 计数器.csv：" in html  # the first upload
    assert NetworkCounter.objects.count() == 2
    assert [t.state for t in TrackedTask.objects.all()] == ["done", "done"]


def test_a_worker_stopped_during_an_import_leaves_it_failed_not_running(manager, monkeypatch):
    """A second SIGTERM makes the worker exit in the middle of an import: its transaction
    is rolled back, and the page says the import stopped instead of "running" for ever."""
    task = imports.do_queue_import(
        now=clock.now(), actor=manager, kind=imports.BILLING,
        upload=SimpleUploadedFile("b.csv", GOOD_FILES[BILLING][2]), file_name="b.csv")

    def stopped(*args, **kwargs):
        raise SystemExit(1)

    monkeypatch.setitem(imports.RUNNERS, imports.BILLING, stopped)
    with pytest.raises(SystemExit):
        imports.do_run_import(now=clock.now(), task_id=task.pk)
    task.refresh_from_db()
    assert task.state == "failed" and task.result == {"error": "", "unexpected": True}
    assert not BillingErrorCount.objects.exists()


def test_staff_of_a_branch_see_only_their_own_uploads(org, manager, make_staff,
                                                      django_capture_on_commit_callbacks):
    """Refused lines name other branches' units and figures: a city's quality manager
    sees the uploads they made; the province's sees every upload; a branch manager (who
    may look at the counts but not upload) sees no upload list."""
    city = make_staff("qm-ty", org.taiyuan, Role.QUALITY_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        browser(manager).post(BILLING, form(BILLING, BAD_FILES[BILLING], name="province.csv"))
        browser(city).post(BILLING, form(BILLING, GOOD_FILES[BILLING][2], name="taiyuan.csv"))
    province_page = browser(manager).get(BILLING).content.decode()
    city_page = browser(city).get(BILLING).content.decode()
    assert "province.csv" in province_page and "taiyuan.csv" in province_page
    assert "taiyuan.csv" in city_page and "province.csv" not in city_page
    branch = browser(make_staff("bm", org.taiyuan, Role.BRANCH_MANAGER)).get(BILLING)
    assert branch.status_code == 200
    assert "province.csv" not in branch.content.decode()
    assert "taiyuan.csv" not in branch.content.decode()


def test_an_import_whose_worker_was_killed_is_marked_failed_by_the_clock(manager):
    """SIGKILL leaves no one to say the import stopped: the clock's job marks an upload
    still running two hours after it started as failed (its writes were rolled back);
    one that started recently is left running."""
    import datetime as dt

    from telcodesk.core import services as core_services
    from telcodesk.core.jobs import fail_stale_tracked_tasks

    started = clock.now()
    queued = [imports.do_queue_import(
        now=started, actor=manager, kind=imports.BILLING,
        upload=SimpleUploadedFile(f"{n}.csv", GOOD_FILES[BILLING][2]), file_name=f"{n}.csv")
        for n in ("killed", "busy")]
    core_services.do_start_tracked_task(now=started, task_id=queued[0].pk)
    core_services.do_start_tracked_task(now=started + dt.timedelta(hours=1, minutes=55),
                                        task_id=queued[1].pk)
    later = started + dt.timedelta(hours=2, minutes=1)
    assert fail_stale_tracked_tasks(later) == "1 stale running tasks marked failed"
    killed, busy = (TrackedTask.objects.get(pk=t.pk) for t in queued)
    assert (killed.state, killed.result) == ("failed", {"error": "", "unexpected": True})
    assert busy.state == "running"
    html = browser(manager, "zh-hans").get(BILLING).content.decode()
    assert "导入因意外错误中止" in html
