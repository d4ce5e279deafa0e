"""How govflow's cost grows as the years of cases pile up (1k, 10k, 100k cases and more).

An office keeps its cases for ten years or more, so the history grows while the work of a
day does not: the same few hundred cases are open at any time. This bench fills one
database, in steps, to each size (``--sizes``, default 1,000, 10,000 and 100,000 cases;
up to 1,000,000 on PostgreSQL, never under CI) and at each size times the hot paths,
interleaved in rounds (bench/timing.py) with a ``baseline``: a bare indexed query on the
same data (the clerk's first inbox page as plain SQL, no ORM, no scope, no views).

The fill is a bulk insert (SQLAlchemy Core ``executemany``), not the API. First a few real
cases are run through the service API, one per scenario of ``tests/samples.SCENARIOS``
plus cases left open at their first steps; their rows are the templates. Every filled case
is a copy of one template with its own ids: the serialised workflow state with each task
id renamed, its inbox rows (``task``), timers, audit rows, blind-index terms, a tracking
code for one complaint in three, and a public item (``publication``) for each published
request. So every case restores, ``govflow check`` finds it consistent, and the reports
read real data. Finished cases are spread over the ten years before now; the open ones
(``--open``, default 300) are the last weeks' work, some of their steps overdue.

Paths, at each size:

* ``start_and_step``: a complaint started and its triage completed (two commands);
* ``inbox_clerk``: a legal officer's counts and group inbox, first page by due date;
* ``inbox_overdue``: the Director's "all" inbox, overdue only;
* ``search_code`` / ``search_subject``: the case search by tracking code, and by a
  fragment of a subject found in one case (trigram index);
* ``scheduler_idle``: a scheduler pass with nothing due; ``scheduler_fire``: a pass that
  fires one due timer (a case restored, its escalation raised);
* ``public_category`` / ``public_search`` / ``public_feed``: the public pages of the
  busiest category through Flask's test client; ``public_search`` looks for a word found
  in one item in eight, so its matches grow with the history; ``public_search_rare`` for a
  word put in :data:`RARE_ITEMS` (5) published items at every size, and asserted to find
  exactly that many: a search whose result set does not grow;
* ``publication_log``: the publication log of one month, as the staff page asks for it;
* ``report``: the six-monthly complaints report of a half-year in the history (linear in
  its own period, whose cases grow with the history here);
* ``check``: ``govflow check`` as the command runs it (open cases and those changed in the
  last ``--since`` days); ``check_all``: with ``--all``, every case (linear by design,
  timed at sizes up to ``--check-all-max``);
* ``backup``: ``govflow backup`` (linear in the database's size).

Growth (``growth`` in the JSON line), from the medians: ``linear`` when the time grows by
more than 1.5× between the two largest sizes (the issue's bound for 10k → 100k); else
``flat`` when the largest size's median is within 1.25× of the smallest's, else ``log``.
``exponent`` gives the fitted power (log t / log n between the two largest sizes: 0 is
flat, 1 linear), ``log_fit`` the relative residual of a least-squares fit of
t = a + b·ln n over all sizes, and ``ratio_last_vs_baseline`` the ratio with the
baseline's own change divided out (a busier machine at the larger size shows in both).

``rows`` in each size's figures is the result-set size of each path where it is known: the
matches a search or a public page reports (its "of N items"), the requests of the log's
month, the report's cases, the cases ``check`` read, and for the inbox paths the rows of
the page listed. ``rows_ratio_last`` beside each path's growth is how much that result set
grew between the two largest sizes: a path whose time grows no faster than its result set
(``public_search``, ``report``) is doing work per row found, not per row kept.

Usage: ``.venv/bin/python bench/growth.py [--sizes 1000,10000,100000 | --quick]
[--backend sqlite|postgresql] [--out DIR] [--no-plots]``. The plots (one PNG per path)
need matplotlib: ``pip install -e '.[bench]'``. The last line printed is one JSON object;
the readable summary goes to stderr. Exits 1 when a path does not answer as expected.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from engine.core import clock
from engine.core.actors import Actor
from engine.core.config import REPO_ROOT, Settings
from engine.core.models import (
    AuditEvent,
    DueTimer,
    PersonalNameTerm,
    ProcessInstance,
    Publication,
    Task,
    TrackingCode,
)
from engine.core.schema import upgrade
from engine.documents.complaint_report import period_bounds
from engine.jobs.scheduler import scheduler_id, tick
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user
from engine.services.complaints.reports import complaint_report
from engine.services.inbox import instances, tasks
from engine.services.ops import backup as backup_service
from engine.services.ops.integrity import check_all
from engine.services.publishing.register import Period, publication_log
from engine.services.search.cases import search_cases
from engine.services.search.filters import CaseFilters
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime
from engine.workflow.workflow_state import WorkflowCache

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import measure_rounds, nearest_rank, sig3  # noqa: E402

if str(REPO_ROOT) not in sys.path:  # run as a script: make tests/ importable
    sys.path.insert(0, str(REPO_ROOT))
from tests.load.timer_process import BENCH_KEY, processes_dir  # noqa: E402
from tests.samples import COMPLAINT, PUBLISHING_REQUEST, SCENARIOS  # noqa: E402

PG_URL = os.environ.get("GOVFLOW_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
MAX_SIZE = 1_000_000
#: Above this, SQLite is not asked (the issue keeps the 1M run to PostgreSQL).
SQLITE_MAX = 100_000
ROLES = {"legal_officer": "LEGAL", "legal_head": "LEGAL", "director": "DIR",
         "staff": "PLAN", "web_admin": "ICT", "ict_head": "ICT"}
HISTORY = timedelta(days=3650)
#: Open cases are the last weeks' work.
RECENT = timedelta(days=45)
#: Finished cases by template (scenario name → weight): complaints most, then requests.
FINISHED_MIX = {"complaint_accepted_to_resolution": 3, "complaint_not_considered": 2,
                "complaint_forwarded": 1, "publishing_approved": 3,
                "publishing_rejected_revised_resubmitted": 1,
                "publishing_returned_withdrawn": 1}
#: Open cases by template: a complaint at triage, one at the Director's order, a request at
#: the Director's approval.
OPEN_MIX = {"open_triage": 2, "open_director": 1, "open_request": 1}
#: Public categories of the filled items, busy ones first (as bench/public_pages_bench.py).
CATEGORIES = {"1.3.6": 30, "1.3.7": 20, "1.3.1": 12, "1.3.2": 8, "1.2": 5, "1.4": 5}
BUSIEST = "1.3.6"
SEARCH_WORD = "ครุภัณฑ์คอมพิวเตอร์"
#: A word in no other item (not one of GOODS), put in the first RARE_ITEMS published
#: items of the busiest category, so its search finds the same few items at every size.
RARE_WORD = "เครื่องกำเนิดไฟฟ้าพลังงานแสงอาทิตย์"
RARE_ITEMS = 5
GOODS = ("ครุภัณฑ์คอมพิวเตอร์", "วัสดุสำนักงาน", "รถยนต์ส่วนกลาง", "เครื่องปรับอากาศ",
         "ระบบกล้องวงจรปิด", "โต๊ะและเก้าอี้", "จ้างเหมาทำความสะอาด", "ซ่อมแซมหลังคาอาคาร")
WHAT = ("ร้องเรียนการจัดซื้อ", "แจ้งเบาะแสการเบิกจ่าย", "ร้องเรียนการใช้รถราชการ")
WHERE = ("โรงเรียนบ้านหนองบัว", "โรงเรียนวัดป่าสัก", "โรงเรียนบ้านโคกกลาง", "กลุ่มนโยบายและแผน")
#: The six-monthly report's period: the first half of fiscal year 2565 (Oct 2021 – Mar
#: 2022), inside the ten years of history whatever the day the bench runs.
REPORT_PERIOD = (2565, 1)
REPORT_DAYS = period_bounds(*REPORT_PERIOD)
#: The publication log's month (as its page asks for one), in the history too.
LOG_MONTH = (date(2022, 3, 1), date(2022, 3, 31))
#: The summary line of a public category page (webui/templates/public_info/category.html).
LISTED = re.compile(r"จากทั้งหมด (\d+) รายการ")
UUID = re.compile(r"([0-9a-f]{8})(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
CHUNK = 2_000
BASELINE_SQL = (
    "SELECT id, title, due_at FROM task WHERE state = 'open' AND assignee_id IS NULL "
    "AND role = 'legal_officer' ORDER BY due_at LIMIT 50")
PATHS = ("start_and_step", "inbox_clerk", "inbox_overdue", "search_code", "search_subject",
         "scheduler_idle", "scheduler_fire", "public_category", "public_search",
         "public_search_rare", "public_feed", "publication_log", "report", "check",
         "check_all", "backup")
#: The paths whose answer is the size of their result set (``rows`` in the JSON line).
ROWS = ("inbox_clerk", "inbox_overdue", "search_code", "search_subject", "scheduler_fire",
        "public_category", "public_search", "public_search_rare", "publication_log",
        "report", "check", "check_all")
#: The paths timed in the second group of rounds, with its own baseline.
HEAVY = ("report", "check", "check_all", "backup")
#: Paths allowed to grow with their own period or size (the issue's exceptions).
LINEAR_BY_DESIGN = {"report": "its half-year's cases", "backup": "the database's size",
                    "check_all": "every case (govflow check --all)",
                    "publication_log": "its month's requests"}


class BenchError(RuntimeError):
    """A path did not answer as expected, or set-up failed."""


# --------------------------------------------------------------------------- templates


@dataclass
class Template:
    """A real case made through the API: its rows, to be copied."""

    name: str
    instance: dict[str, Any]
    #: The serialised state cut at each task id: even items text, odd items ids.
    state_parts: list[str]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return self.instance["status"] == "running"

    @property
    def complaint(self) -> bool:
        return self.instance["process_key"] == "complaint"


def _rows(conn: Any, table: Table, instance_id: int) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(
        select(table).where(table.c.instance_id == instance_id))]


def make_templates(rt: Runtime, users: dict[str, Actor]) -> dict[str, Template]:
    made: dict[str, int] = {}
    for name, (starter, key, data, steps) in SCENARIOS.items():
        iid = instances.start_instance(rt, users[starter], key, dict(data))["id"]
        for role, form in steps:
            tasks.complete_task(rt, users[role], _open_task(rt, iid), form)
        made[name] = iid
    made["open_triage"] = instances.start_instance(
        rt, users["legal_officer"], "complaint", dict(COMPLAINT))["id"]
    iid = instances.start_instance(rt, users["legal_officer"], "complaint", dict(COMPLAINT))["id"]
    tasks.complete_task(rt, users["legal_officer"], _open_task(rt, iid),
                        {"screening_outcome": "accept"})
    made["open_director"] = iid
    made["open_request"] = instances.start_instance(
        rt, users["staff"], "publishing", dict(PUBLISHING_REQUEST))["id"]
    out = {}
    with rt.db.engine.connect() as conn:
        for name, iid in made.items():
            instance = dict(conn.execute(select(ProcessInstance.__table__).where(
                ProcessInstance.id == iid)).one()._mapping)
            template = Template(name, instance, UUID.split(instance.pop("state")))
            for model in (Task, DueTimer, AuditEvent, PersonalNameTerm, Publication):
                template.rows[model.__tablename__] = _rows(conn, model.__table__, iid)
            out[name] = template
    return out


def _open_task(rt: Runtime, instance_id: int) -> str:
    with rt.db.read() as session:
        found = session.scalars(select(Task.id).where(
            Task.instance_id == instance_id, Task.state == "open")).all()
    if len(found) != 1:
        raise BenchError(f"case {instance_id}: {len(found)} open tasks, expected one")
    return found[0]


# --------------------------------------------------------------------------------- fill


def _renamed(prefix: str) -> Callable[[Any], Any]:
    """Task ids of a copy: the template's with the first eight hex digits the copy's id,
    so every copy's ids are its own and the same in its state and its rows."""
    def rename(value: Any) -> Any:
        if isinstance(value, str) and UUID.fullmatch(value):
            return prefix + value[8:]
        return value
    return rename


def _state(template: Template, prefix: str) -> str:
    parts = template.state_parts
    # re.split with two groups: text, first eight digits, the rest, text, …
    return "".join(parts[k] if k % 3 == 0 else prefix if k % 3 == 1 else parts[k]
                   for k in range(len(parts)))


def _tracking(i: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    chars = []
    for _ in range(8):
        i, rest = divmod(i, 36)
        chars.append(digits[rest])
    code = "".join(reversed(chars))
    return f"GF69-{code[:4]}-{code[4:]}"


def _shift(value: Any, delta: timedelta) -> Any:
    return value + delta if isinstance(value, datetime) else value


@dataclass
class Filled:
    cases: int = 0
    open_cases: int = 0
    next_id: int = 0
    publication_id: int = 0
    #: Who the busiest public category holds (published items), for the checks.
    published_busiest: int = 0
    #: Published items holding :data:`RARE_WORD` (RARE_ITEMS once the first are filled).
    rare_items: int = 0
    searched_code: str = ""
    rare_fragment: str = ""
    #: Complaints received in :data:`REPORT_PERIOD`, requests made in :data:`LOG_MONTH`.
    report_cases: int = 0
    log_requests: int = 0
    fill_s: float = 0.0


def _choose(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def fill(rt: Runtime, templates: dict[str, Template], filled: Filled, target: int,
         open_target: int, rng: random.Random) -> None:
    """Add cases until the database holds ``target`` filled cases, ``open_target`` of
    them open; insert in chunks of :data:`CHUNK` cases, one transaction each."""
    began = time.perf_counter()
    now = datetime.now(UTC)
    with rt.db.read() as session:  # after the cases the timed paths started
        filled.next_id = (session.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
        filled.publication_id = session.scalar(select(func.max(Publication.id))) or 0
    tables = {name: model.__table__ for name, model in (
        ("process_instance", ProcessInstance), ("task", Task), ("due_timer", DueTimer),
        ("audit_event", AuditEvent), ("personal_name_term", PersonalNameTerm),
        ("publication", Publication), ("tracking_code", TrackingCode))}
    while filled.cases < target:
        batch: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
        for _ in range(min(CHUNK, target - filled.cases)):
            make_open = filled.open_cases < open_target
            template = templates[_choose(rng, OPEN_MIX if make_open else FINISHED_MIX)]
            _copy(template, filled, batch, now, rng)
            filled.cases += 1
            filled.open_cases += make_open
        with rt.db.write() as session:
            conn = session.connection()
            for name, table in tables.items():
                if batch[name]:
                    conn.execute(insert(table), batch[name])
    filled.fill_s += time.perf_counter() - began


def _copy(template: Template, filled: Filled, batch: dict[str, list[dict[str, Any]]],
          now: datetime, rng: random.Random) -> None:
    iid = filled.next_id
    filled.next_id += 1
    prefix = f"{iid:08x}"
    rename = _renamed(prefix)
    source = template.instance
    if template.open:
        # The open cases' timers are in their state as made (minutes ago): their dates
        # stay; only when they were received moves back into the last weeks.
        at = now - timedelta(seconds=rng.uniform(0, RECENT.total_seconds()))
    else:
        at = now - RECENT - timedelta(seconds=rng.uniform(0, HISTORY.total_seconds()))
    delta = at - source["created_at"]
    title = (f"{rng.choice(WHAT)}{rng.choice(GOODS)}{rng.choice(WHERE)} เรื่องที่ {iid}"
             if template.complaint else f"ขอเผยแพร่{rng.choice(GOODS)} เรื่องที่ {iid}")
    row = dict(source, id=iid, title=title, state=_state(template, prefix),
               received_on=at.astimezone(BANGKOK).date())
    if template.complaint:
        filled.report_cases += REPORT_DAYS[0] <= row["received_on"] <= REPORT_DAYS[1]
    else:
        filled.log_requests += LOG_MONTH[0] <= row["received_on"] <= LOG_MONTH[1]
    if not template.open:
        for key in ("created_at", "updated_at", "ended_at"):
            row[key] = _shift(row[key], delta)
    else:
        row["created_at"] = at
    batch["process_instance"].append(row)
    for task in template.rows["task"]:
        copy = dict(task, id=rename(task["id"]), instance_id=iid, title=title,
                    received_on=row["received_on"])
        if template.open:
            # Some of the open steps are overdue, as in any office.
            copy["due_at"] = now + timedelta(days=rng.uniform(-20, 10))
        else:
            for key in ("created_at", "due_at", "completed_at"):
                copy[key] = _shift(copy[key], delta)
        batch["task"].append(copy)
    for timer in template.rows["due_timer"]:
        copy = dict(timer, id=rename(timer["id"]), instance_id=iid)
        if not template.open:  # a waiting timer's due time is in the state: it stays
            copy["due_at"] = _shift(copy["due_at"], delta)
            copy["fired_at"] = _shift(copy["fired_at"], delta)
        batch["due_timer"].append(copy)
    for event in template.rows["audit_event"]:
        copy = {k: v for k, v in event.items() if k != "id"}
        copy.update(instance_id=iid, task_id=rename(event["task_id"]),
                    at=_shift(event["at"], delta) if not template.open else event["at"])
        batch["audit_event"].append(copy)
    batch["personal_name_term"].extend(dict(t, instance_id=iid)
                                       for t in template.rows["personal_name_term"])
    if template.complaint and iid % 3 == 0:
        batch["tracking_code"].append({"instance_id": iid, "code": _tracking(iid),
                                       "secret_hash": "0" * 64, "created_at": at})
        filled.searched_code = _tracking(iid)
    for item in template.rows["publication"]:
        filled.publication_id += 1
        category = _choose(rng, CATEGORIES)
        good = rng.choice(GOODS)
        if item["status"] == "published" and filled.rare_items < RARE_ITEMS:
            category, good = BUSIEST, RARE_WORD
            filled.rare_items += 1
        filled.published_busiest += category == BUSIEST
        batch["publication"].append(dict(
            item, id=filled.publication_id, instance_id=iid, category=category,
            title=f"ประกาศ{good} เรื่องที่ {iid}", details=f"รายละเอียดการจัดหา{good}",
            published_at=_shift(item["published_at"], delta)))


# ----------------------------------------------------------------------------- runtime


@contextmanager
def runtime(backend: str, tmp: Path) -> Iterator[Runtime]:
    """A fresh database: a SQLite file, or a schema of its own on PostgreSQL (dropped)."""
    schema = None
    url = None
    if backend == "postgresql":
        from sqlalchemy import create_engine

        schema = f"gf_growth_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL)
        try:
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        except Exception as exc:  # noqa: BLE001 - say what is missing, not a traceback
            raise BenchError(f"PostgreSQL at {PG_URL} is not reachable: "
                             f"{type(exc).__name__}") from None
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    rt = Runtime(Settings(instance_dir=tmp / "instance", processes_dir=processes_dir(tmp),
                          database_url=url))
    try:
        yield rt
    finally:
        rt.close()
        if schema is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


# ---------------------------------------------------------------------------- measuring


class Paths:
    """The timed calls at one size, each checked as it runs (``seen``)."""

    def __init__(self, rt: Runtime, users: dict[str, Actor], filled: Filled,
                 backup_dir: Path, started_at: datetime) -> None:
        self.rt = rt
        self.users = users
        self.filled = filled
        self.backup_dir = backup_dir
        self.owner = scheduler_id()
        self.fire_at = started_at
        self.fired: list[int] = []
        from webui import create_app

        app = create_app(runtime=rt)
        app.config.update(TESTING=True, RATELIMIT_ENABLED=False)
        self.client = app.test_client()

    def fns(self, check_all_too: bool) -> tuple[dict[str, Callable[[], Any]],
                                                dict[str, Callable[[], Any]]]:
        rt, users = self.rt, self.users
        officer, director = users["legal_officer"], users["director"]

        def baseline() -> Any:
            with rt.db.engine.connect() as conn:
                return len(conn.execute(text(BASELINE_SQL)).all())

        def start_and_step() -> Any:
            view = instances.start_instance(rt, officer, "complaint", dict(COMPLAINT))
            done = tasks.complete_task(rt, officer, view["tasks"][0]["id"],
                                       {"screening_outcome": "accept"})
            return len(done["next_tasks"])

        def inbox_clerk() -> Any:
            tasks.count_tasks(rt, officer)
            return len(tasks.list_tasks(rt, officer, "group", sort="due")["tasks"])

        def inbox_overdue() -> Any:
            return len(tasks.list_tasks(rt, director, "all", overdue=True, sort="-due")["tasks"])

        def search(**conditions: Any) -> Callable[[], Any]:
            return lambda: search_cases(rt, director, CaseFilters(**conditions))["total"]

        def scheduler_idle() -> Any:
            report = tick(rt, self.owner)
            return report.claimed

        def scheduler_fire() -> Any:
            # One bench case's timer falls due per call (see prepare_fire).
            self.fire_at += timedelta(minutes=1)
            self._clock.move_to(self.fire_at + timedelta(seconds=1))
            report = tick(rt, self.owner)
            rt.workflows = WorkflowCache()  # as a scheduler process that served no command
            return report.fired

        def page(url: str, listing: bool = False) -> Callable[[], Any]:
            def get() -> Any:
                response = self.client.get(url)
                if response.status_code != 200:
                    raise BenchError(f"{url} answered {response.status_code}")
                if not listing:
                    return len(response.get_data())
                # A listing answers the total it reports ("… of N items"): its result set.
                found = LISTED.search(response.get_data(as_text=True))
                return int(found.group(1)) if found else 0
            return get

        month = Period(*LOG_MONTH)

        def log_month() -> Any:
            return len(publication_log(rt, director, month).records)

        def report() -> Any:
            return len(complaint_report(rt, None, *REPORT_PERIOD).cases)

        def check() -> Any:
            found = check_all(rt, since=datetime.now(UTC) - timedelta(days=7))
            if not found.ok:
                raise BenchError(f"check: {found.mismatches[:3]}")
            return found.instances

        def check_everything() -> Any:
            found = check_all(rt)
            if not found.ok:
                raise BenchError(f"check --all: {found.mismatches[:3]}")
            return found.instances

        def backup() -> Any:
            path = self.backup_dir / "growth-backup.tar.gz"
            result = backup_service.backup(rt.settings, path)
            size = path.stat().st_size
            path.unlink()
            return sum(result.manifest["row_counts"].values()) and size

        fast = {
            "baseline": baseline,
            "start_and_step": start_and_step,
            "inbox_clerk": inbox_clerk,
            "inbox_overdue": inbox_overdue,
            "search_code": search(tracking_code=self.filled.searched_code),
            "search_subject": search(text=self.filled.rare_fragment),
            "scheduler_idle": scheduler_idle,
            "scheduler_fire": scheduler_fire,
            "public_category": page(f"/public/{BUSIEST}", listing=True),
            "public_search": page(f"/public/{BUSIEST}?q={SEARCH_WORD}", listing=True),
            "public_search_rare": page(f"/public/{BUSIEST}?q={RARE_WORD}", listing=True),
            "public_feed": page(f"/public/{BUSIEST}/feed.atom"),
            "publication_log": log_month,
        }
        slow: dict[str, Callable[[], Any]] = {
            "baseline": baseline, "report": report, "check": check, "backup": backup}
        if check_all_too:
            slow["check_all"] = check_everything
        return fast, slow

    def prepare_fire(self, count: int) -> None:
        """``count`` bench cases whose timer falls due one minute after another from
        :attr:`fire_at` (the clock is frozen there while the paths are timed)."""
        self._clock: clock.Clock
        officer = self.users["legal_officer"]
        for i in range(count):
            due = self.fire_at + timedelta(minutes=i + 1)
            instances.start_instance(self.rt, officer, BENCH_KEY, {"due_at": due.isoformat()})


EXPECT = {
    "baseline": lambda r, f: r == 50 or f.open_cases < 200,
    "start_and_step": lambda r, f: r == 1,
    "inbox_clerk": lambda r, f: r > 0,
    "inbox_overdue": lambda r, f: r > 0,
    "search_code": lambda r, f: r == 1,
    "search_subject": lambda r, f: r == 1,
    "scheduler_idle": lambda r, f: r == 0,
    "scheduler_fire": lambda r, f: r == 1,
    "public_category": lambda r, f: 0 < r <= f.published_busiest,
    "public_search": lambda r, f: r > 0,
    "public_search_rare": lambda r, f: r == f.rare_items == RARE_ITEMS,
    "public_feed": lambda r, f: r > 0,
    "publication_log": lambda r, f: r == f.log_requests,
    "report": lambda r, f: r == f.report_cases,
    "check": lambda r, f: r >= f.open_cases,
    "check_all": lambda r, f: r >= f.cases,
    "backup": lambda r, f: r > 0,
}


def _percentiles(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    out = {}
    for name, values in samples.items():
        ordered = sorted(values)
        out[name] = {"p50": sig3(statistics.median(ordered)),
                     "p95": sig3(nearest_rank(ordered, 0.95)), "runs": len(ordered)}
    return out


def measure_size(paths: Paths, repeat: int, budget_s: float, slow_repeat: int,
                 check_all_too: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    fast, slow = paths.fns(check_all_too)
    results: dict[str, Any] = {}
    problems: list[str] = []

    def seen(name: str, result: Any) -> None:
        results[name] = result
        if not EXPECT[name](result, paths.filled):
            problems.append(f"{name} returned {result!r}")

    paths.prepare_fire(repeat + 2)
    with clock.frozen(paths.fire_at) as frozen:
        paths._clock = frozen
        # Timers the last size's rounds did not get to are due by now: fire them first,
        # so each timed firing pass fires exactly one.
        while tick(paths.rt, paths.owner).claimed:
            pass
        paths.rt.workflows = WorkflowCache()
        timed = measure_rounds(fast, repeat, budget_s, min_rounds=5, seen=seen)
    heavy = measure_rounds(slow, slow_repeat, budget_s, min_rounds=1, seen=seen)
    if problems:
        raise BenchError("; ".join(sorted(set(problems))[:5]))
    ms = _percentiles(timed)
    base = ms["baseline"]
    ms.update({k: v for k, v in _percentiles(heavy).items() if k != "baseline"})
    ms["baseline_heavy"] = _percentiles(heavy)["baseline"]
    ms["baseline"] = base
    return ms, results


# ------------------------------------------------------------------------------- growth


def classify(sizes: list[int], medians: list[float],
             baselines: list[float] | None = None) -> dict[str, Any]:
    """flat / log / linear from the medians at each size (see the module's docstring).
    ``baselines`` (the baseline's medians at each size) add ``ratio_last_vs_baseline``:
    the same ratio with the baseline's own change between the sizes divided out, which
    tells a path that grew from a machine that got busier between the two sizes."""
    if len(sizes) < 2:
        return {"class": "unknown"}
    ratio = medians[-1] / max(medians[-2], 1e-9)
    extra = {}
    if baselines is not None:
        extra["ratio_last_vs_baseline"] = round(
            ratio / max(baselines[-1] / max(baselines[-2], 1e-9), 1e-9), 2)
    exponent = math.log(max(ratio, 1e-9)) / math.log(sizes[-1] / sizes[-2])
    xs = [math.log(s) for s in sizes]
    mx, my = statistics.fmean(xs), statistics.fmean(medians)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, medians, strict=True)) / sxx
    a = my - b * mx
    residual = math.sqrt(statistics.fmean(
        [(a + b * x - y) ** 2 for x, y in zip(xs, medians, strict=True)])) / max(my, 1e-9)
    if ratio > 1.5:
        kind = "linear"
    elif medians[-1] <= 1.25 * medians[0]:
        kind = "flat"
    else:
        kind = "log"
    return {"class": kind, "ratio_last": round(ratio, 2), "exponent": round(exponent, 2),
            "log_fit": round(residual, 3), **extra}


def plot(out: Path, name: str, sizes: list[int], per_size: dict[int, dict[str, Any]],
         kind: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [s for s in sizes if name in per_size[s]["ms"]]
    fig, ax = plt.subplots(figsize=(4.5, 3.2), dpi=100)
    ax.plot(xs, [per_size[s]["ms"][name]["p50"] for s in xs], "o-", label=f"{name} p50")
    ax.plot(xs, [per_size[s]["ms"][name]["p95"] for s in xs], "x:", label="p95", alpha=0.6)
    base = "baseline_heavy" if name in HEAVY else "baseline"
    ax.plot(xs, [per_size[s]["ms"][base]["p50"] for s in xs], "s--", label="baseline p50")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("cases")
    ax.set_ylabel("ms")
    ax.set_title(f"{name}: {kind}")
    ax.legend(fontsize=7)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    path = out / f"{name}.png"
    fig.savefig(path)
    plt.close(fig)
    return path


# --------------------------------------------------------------------------------- main


def parse_sizes(raw: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {raw!r}") from None
    if not sizes or sizes[0] < 100 or sizes[-1] > MAX_SIZE:
        raise argparse.ArgumentTypeError(f"sizes go from 100 to {MAX_SIZE:,}")
    return sizes


def run(args: argparse.Namespace) -> dict[str, Any]:
    sizes: list[int] = args.sizes
    rng = random.Random(18)
    per_size: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="govflow-growth-") as tmp_name:
        tmp = Path(tmp_name)
        with runtime(args.backend, tmp) as rt:
            upgrade(rt.db)
            report = deploy(rt)
            if not report.ok:
                raise BenchError("deploy failed")
            users = {role: add_user(rt, role, [role], unit) for role, unit in ROLES.items()}
            templates = make_templates(rt, users)
            filled = Filled()
            fire_from = datetime.now(UTC)
            for size in sizes:
                open_target = min(args.open, size // 4)
                fill(rt, templates, filled, size, open_target, rng)
                # The newest id has the most digits: no other title holds it.
                filled.rare_fragment = f"เรื่องที่ {filled.next_id - 1}"
                _align_sequences(rt)
                # The firing pass's timers fall due one a minute from here, after any an
                # earlier size scheduled (those still waiting are fired first).
                fire_from = max(datetime.now(UTC), fire_from)
                paths = Paths(rt, users, filled, tmp, fire_from)
                ms, _results = measure_size(
                    paths, args.repeat, args.budget, args.slow_repeat,
                    check_all_too=size <= args.check_all_max)
                fire_from += timedelta(minutes=args.repeat + 3)
                per_size[size] = {"cases": filled.cases, "open": filled.open_cases,
                                  "fill_s": round(filled.fill_s, 1), "ms": ms,
                                  "rows": {k: _results[k] for k in ROWS if k in _results}}
                print(f"  {size:>9,} cases (open {filled.open_cases}, filled in "
                      f"{filled.fill_s:.1f} s): " + ", ".join(
                          f"{k} {v['p50']}" for k, v in ms.items()), file=sys.stderr)
            backend = rt.db.dialect
    growth = {}
    detail = {}
    for name in PATHS:
        xs = [s for s in sizes if name in per_size[s]["ms"]]
        base = "baseline_heavy" if name in HEAVY else "baseline"
        fit = classify(xs, [per_size[s]["ms"][name]["p50"] for s in xs],
                       [per_size[s]["ms"][base]["p50"] for s in xs])
        counted = [per_size[s]["rows"].get(name) for s in xs]
        if len(xs) >= 2 and counted[-1] is not None and counted[-2]:
            fit["rows_ratio_last"] = round(counted[-1] / counted[-2], 2)
        growth[name] = fit["class"]
        detail[name] = fit
    return {"bench": "growth", "backend": backend, "sizes": sizes, "open_cases": args.open,
            "per_size": {str(s): v for s, v in per_size.items()}, "growth": growth,
            "growth_detail": detail, "linear_by_design": LINEAR_BY_DESIGN}


def _align_sequences(rt: Runtime) -> None:
    """On PostgreSQL, the id sequences past the ids the bulk insert gave, and a VACUUM
    ANALYZE, as autovacuum would have run on a database that grew over years: planner
    statistics for the new rows, and a visibility map so that index-only scans (the
    counts) need not visit the table. SQLite needs neither."""
    if rt.db.dialect != "postgresql":
        return
    with rt.db.write() as session:
        for table in ("process_instance", "publication", "audit_event"):
            session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"))
    with rt.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # This schema's tables only: the database may hold others' (the tests' schemas).
        tables = conn.execute(text("SELECT tablename FROM pg_tables "
                                   "WHERE schemaname = current_schema()")).scalars().all()
        conn.execute(text("VACUUM (ANALYZE) " + ", ".join(f'"{t}"' for t in tables)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES),
                        help="cases to fill, comma-separated (default 1000,10000,100000; "
                        "up to 1,000,000 on PostgreSQL only)")
    parser.add_argument("--quick", action="store_true", help="sizes 1000,10000 (smoke use)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--open", type=int, default=300,
                        help="open cases at every size (at most a quarter of the size)")
    parser.add_argument("--repeat", type=int, default=30, help="rounds of the fast paths")
    parser.add_argument("--slow-repeat", type=int, default=3,
                        help="rounds of the report, check and backup")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds per size for each group of rounds")
    parser.add_argument("--check-all-max", type=int, default=10_000,
                        help="time check --all (every case) up to this size")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the PNG plots (default: a new temporary folder)")
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = list(QUICK_SIZES)
    if args.backend == "sqlite" and args.sizes[-1] > SQLITE_MAX:
        parser.error(f"sizes above {SQLITE_MAX:,} are for --backend postgresql")
    if args.sizes[-1] > SQLITE_MAX and os.environ.get("CI"):
        parser.error(f"sizes above {SQLITE_MAX:,} are not run under CI")
    if not args.no_plots:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("growth: the plots need matplotlib, in the bench extras: "
                  "pip install -e '.[bench]'  (or run with --no-plots)", file=sys.stderr)
            return 2
    logging_quiet()
    try:
        result = run(args)
    except BenchError as exc:
        print(f"growth: FAILED: {exc}", file=sys.stderr)
        return 1
    if not args.no_plots:
        out = args.out or Path(tempfile.mkdtemp(prefix="govflow-growth-plots-"))
        out.mkdir(parents=True, exist_ok=True)
        result["plots"] = [str(plot(out, name, args.sizes,
                                    {int(k): v for k, v in result["per_size"].items()},
                                    result["growth"][name]))
                           for name in PATHS if result["growth"][name] != "unknown"]
        print(f"plots in {out}", file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def logging_quiet() -> None:
    """The engine's info lines (each fired timer) would drown the summary."""
    import logging

    logging.getLogger("engine").setLevel(logging.WARNING)


if __name__ == "__main__":
    sys.exit(main())
