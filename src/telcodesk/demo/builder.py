"""The demo operator: a deterministic synthetic Shanxi branch of a telecom operator.

``build_demo`` creates the organisation tree, staff in every role, the product
catalog, and N customers with an account and one to three subscriptions each.
Everything random comes from one ``random.Random(seed)``; dates are counted back
from the local date of ``now``, so the same seed and the same day give the same
names, numbers, codes and dates. The builder never reads the clock.

Writes go through the services of core and customers; customers are streamed to
``do_bulk_load_customers`` as rows, so memory stays flat and no row costs a query.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import accumulate
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from telcodesk.core.clock import local, operator_zone
from telcodesk.core.errors import DomainError
from telcodesk.core.models import OrgUnit, User
from telcodesk.core.roles import Role
from telcodesk.core.selectors import org_unit_by_code
from telcodesk.core.services import do_create_org_unit, do_create_staff
from telcodesk.customers.selectors import any_customers, live_phone_numbers
from telcodesk.customers.services import (
    AccountRow,
    CustomerRow,
    SubscriptionRow,
    do_bulk_load_customers,
    do_load_catalog,
)
from telcodesk.demo import catalog, data, names
from telcodesk.demo.activity import generate_activity
from telcodesk.demo.complaints_activity import build_demo_complaints
from telcodesk.demo.hotline_activity import import_demo_hotline
from telcodesk.demo.network_activity import build_demo_billing, build_demo_network
from telcodesk.demo.orders_activity import generate_orders_activity, half_year_before
from telcodesk.notify.selectors import outbox_size
from telcodesk.sla.selectors import disabled_standards
from telcodesk.sla.services import do_set_standard_enabled

DEMO_PASSWORD = "telcodesk-demo"  # noqa: S105 - documented, shared by every demo login
DEFAULT_SUBSCRIBERS = 3000
DEFAULT_SEED = 2026
MAX_SUBSCRIBERS = 10_000_000
BATCH_SIZE = 2000
# Hotline calls per day in the demo's queue_log at the default size and above (a
# province's 10000 takes far more; this keeps the import at demo start to a second or
# two). A smaller demo gets proportionally fewer, never fewer than MIN_HOTLINE_CALLS_PER_DAY.
HOTLINE_CALLS_PER_DAY = 100
MIN_HOTLINE_CALLS_PER_DAY = 3
# Customers activated up to this many years before ``now``.
HISTORY_YEARS = 12

Progress = Callable[[str, int, int], None]
T = TypeVar("T")


class DemoErrorCode(StrEnum):
    NOT_EMPTY = "not_empty"
    INVALID = "invalid"


class DemoError(DomainError):
    def __init__(self, code: DemoErrorCode, message: str) -> None:
        super().__init__(code, message)
        self.http_status = 409 if code == DemoErrorCode.NOT_EMPTY else 400


class StaffLogin(NamedTuple):
    username: str
    password: str
    role: str
    unit_name: str


@dataclass
class DemoSummary:
    seed: int
    org_units: int = 0
    staff: int = 0
    brands: int = 0
    packages: int = 0
    offerings: int = 0
    customers: int = 0
    accounts: int = 0
    subscriptions: int = 0
    messages: int = 0  # SMS queued by the demo's recent activity (demo.activity)
    requests: int = 0  # orders and work orders (demo.orders_activity)
    hotline_calls: int = 0  # calls imported from the generated queue_log (demo.hotline_activity)
    complaints: int = 0  # demo.complaints_activity
    network_rows: int = 0  # busy-hour counters per cell and day (demo.network_activity)
    billing_rows: int = 0  # monthly billing-error counts (demo.network_activity)
    password: str = DEMO_PASSWORD
    logins: list[StaffLogin] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows written per table, in creation order."""
        return {
            "org_units": self.org_units,
            "staff": self.staff,
            "brands": self.brands,
            "packages": self.packages,
            "offerings": self.offerings,
            "customers": self.customers,
            "accounts": self.accounts,
            "subscriptions": self.subscriptions,
        }

    @property
    def total_rows(self) -> int:
        return sum(self.counts().values())

    def describe(self) -> str:
        """One line for the command line: what was built."""
        return (f"{self.customers:,} customers, {self.accounts:,} accounts, "
                f"{self.subscriptions:,} subscriptions, {self.staff} staff, "
                f"{self.org_units} org units, {self.packages} packages, "
                f"{self.offerings} value-added services, {self.messages:,} SMS queued, "
                f"{self.requests:,} orders and work orders, "
                f"{self.hotline_calls:,} hotline calls, {self.complaints:,} complaints, "
                f"{self.network_rows:,} cell-days of network counters "
                f"(seed {self.seed})")


def build_demo(
    *,
    now: dt.datetime,
    subscribers: int = DEFAULT_SUBSCRIBERS,
    seed: int = DEFAULT_SEED,
    complaints: int | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill an empty database with the demo operator; ``subscribers`` is the customer count.

    ``complaints`` overrides how many complaints the history holds (default: by
    the customer count). Refuses with ``DemoError`` when customers or the demo's
    organisation already exist. All or nothing: one transaction.
    """
    if now.tzinfo is None:
        raise DemoError(DemoErrorCode.INVALID, "now must be an aware datetime")
    if not 1 <= subscribers <= MAX_SUBSCRIBERS:
        raise DemoError(DemoErrorCode.INVALID,
                        f"subscribers must be between 1 and {MAX_SUBSCRIBERS:,}")
    report: Progress = progress or (lambda _step, _done, _total: None)
    master = random.Random(seed)
    staff_rng = random.Random(master.getrandbits(64))
    customer_rng = random.Random(master.getrandbits(64))
    today = local(now).date()
    summary = DemoSummary(seed=seed)

    with transaction.atomic():
        if any_customers() or org_unit_by_code(data.OPERATOR[0]) is not None:
            raise DemoError(DemoErrorCode.NOT_EMPTY,
                            "the database already holds customers or an organisation; "
                            "the demo operator is built into an empty database only")
        tree = _build_org(report)
        summary.org_units = tree.size
        # The demo operator publishes the VIP repair promises that ship as examples
        # (disabled on a fresh install): its VIP repairs run, warn and breach on them,
        # while the indicators keep judging them against the regulator's limits.
        for example in disabled_standards(at=now):
            do_set_standard_enabled(now=now, standard=example, enabled=True)
        summary.logins = _build_staff(now=now, tree=tree, rng=staff_rng, report=report)
        summary.staff = len(summary.logins)

        since = dt.date(today.year - HISTORY_YEARS, 1, 1)
        report("catalog", 0, 1)
        loaded = do_load_catalog(now=now, brands=catalog.BRANDS,
                                 packages=catalog.packages(since),
                                 offerings=catalog.offerings(since))
        report("catalog", 1, 1)
        summary.brands, summary.packages, summary.offerings = (
            loaded.brands, loaded.packages, loaded.offerings)

        report("customers", 0, subscribers)
        population = _Population(rng=customer_rng, today=today, tree=tree)
        counts = do_bulk_load_customers(
            now=now, rows=population.rows(subscribers), batch_size=BATCH_SIZE,
            on_batch=lambda done: report("customers", done, subscribers),
        )
        summary.customers, summary.accounts, summary.subscriptions = (
            counts.customers, counts.accounts, counts.subscriptions)
        summary.messages = generate_activity(now=now, seed=seed, progress=report).total
        requests = generate_orders_activity(now=now, seed=seed, progress=report)
        summary.requests = requests.total
        summary.subscriptions += requests.new_lines
        summary.messages += requests.reminders
        # The records of the regulator's report reach back to the start of the last
        # complete half-year (the report's default period).
        report_start = half_year_before(today)[0]
        summary.hotline_calls = import_demo_hotline(
            now=now, var_dir=settings.VAR_DIR, numbers=live_phone_numbers(limit=5000),
            days=(today - report_start).days, calls_per_day=hotline_calls_per_day(subscribers),
            seed=seed,
            progress=report).calls_added
        queued = outbox_size()
        summary.complaints = build_demo_complaints(now=now, seed=seed, since=report_start,
                                                   count=complaints, progress=report)
        summary.messages += outbox_size() - queued  # the surveys (sent back then)
        counties = [c.unit for c in tree.counties]
        summary.network_rows = build_demo_network(now=now, start=report_start, end=today, seed=seed,
                                                  units=counties)
        summary.billing_rows = build_demo_billing(now=now, start=report_start, end=today, seed=seed,
                                                  units=[unit for _city, unit in tree.cities])
    return summary


def hotline_calls_per_day(subscribers: int) -> int:
    """The hotline's daily calls in a demo of ``subscribers`` customers: in proportion up to
    the default size, ``HOTLINE_CALLS_PER_DAY`` from there on."""
    share = HOTLINE_CALLS_PER_DAY * subscribers // DEFAULT_SUBSCRIBERS
    return max(MIN_HOTLINE_CALLS_PER_DAY, min(HOTLINE_CALLS_PER_DAY, share))


# --- organisation -------------------------------------------------------------


@dataclass(frozen=True)
class _CountyUnits:
    city: data.City
    county: data.County
    unit: OrgUnit
    outlets: tuple[OrgUnit, ...]


@dataclass(frozen=True)
class _Tree:
    operator: OrgUnit
    province: OrgUnit
    cities: tuple[tuple[data.City, OrgUnit], ...]
    counties: tuple[_CountyUnits, ...]
    units: dict[str, OrgUnit]

    @property
    def size(self) -> int:
        return len(self.units)


def _build_org(report: Progress) -> _Tree:
    total = 2 + sum(1 + sum(1 + len(c.outlets) for c in city.counties) for city in data.CITIES)
    done = 0
    op_code, op_name, op_en = data.OPERATOR
    operator = do_create_org_unit(code=op_code, name=op_name, name_en=op_en, kind="operator",
                                  parent=None)
    sx_code, sx_name, sx_en = data.PROVINCE
    province = do_create_org_unit(code=sx_code, name=sx_name, name_en=sx_en, kind="province",
                                  parent=operator)
    done += 2
    report("organisation", done, total)
    cities: list[tuple[data.City, OrgUnit]] = []
    counties: list[_CountyUnits] = []
    for city in data.CITIES:
        city_unit = do_create_org_unit(code=city.code, name=city.branch_name,
                                       name_en=f"{city.name_en} branch", kind="city",
                                       parent=province)
        cities.append((city, city_unit))
        done += 1
        for county in city.counties:
            county_unit = do_create_org_unit(
                code=f"{city.code}-{county.code}", name=f"{county.name}分公司",
                name_en=county.name_en, kind="county", parent=city_unit, area=county.area)
            outlets = tuple(
                do_create_org_unit(code=f"{county_unit.code}-{n:02d}", name=outlet_name,
                                   kind="outlet", parent=county_unit)
                for n, outlet_name in enumerate(county.outlets, start=1)
            )
            counties.append(_CountyUnits(city, county, county_unit, outlets))
            done += 1 + len(outlets)
        report("organisation", done, total)
    units = {operator.code: operator, province.code: province}
    units.update((unit.code, unit) for _, unit in cities)
    for c in counties:
        units[c.unit.code] = c.unit
        units.update((o.code, o) for o in c.outlets)
    return _Tree(operator, province, tuple(cities), tuple(counties), units)


# --- staff --------------------------------------------------------------------


class _PlannedLogin(NamedTuple):
    username: str
    role: str
    unit_code: str
    unit_name: str
    superuser: bool = False


def _staff_plan() -> list[_PlannedLogin]:
    """Every demo login, in a fixed order, from the geography alone (no database)."""
    op_code, op_name, _ = data.OPERATOR
    sx_code, sx_name, _ = data.PROVINCE
    plan = [
        _PlannedLogin("admin", Role.ADMINISTRATOR, op_code, op_name, superuser=True),
        _PlannedLogin("quality", Role.QUALITY_MANAGER, sx_code, sx_name),
    ]
    for city in data.CITIES:
        plan += [
            _PlannedLogin(f"manager.{city.code}", Role.BRANCH_MANAGER, city.code,
                          city.branch_name),
            _PlannedLogin(f"agent.{city.code}", Role.HOTLINE_AGENT, city.code,
                          city.branch_name),
            _PlannedLogin(f"complaints.{city.code}", Role.COMPLAINT_HANDLER, city.code,
                          city.branch_name),
        ]
    for city in data.CITIES:
        for county in city.counties:
            code, name = f"{city.code}-{county.code}", f"{county.name}分公司"
            plan += [
                _PlannedLogin(f"clerk.{code}", Role.COUNTER_CLERK, code, name),
                _PlannedLogin(f"vip.{code}", Role.VIP_CLERK, code, name),
                _PlannedLogin(f"tech.{code}", Role.REPAIR_TECHNICIAN, code, name),
                _PlannedLogin(f"installer.{code}", Role.INSTALLER, code, name),
            ]
            plan += [_PlannedLogin(f"clerk.{code}-{n:02d}", Role.COUNTER_CLERK,
                                   f"{code}-{n:02d}", outlet)
                     for n, outlet in enumerate(county.outlets, start=1)]
    return plan


# The logins worth printing: one of each role, in Taiyuan (urban and rural).
FEATURED_LOGINS = (
    "admin", "quality", "manager.ty", "agent.ty", "complaints.ty", "clerk.ty-xd",
    "clerk.ty-xd-01", "vip.ty-xd", "tech.ty-xd", "installer.ty-xd", "clerk.ty-qx",
    "tech.ty-qx",
)


def demo_logins(*, everyone: bool = False) -> list[tuple[str, str, str, str]]:
    """Demo logins present in the database: the featured ones, or ``everyone``.

    ``(username, password, role, unit name)``, as ``StaffLogin`` tuples. Works on
    a database built earlier, so a restarted demo can print them again.
    """
    plan = _staff_plan()
    if not everyone:
        plan = [p for p in plan if p.username in FEATURED_LOGINS]
    present = set(User.objects.filter(username__in=[p.username for p in plan])
                  .values_list("username", flat=True))
    return [StaffLogin(p.username, DEMO_PASSWORD, str(p.role), p.unit_name)
            for p in plan if p.username in present]


def _build_staff(*, now: dt.datetime, tree: _Tree, rng: random.Random,
                 report: Progress) -> list[StaffLogin]:
    password_hash = make_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    people = _People(rng)
    plan = _staff_plan()
    logins: list[StaffLogin] = []
    for n, login in enumerate(plan, start=1):
        display = "演示管理员" if login.superuser else people.person_name(rng.random() < 0.5)
        do_create_staff(now=now, username=login.username, password=None,
                        password_hash=password_hash, org_unit=tree.units[login.unit_code],
                        roles=[login.role], display_name=display,
                        is_superuser=login.superuser)
        logins.append(StaffLogin(login.username, DEMO_PASSWORD, str(login.role),
                                 login.unit_name))
        if n % 25 == 0 or n == len(plan):
            report("staff", n, len(plan))
    return logins


# --- people and companies -----------------------------------------------------


def _weighted(pairs: Sequence[tuple[T, int]]) -> tuple[list[T], list[int]]:
    return [p for p, _ in pairs], list(accumulate(w for _, w in pairs))


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def resident_id_check(first17: str) -> str:
    """The check character of an 18-digit resident ID (GB 11643)."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def credit_code_check(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100)."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def _org_code_check(body8: str) -> str:
    """The check character of an organisation code (GB 11714), digits-only body."""
    value = 11 - sum(int(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


class _People:
    """Names of persons and companies, drawn from one ``Random``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames, self.surname_cum = _weighted(names.SURNAMES)
        self.forms, self.form_cum = _weighted(names.COMPANY_FORMS)
        self.singles = {
            True: [g for g in names.MALE_GIVEN if len(g) == 1],
            False: [g for g in names.FEMALE_GIVEN if len(g) == 1],
        }

    def person_name(self, male: bool) -> str:
        rng = self.rng
        surname = rng.choices(self.surnames, cum_weights=self.surname_cum)[0]
        given = rng.choice(names.MALE_GIVEN if male else names.FEMALE_GIVEN)
        if len(given) == 1 and rng.random() < 0.72:
            given += rng.choice(self.singles[male])
        return surname + given

    def company_name(self, city: data.City, county: data.County, taken: set[str]) -> str:
        rng = self.rng
        for attempt in range(40):
            place = f"{city.name}市" if attempt < 20 else f"{city.name}市{county.name}"
            name = (place + rng.choice(names.COMPANY_FIRST) + rng.choice(names.COMPANY_SECOND)
                    + rng.choice(names.COMPANY_TRADES)
                    + rng.choices(self.forms, cum_weights=self.form_cum)[0])
            if name not in taken:
                taken.add(name)
                return name
        # Practically unreachable: number the branch office.
        name = f"{name[:-len('公司')]}第{len(taken)}分公司"
        taken.add(name)
        return name


# --- customers ----------------------------------------------------------------

_TIERS = (("ordinary", 900), ("silver", 60), ("gold", 30), ("diamond", 10))
_TELECOM_PREFIXES = (("133", 10), ("153", 10), ("173", 10), ("177", 8), ("180", 12),
                     ("181", 12), ("189", 25), ("199", 13))
# Contact numbers of customers who have no mobile line with us.
_OTHER_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151",
                   "152", "155", "156", "158", "159", "182", "183", "185", "186", "187", "188")
URBAN_SHARE = 0.65
ENTERPRISE_SHARE = 0.04
BUSINESS_HOURS = (8 * 3600 + 30 * 60, 18 * 3600)


class _Population:
    """Streams ``CustomerRow`` objects: customer i gets code C…i and account A…i."""

    def __init__(self, *, rng: random.Random, today: dt.date, tree: _Tree) -> None:
        self.rng = rng
        self.today = today
        self.zone = operator_zone()
        self.people = _People(rng)
        self.by_area: dict[str, tuple[list[_CountyUnits], list[int]]] = {}
        for area in (data.URBAN, data.RURAL):
            members = [c for c in tree.counties if c.county.area == area]
            self.by_area[area] = (members, list(accumulate(c.county.weight for c in members)))
        self.tiers, self.tier_cum = _weighted(_TIERS)
        self.prefixes, self.prefix_cum = _weighted(_TELECOM_PREFIXES)
        self.mix = {area: _weighted(pairs) for area, pairs in catalog.INDIVIDUAL_MIX.items()}
        self.enterprise_mix = _weighted(catalog.ENTERPRISE_MIX)
        self.services = {p.code: p.services for p in catalog.packages(today)}
        self.used_numbers: set[str] = set()
        self.used_ids: set[str] = set()
        self.company_names: set[str] = set()

    # numbers

    def _unique(self, make: Callable[[], str]) -> str:
        while True:
            number = make()
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def mobile(self, prefix: str | None = None) -> str:
        rng = self.rng
        return self._unique(lambda: "+86" + (
            prefix or rng.choices(self.prefixes, cum_weights=self.prefix_cum)[0]
        ) + f"{rng.randrange(10**8):08d}")

    def other_mobile(self) -> str:
        return self.mobile(self.rng.choice(_OTHER_PREFIXES))

    def fixed(self, city: data.City) -> str:
        rng = self.rng
        return self._unique(
            lambda: f"+86{city.area_code}{rng.randint(2, 8)}{rng.randrange(10**6):06d}")

    def broadband(self, city: data.City) -> str:
        rng = self.rng
        return self._unique(lambda: f"0{city.area_code}A{rng.randrange(10**8):08d}")

    # identities

    def resident_id(self, division: str, birth: dt.date, male: bool) -> str:
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if male else 0)
            first17 = f"{division}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + resident_id_check(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def credit_code(self, division: str) -> str:
        while True:
            body = f"{self.rng.randrange(10**8):08d}"
            first17 = f"91{division}{body}{_org_code_check(body)}"
            number = first17 + credit_code_check(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    # places and times

    def address(self, c: _CountyUnits, enterprise: bool) -> str:
        rng = self.rng
        city, county = c.city, c.county
        head = f"{city.name}市{county.name}"
        number = rng.randint(1, 399)
        if enterprise:
            floor = rng.randint(1, 28)
            return f"{head}{rng.choice(county.streets)}{number}号" + (
                f"{floor}层" if rng.random() < 0.5 else "")
        if county.towns and rng.random() < 0.5:
            return (f"{head}{rng.choice(county.towns)}{rng.choice(data.VILLAGES)}村"
                    f"{rng.randint(1, 120)}号")
        floors = 30 if county.area == data.URBAN else 6
        unit_room = f"{rng.randint(1, 6)}单元{rng.randint(1, floors)}{rng.randint(1, 4):02d}"
        if rng.random() < 0.5:
            return (f"{head}{rng.choice(county.streets)}{number}号"
                    f"{rng.choice(data.COMPOUNDS)}小区{rng.randint(1, 24)}号楼{unit_room}")
        return f"{head}{rng.choice(county.streets)}{number}号{unit_room}"

    def at(self, day: dt.date) -> dt.datetime:
        """A moment in business hours of ``day``, operator time."""
        start = dt.datetime.combine(day, dt.time(0), tzinfo=self.zone)
        return start + dt.timedelta(seconds=self.rng.randrange(*BUSINESS_HOURS))

    def days_ago(self, limit: int) -> int:
        """Days before today, 1..limit, most of them in the last few years."""
        limit = max(1, limit)
        return int(self.rng.triangular(1, limit, min(limit, 900)))

    # customers

    def rows(self, count: int) -> Iterator[CustomerRow]:
        for i in range(1, count + 1):
            yield self.customer(i)

    def customer(self, i: int) -> CustomerRow:
        rng = self.rng
        area = data.URBAN if rng.random() < URBAN_SHARE else data.RURAL
        members, cum = self.by_area[area]
        c = rng.choices(members, cum_weights=cum)[0]
        unit = rng.choice(c.outlets) if c.outlets and rng.random() < 0.8 else c.unit
        enterprise = rng.random() < ENTERPRISE_SHARE
        tier = rng.choices(self.tiers, cum_weights=self.tier_cum)[0]
        window = (self.today - dt.date(self.today.year - HISTORY_YEARS, 1, 1)).days
        if enterprise:
            party, name = "enterprise", self.people.company_name(c.city, c.county,
                                                                 self.company_names)
            id_number = self.credit_code(c.county.division)
            choices, weights = self.enterprise_mix
            limit = window
        else:
            male = rng.random() < 0.51
            party, name = "individual", self.people.person_name(male)
            age_days = rng.randint(18 * 366, 82 * 365)
            birth = self.today - dt.timedelta(days=age_days)
            id_number = self.resident_id(c.county.division, birth, male)
            choices, weights = self.mix[area]
            limit = min(window, age_days - 18 * 366)
        package = rng.choices(choices, cum_weights=weights)[0]
        address = self.address(c, enterprise)
        brand_new = rng.random() < 0.008  # signed up in the last days: lines await install
        start_ago = rng.randint(1, 3) if brand_new else self.days_ago(limit)

        lines: list[tuple[str, str, int]] = []  # (service, package, days ago)
        services = self.services[package]
        if services == (catalog.MOBILE,):
            extra = rng.choices((0, 1, 2), weights=(80, 15, 5))[0]
            lines += [(catalog.MOBILE, package, start_ago)]
            lines += [(catalog.MOBILE, package, self._later(start_ago)) for _ in range(extra)]
        else:
            lines += [(s, package, start_ago) for s in services]
            second = catalog.SECOND_LINE_PACKAGE.get(services[0]) if len(services) == 1 else None
            if second and rng.random() < 0.25:
                lines.append((self.services[second][0], second, self._later(start_ago)))

        subscriptions = tuple(self.subscription(c, s, p, ago, address, brand_new)
                              for s, p, ago in lines)
        since = min(s.active_from for s in subscriptions)
        mobiles = [s.number for s in subscriptions if s.service == catalog.MOBILE]
        contact = mobiles[0] if mobiles and not enterprise else (
            self.mobile() if enterprise and rng.random() < 0.5 else self.other_mobile())
        email = f"{contact[3:]}@189.cn" if mobiles and not enterprise and rng.random() < 0.2 \
            else ""

        ended = [s.active_to for s in subscriptions]
        closed_at = max(e for e in ended if e is not None) if all(ended) else None
        suspended = any(s.status == "suspended" for s in subscriptions)
        prepaid = len(mobiles) == len(subscriptions) and not enterprise and rng.random() < 0.85
        if suspended:
            balance = -rng.randint(100, 30000)
        elif prepaid:
            balance = rng.randint(0, 20000)
        else:
            balance = rng.randint(0, 10000) if rng.random() < 0.3 else 0
        account = AccountRow(
            number=f"A{i:09d}", billing_type="prepaid" if prepaid else "postpaid",
            active_from=since, active_to=closed_at, balance_fen=balance,
            subscriptions=subscriptions,
        )
        return CustomerRow(
            code=f"C{i:09d}", party_type=party, name=name, org_unit_code=unit.code,
            active_from=since, id_number=id_number, contact_phone=contact, email=email,
            address=address, tier=tier,
            status="closed" if closed_at else "active",
            status_reason="用户申请拆机销户" if closed_at else "",
            active_to=closed_at, accounts=(account,),
        )

    def _later(self, start_ago: int) -> int:
        return self.rng.randint(1, start_ago) if start_ago > 1 else 1

    def subscription(self, c: _CountyUnits, service: str, package: str, ago: int,
                     address: str, brand_new: bool) -> SubscriptionRow:
        rng = self.rng
        if service == catalog.MOBILE:
            number = self.mobile()
        elif service == catalog.FIXED:
            number = self.fixed(c.city)
        else:
            number = self.broadband(c.city)
        day = self.today - dt.timedelta(days=ago)
        start = self.at(day)
        wired = service != catalog.MOBILE
        status, end = "active", None
        activated_on: dt.date | None = day
        roll = rng.random()
        if brand_new and wired:
            status, activated_on = "pending", None
        elif roll < 0.03 and ago > 31:
            status = "terminated"
            end = self.at(day + dt.timedelta(days=rng.randint(30, ago - 1)))
        elif roll < 0.075:
            status = "suspended"
        return SubscriptionRow(
            service=service, number=number, package_code=package, active_from=start,
            status=status, activated_on=activated_on, active_to=end,
            address=address if wired else "",
        )
