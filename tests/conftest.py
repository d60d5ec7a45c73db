"""Shared fixtures: a small organisation tree, staff in roles, a fixed clock."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from telcodesk.core.models import OrgUnit, User
from telcodesk.core.roles import Role
from telcodesk.core.services import do_create_org_unit, do_create_staff
from tests.orders import orders_support

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Names this run for every process of it (workers inherit the environment).
RUN_ID = "TELCODESK_TEST_RUN"
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Workers of a run without `-n`: one per core, at most this many (each builds its own
# test database, which costs more than the tests it would take over beyond four).
MAX_WORKERS = 4


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Spread the run over the cores by default: ``-n auto --dist loadfile``.

    Set here rather than in ``addopts`` so that ``-p no:xdist`` still works; an explicit
    ``-n``/``--dist`` wins. ``loadfile`` keeps a file on one worker, so a module's expensive
    fixtures (a demo build, a simulator process) are built once. Workers themselves (and
    runs without the xdist plugin) are left alone.
    """
    option = config.option
    if hasattr(config, "workerinput") or not hasattr(option, "numprocesses"):
        return
    if option.numprocesses is None:
        option.numprocesses = "auto"
        if not option.maxprocesses:
            option.maxprocesses = MAX_WORKERS
    if option.dist == "no" and not option.distload:
        option.dist = "loadfile"


def pytest_configure(config: pytest.Config) -> None:
    """One fast password hasher for the whole run (every worker): staff passwords play no
    part in what the tests check, and argon2 is deliberately slow. Child processes started
    by ``run_cli`` keep the real settings.

    The run's first process also compiles telcodesk's own modules to bytecode (only those
    changed since): every worker and every command a test starts then loads them instead
    of compiling about 400 modules again, which costs a second of CPU per process where
    bytecode is not written on import (``PYTHONDONTWRITEBYTECODE``). Installed packages
    are compiled at install by ``.ci/run`` (``uv sync --compile-bytecode``)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS
    if not hasattr(config, "workerinput"):
        os.environ.setdefault(RUN_ID, uuid.uuid4().hex[:12])
        import compileall

        import telcodesk

        compileall.compile_dir(os.path.dirname(telcodesk.__file__), quiet=2)


def pytest_unconfigure(config: pytest.Config) -> None:
    """The run's first process drops the run's PostgreSQL template (``migrated_template``)."""
    from django.conf import settings

    params = settings.DATABASES["default"]
    if (hasattr(config, "workerinput") or RUN_ID not in os.environ
            or "postgresql" not in params["ENGINE"]):
        return
    with _admin_connection(params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_template_name()}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def private_event_callbacks(settings):
    """Test listeners run on 127.0.0.1 and names that do not resolve (``a.example``);
    ``tests/core/test_event_scope.py`` turns the rule back on."""
    settings.TELCODESK_EVENT_PRIVATE_CALLBACKS = True


@pytest.fixture
def now() -> dt.datetime:
    """The instant every test runs at, unless it says otherwise. Never the wall clock."""
    return dt.datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI)


@dataclass
class Org:
    operator: OrgUnit
    province: OrgUnit
    taiyuan: OrgUnit
    xiaodian: OrgUnit  # urban district of Taiyuan
    qingxu: OrgUnit  # rural county of Taiyuan
    datong: OrgUnit
    yungang: OrgUnit  # urban district of Datong
    xiaodian_outlet: OrgUnit


@pytest.fixture
def org(db) -> Org:
    op = do_create_org_unit(code="op", name="演示电信", kind="operator", parent=None)
    sx = do_create_org_unit(code="sx", name="山西省分公司", kind="province", parent=op)
    ty = do_create_org_unit(code="ty", name="太原分公司", kind="city", parent=sx)
    xd = do_create_org_unit(code="ty-xd", name="小店区分公司", kind="county", parent=ty,
                            area="urban")
    qx = do_create_org_unit(code="ty-qx", name="清徐县分公司", kind="county", parent=ty,
                            area="rural")
    dtg = do_create_org_unit(code="dt", name="大同分公司", kind="city", parent=sx)
    yg = do_create_org_unit(code="dt-yg", name="云冈区分公司", kind="county", parent=dtg,
                            area="urban")
    outlet = do_create_org_unit(code="ty-xd-01", name="小店营业厅", kind="outlet", parent=xd)
    return Org(op, sx, ty, xd, qx, dtg, yg, outlet)


@pytest.fixture
def make_staff(db, now):
    """Create a staff member: ``make_staff("clerk1", org.xiaodian, Role.COUNTER_CLERK)``."""

    def make(username: str, unit: OrgUnit | None, *roles: str, superuser: bool = False,
             password: str = "pass-1234-word") -> User:
        return do_create_staff(now=now, username=username, password=password, org_unit=unit,
                               roles=roles or [Role.COUNTER_CLERK], is_superuser=superuser)

    return make


# --- a catalog and a household (tests/orders/orders_support.py builds them; the orders,
# care, quality, core and web tests use them) ------------------------------------------------


@pytest.fixture
def shop(db) -> orders_support.Shop:
    """Packages (mobile 59 and 99, broadband 100 M) and a value-added offering."""
    return orders_support.make_shop()


@pytest.fixture
def home(org, shop) -> orders_support.Household:
    """A household of Xiaodian (urban county)."""
    return orders_support.make_household(org.xiaodian, shop)


@pytest.fixture
def staff(org, make_staff):
    """Counter, hotline, repair and manager staff of Xiaodian, Qingxu and Taiyuan."""
    return orders_support.make_shop_staff(org, make_staff)


# --- databases for command-line tests (child processes) ------------------------------------


def _admin_connection(params: dict):
    """An autocommit connection to PostgreSQL's ``postgres`` database, as this run's user."""
    import psycopg

    return psycopg.connect(dbname="postgres", user=_pg_user(params),
                           host=params.get("HOST") or "127.0.0.1",
                           port=params.get("PORT") or 5432,
                           password=params.get("PASSWORD") or None, autocommit=True)


def _pg_user(params: dict) -> str:
    return params.get("USER") or os.environ.get("USER", "postgres")


def _pg_url(params: dict, name: str) -> str:
    user, password = _pg_user(params), params.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    return (f"postgres://{auth}{params.get('HOST') or '127.0.0.1'}:"
            f"{params.get('PORT') or 5432}/{name}")


def _unique_name(prefix: str) -> str:
    """A database name no other worker, run or helper process uses."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{uuid.uuid4().hex[:12]}"


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory every process of this run shares (a worker's base is a child of it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _template_name() -> str:
    """The PostgreSQL template database of this run (the first process names the run)."""
    return f"telcodesk_template_{os.environ[RUN_ID]}"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> str:
    """A database migrated ONCE per run by ``telcodesk migrate`` in a child process and never
    used directly: each worker's test database is a copy of it (``django_db_setup`` below)
    and so is each command-line test's database (``fresh_database_url``). SQLite copies the
    file, PostgreSQL creates ``… TEMPLATE`` it. The first worker to get here migrates it,
    the others wait for it under a file lock; the run's first process drops it at the end
    (``pytest_unconfigure``)."""
    shared = _shared_dir(tmp_path_factory)
    with open(shared / "migrated-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ready = shared / "migrated-template.url"
        if ready.exists():
            return ready.read_text()
        params = connection.settings_dict
        var_dir = shared / "migrated-template-var"
        var_dir.mkdir(exist_ok=True)
        if connection.vendor != "postgresql":
            url = f"sqlite:///{var_dir / 'template.sqlite3'}"
        else:
            with _admin_connection(params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{_template_name()}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{_template_name()}"')
            url = _pg_url(params, _template_name())
        done = subprocess.run([sys.executable, "-m", "telcodesk.cli", "migrate"],
                              env={**os.environ, "DATABASE_URL": url,
                                   "TELCODESK_VAR_DIR": str(var_dir)},
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, f"migrating the template failed:\n{done.stderr}"
        ready.write_text(url)
        return url


def _copy_sqlite(source_url: str, target: Path) -> None:
    source = sqlite3.connect(source_url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # a consistent copy, whatever is left in the WAL
    finally:
        copy.close()
        source.close()


def _create_from_template(params: dict, name: str, template_url: str) -> None:
    """``CREATE DATABASE name TEMPLATE …``, waiting while another worker copies it too
    (PostgreSQL refuses a template that another session is using at that instant)."""
    import psycopg

    template = template_url.rsplit("/", 1)[1]
    with _admin_connection(params) as admin:
        for attempt in range(50):
            try:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                return
            except psycopg.errors.ObjectInUse:
                if attempt == 49:
                    raise
                time.sleep(0.2)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker,
                    django_db_modify_db_settings, migrated_template,
                    tmp_path_factory) -> Iterator[None]:
    """Each worker's test database is a copy of the run's migrated template instead of a
    migration of its own (73 migrations: seconds of CPU per worker). Django then finds it
    migrated (``keepdb``) and only checks it. Replaces pytest-django's fixture of the same
    name; ``--reuse-db``/``--create-db`` have no meaning here."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    params = connection.settings_dict
    if connection.vendor != "postgresql":
        copy = tmp_path_factory.mktemp("test-database") / "test.sqlite3"
        _copy_sqlite(migrated_template, copy)
        params["TEST"]["NAME"] = str(copy)
    else:
        name = params["TEST"].get("NAME") or f"test_{params['NAME']}"
        params["TEST"]["NAME"] = name
        with _admin_connection(params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _create_from_template(params, name, migrated_template)
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    # Always the default database, even when no selected test asks for one (a run of
    # command-line tests alone): ``_migrated_rows`` reads it, and must never read the
    # developer's own database.
    aliases = {*aliases, "default"}
    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=request.config.option.verbose, interactive=False,
                                 aliases=aliases, serialized_aliases=serialized_aliases,
                                 keepdb=True)
    yield
    with django_db_blocker.unblock():
        teardown_databases(db_cfg, verbosity=request.config.option.verbose, keepdb=True)
        if connection.vendor == "postgresql":
            connection.close()
            with _admin_connection(params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{params["TEST"]["NAME"]}" WITH (FORCE)')


@pytest.fixture
def fresh_database_url(tmp_path, migrated_template) -> Iterator[str]:
    """A database of its own for this test's child processes, of the same engine as this
    run and already migrated (a copy of ``migrated_template``: running ``migrate`` on it
    changes nothing). Child processes never touch the test database of the run itself.

    SQLite runs get a temporary file; PostgreSQL runs get a temporary database created
    here and dropped afterwards.
    """
    if connection.vendor != "postgresql":
        path = tmp_path / "fresh.sqlite3"
        _copy_sqlite(migrated_template, path)
        yield f"sqlite:///{path}"
        return
    params = connection.settings_dict
    name = _unique_name("telcodesk_fresh")
    _create_from_template(params, name, migrated_template)
    try:
        yield _pg_url(params, name)
    finally:
        with _admin_connection(params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def run_cli(tmp_path, fresh_database_url):
    """Run ``telcodesk ARGS`` in a child process on a fresh (migrated) database."""
    base_env = dict(os.environ)
    base_env.update({"DATABASE_URL": fresh_database_url,
                     "TELCODESK_VAR_DIR": str(tmp_path / "var")})

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "telcodesk.cli", *args], input=input,
                              capture_output=True, text=True, env={**base_env, **(env or {})},
                              timeout=timeout, check=False)

    def spawn(*args: str, **popen_kwargs) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "telcodesk.cli", *args],
                                env={**base_env, **popen_kwargs.pop("env", {})}, text=True,
                                **popen_kwargs)

    run.spawn = spawn  # type: ignore[attr-defined]
    run.database_url = fresh_database_url  # type: ignore[attr-defined]
    return run


_MIGRATED_ROWS: list[str] = []  # the session's copy, for pytest_runtest_teardown


@pytest.fixture(scope="session", autouse=True)
def _migrated_rows(django_db_setup, django_db_blocker) -> str:
    """The rows the migrations filled in (roles, published standards, IVR, …), as JSON,
    taken before the first test (autouse) while the database is as migrated."""
    with django_db_blocker.unblock():
        rows = connection.creation.serialize_db_to_string()
    _MIGRATED_ROWS[:] = [rows]
    return rows


def _load_migrated_rows(rows: str) -> None:
    """Empty every table and load the migrated rows again, with the id sequences set past
    them (``flush`` restarts the sequences at 1 on PostgreSQL, and the loaded rows keep
    their ids: the next insert would collide)."""
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    connection.creation.deserialize_db_from_string(rows)
    statements = connection.ops.sequence_reset_sql(no_style(), django_apps.get_models())
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture
def migrated_data(_migrated_rows, transactional_db) -> None:
    """For a test that commits (``transaction=True``): start from exactly the migrated rows.

    A committing test's teardown empties every table, and its flush re-runs the
    post-migrate handlers (the role groups); so the database is emptied here and the
    migrated rows are loaded again. (Django's ``serialized_rollback`` restores them
    without emptying first and so fails after another committing test.)
    """
    _load_migrated_rows(_migrated_rows)



def _commits(item: pytest.Item) -> bool:
    """Does this test run outside a rolled-back transaction (and so empty every table after)?"""
    if {"transactional_db", "live_server", "django_db_reset_sequences",
            "migrated_data"} & set(getattr(item, "fixturenames", ())):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transaction = marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
    return bool(transaction or marker.kwargs.get("reset_sequences"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Under pytest-xdist, put the migrated rows back after a committing test.

    In one process pytest-django runs committing tests after all the others; a worker
    runs whole files in turn, so a file's committing test (whose teardown empties every
    table) can come before another file's tests, which expect the migrated rows (roles,
    published standards, IVR …). This runs once the test's fixtures are torn down.
    """
    yield
    if (nextitem is None or not hasattr(item.config, "workerinput") or not _commits(item)
            or not _MIGRATED_ROWS):
        return  # (after the last test the test database is already gone)
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        _load_migrated_rows(_MIGRATED_ROWS[0])
