"""Shared fixtures: a fresh database per test, on SQLite and (when reachable) PostgreSQL.

PostgreSQL tests use ``GOVFLOW_TEST_POSTGRES_URL`` (default: the local server on
127.0.0.1:5432, database ``test``). Without a server they skip with the reason;
under CI (``CI=true``, set by .ci/run) a missing server is a failure, because CI must test
both. The same holds for Redis, Debian's chromium and the shared BPMN corpora.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from engine.core import clock
from engine.core.actors import Actor
from engine.core.config import REPO_ROOT, Settings
from engine.core.schema import upgrade
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime
from tests.mail_support import Inbox, free_port

PG_URL = os.environ.get(
    "GOVFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PROCESSES = REPO_ROOT / "processes"
#: argon2's cheapest profile (engine.core.passwords): the default costs a fifth of a second
#: per hash and per sign-in, which over the suite's thousand sign-ins was minutes. Set in the
#: environment too, for the servers and CLI commands the tests start; the load test keeps
#: the office's default, so its sign-ins cost what they cost in the office.
TEST_PASSWORD_PROFILE = "cheapest"
os.environ["GOVFLOW_PASSWORD_PROFILE"] = TEST_PASSWORD_PROFILE
#: BPMN files nobody here wrote (the MIWG test suite, modelers' examples); CI copies
#: shared/ beside the clone.
CORPORA = REPO_ROOT.parent / "shared" / "corpora"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Under ``--dist loadgroup`` (make test), an xdist worker must see a grouped test with
    its group in the node id: that is how pytest-xdist keeps a group on one worker. A pytest
    or xdist release that loses the suffix would let the tests that share Redis's counters
    run side by side, silently: such a test fails instead, saying why."""
    if (item.config.getoption("loadgroup", default=False)
            and item.get_closest_marker("xdist_group") and "@" not in item.nodeid):
        pytest.fail("pytest-xdist dropped this test's xdist_group: this pytest and "
                    "pytest-xdist do not group (see the pytest pin in pyproject.toml)",
                    pytrace=False)


def missing(problem: str, tests: str) -> NoReturn:
    """Skip for want of a server, browser or files, except under CI, which must run them."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the {tests}: {problem}")
    pytest.skip(problem)


@cache  # asked once, and only by a test that needs the server (tests/unit never does)
def _postgres_problem() -> str | None:
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}"
    return None


def require_postgres() -> None:
    problem = _postgres_problem()
    if problem is not None:
        missing(problem, "PostgreSQL tests")


REDIS_URL = os.environ.get("GOVFLOW_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def require_redis() -> None:
    """Redis shares rate-limit counters between workers; CI must run those tests."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing(f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}",
                "shared rate-limit tests")


@pytest.fixture
def corpora() -> Path:
    """The shared corpora folder (tests that read it: ``@pytest.mark.usefixtures``)."""
    if not CORPORA.is_dir():
        missing(f"shared corpora not found at {CORPORA} (CI copies shared/ beside the clone)",
                "corpus tests")
    return CORPORA


def corpus_params(files: list[Path]) -> list[Any]:
    """Test parameters over corpus files; without the corpora, one parameter that the
    ``corpora`` fixture skips, or fails under CI (an empty list would skip even there)."""
    return list(files) or [pytest.param(None, id="no-corpora")]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a schema of this test's own, dropped after."""
    require_postgres()
    schema = f"gf_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def make_runtime(tmp_path: Path, database_url: str | None = None,
                 processes_dir: Path = PROCESSES) -> Runtime:
    settings = Settings(
        instance_dir=tmp_path / "instance",
        processes_dir=processes_dir,
        database_url=database_url,
        password_profile=TEST_PASSWORD_PROFILE,
    )
    runtime = Runtime(settings)
    upgrade(runtime.db)
    return runtime


#: Friday 4 December 2026 (2569 BE), 10:00 in Bangkok: the day tests/samples.py's
#: complaint arrives (its received_at). A received date in the future or more than
#: GOVFLOW_RECEIVED_DATE_MAX_YEARS back is refused, so tests that file it run on it.
SAMPLE_DAY = datetime(2026, 12, 4, 10, 0, tzinfo=BANGKOK)


@pytest.fixture
def sample_day() -> Iterator[clock.Clock]:
    """The engine clock at SAMPLE_DAY (``pytestmark = pytest.mark.usefixtures(...)``)."""
    with clock.frozen(SAMPLE_DAY) as now:
        yield now


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    """The database URL for this test: None means the embedded SQLite default."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg_url")


@pytest.fixture
def runtime(tmp_path: Path, backend: str | None) -> Iterator[Runtime]:
    rt = make_runtime(tmp_path, backend)
    report = deploy(rt)
    assert report.ok, [p.format("en") for p in report.problems]
    yield rt
    rt.close()


@pytest.fixture
def sqlite_runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = make_runtime(tmp_path)
    report = deploy(rt)
    assert report.ok, [p.format("en") for p in report.problems]
    yield rt
    rt.close()


class People:
    """One user per role, and staff in two units, so unit rules can be tested."""

    def __init__(self, rt: Runtime) -> None:
        self.staff = add_user(rt, "staff_plan", ["staff"], "PLAN", display_name="เจ้าหน้าที่แผน")
        self.staff_other_unit = add_user(rt, "staff_hr", ["staff"], "HR")
        self.director = add_user(rt, "director", ["director"], "DIR")
        self.web_admin = add_user(rt, "web_admin", ["web_admin"], "ICT")
        self.ict_head = add_user(rt, "ict_head", ["ict_head"], "ICT")
        self.legal_officer = add_user(rt, "legal_officer", ["legal_officer"], "LEGAL")
        self.legal_officer2 = add_user(rt, "legal_officer2", ["legal_officer"], "LEGAL")
        self.legal_head = add_user(rt, "legal_head", ["legal_head"], "LEGAL")
        self.admin = add_user(rt, "admin", ["admin"], "ADMIN")

    def all(self) -> dict[str, Actor]:
        return {k: v for k, v in vars(self).items() if isinstance(v, Actor)}


@pytest.fixture
def people(runtime: Runtime) -> People:
    return People(runtime)


@pytest.fixture
def own_copy(tmp_path: Path) -> Iterator[tuple[Runtime, People, Actor, Path]]:
    """A runtime on a copy of processes/ (uploads never touch the repository's files),
    with people and a process owner."""
    import shutil

    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES, folder)
    rt = make_runtime(tmp_path, processes_dir=folder)
    deploy(rt)
    people = People(rt)
    owner = add_user(rt, "owner", ["process_owner"], "ICT", display_name="ผู้ดูแลกระบวนงาน")
    yield rt, people, owner, folder
    rt.close()


@pytest.fixture
def smtp():
    """A real SMTP server on loopback: (controller, inbox of received messages)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()
