"""How fast the inbox answers with 10,000 open tasks.

Fills a fresh SQLite database (the embedded default) with N open tasks spread over
both processes, roles, units and due dates; the legal officer holds (has claimed)
``--claimed`` of them. Then times, in rounds that call every measurement once in turn
(``bench/timing.py``), so a load that comes and goes falls on all of them alike:

* ``service``: ``count_tasks`` + ``list_tasks`` of the group view (first page, 50 rows,
  sorted by due), what the inbox page asks the engine for;
* ``service_mine``: the same for the officer's own tasks (the "mine" view);
* ``supervisor_all_overdue``, ``last_page``: the director's overdue tasks, the group
  view's last page;
* ``page_mine``, ``page_group``, ``page_all``: the whole ``/inbox?view=…`` HTML page
  through the Flask test client, signed in (the officer; the director for ``all``);
* ``baseline_sql``, ``baseline_sql_mine``: the group and mine views' count and first
  page as plain SQL on ``sqlite3``, no ORM, no rendering: the floor the inbox is
  measured against.

Each page is checked before it is timed: it must list as many task rows as the
engine says the view's first page holds (50 at the default sizes), so no figure is an
empty page's.

Usage: ``.venv/bin/python bench/inbox_speed.py [-n 10000] [--claimed 120] [--repeat 50]``.
The last line printed is one JSON object. The goal is page p95 < 100 ms at N=10,000.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from timing import measure_rounds, nearest_rank

from engine.core.actors import Actor
from engine.core.config import REPO_ROOT, Settings
from engine.core.models import ProcessInstance, ProcessVersion, Task
from engine.core.schema import upgrade
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user
from engine.services.inbox import tasks
from engine.workflow.runtime import Runtime

ROLES = ("legal_officer", "director", "web_admin", "ict_head", "staff", "legal_head")
PAGE = 50
#: A task row of the inbox table: its link to the task page (nowhere else on the page).
TASK_LINK = re.compile(r'href="/tasks/[0-9a-f-]{36}"')


class BenchError(Exception):
    pass


def fill(rt: Runtime, n: int, holder: Actor, claimed: int) -> None:
    """Insert ``n`` cases with one open task each, in bulk (this is set-up, not measured);
    the first ``claimed`` legal-officer tasks are held by ``holder``."""
    now = datetime.now(UTC)
    with rt.db.write() as session:
        versions = dict(session.execute(
            select(ProcessVersion.process_key, ProcessVersion.id)
            .where(ProcessVersion.is_current.is_(True))).tuples().all())
        conn = session.connection()
        instances = []
        for i in range(n):
            key = "complaint" if i % 2 else "publishing"
            instances.append({
                "id": i + 1, "process_key": key, "version_id": versions[key],
                "status": "running", "title": f"เรื่องที่ {i + 1}", "revision": 1,
                "serializer_version": "1.5", "state": "", "created_at": now,
                "updated_at": now, "received_on": date(2026, 10, 1) + timedelta(days=i % 60),
            })
        conn.execute(insert(ProcessInstance.__table__), instances)
        rows = []
        held = 0
        for i in range(n):
            role = ROLES[i % len(ROLES)]
            mine = role == "legal_officer" and held < claimed
            held += mine
            rows.append({
                "id": str(uuid.uuid4()), "instance_id": i + 1,
                "process_key": instances[i]["process_key"], "bpmn_id": "triage",
                "name": "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น", "lane_id": "lane",
                "lane_name": "ช่อง", "role": role, "unit_id": None, "title": f"เรื่องที่ {i + 1}",
                "state": "open", "assignee_id": holder.id if mine else None,
                "assignee_name": holder.username if mine else None,
                "assignee_display": holder.display_name if mine else None,
                "received_on": instances[i]["received_on"],
                "created_at": now - timedelta(minutes=i),
                "due_at": now + timedelta(hours=(i % 400) - 100),
                "completed_at": None, "completed_by_id": None,
            })
        conn.execute(insert(Task.__table__), rows)


def baseline_query(path: Path, *, mine_of: int | None = None) -> Callable[[], Any]:
    """The view's count and first page as plain SQL: the group view of a legal officer,
    or (``mine_of``) the tasks held by that user id."""
    connection = sqlite3.connect(path)
    if mine_of is None:
        where = ("state = 'open' AND assignee_id IS NULL AND role IN (?) "
                 "AND (unit_id IS NULL OR unit_id = ?)")
        params: tuple[Any, ...] = ("legal_officer", 1)
    else:
        where, params = "state = 'open' AND assignee_id = ?", (mine_of,)
    sql = (f"SELECT * FROM task WHERE {where} ORDER BY due_at IS NULL, due_at, created_at, id "
           f"LIMIT {PAGE}")
    count = f"SELECT count(*) FROM task WHERE {where}"

    def run() -> Any:
        connection.execute(count, params).fetchone()
        return connection.execute(sql, params).fetchall()

    return run


def page_timer(rt: Runtime, username: str, view: str) -> Callable[[], str]:
    """The /inbox page of one view for a signed-in user; returns the page's HTML."""
    from webui import create_app

    app = create_app(runtime=rt)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    client = app.test_client()
    from engine.services.admin.users import actor_by_username

    actor = actor_by_username(rt, username)
    with client.session_transaction() as session:
        session["_user_id"] = str(actor.id)
        session["_fresh"] = True

    def run() -> str:
        response = client.get(f"/inbox?view={view}")
        if response.status_code != 200:
            raise BenchError(f"/inbox?view={view} answered {response.status_code}")
        return response.get_data(as_text=True)

    return run


def listed_rows(html: str) -> int:
    return len(TASK_LINK.findall(html))


def check_page(name: str, html: str, expected: int) -> None:
    """The page must list the rows it is timed for, not an empty or a wrong view."""
    found = listed_rows(html)
    if found != expected:
        raise BenchError(f"{name}: the page lists {found} task rows, expected {expected}")


def figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(nearest_rank(ordered, 0.95), 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--claimed", type=int, default=120,
                        help="legal-officer tasks the officer holds (the 'mine' view)")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--budget", type=float, default=120, help="seconds for the rounds")
    args = parser.parse_args(argv)
    try:
        results = run(args)
    except BenchError as exc:
        print(f"inbox_speed: FAILED: {exc}", file=sys.stderr)
        return 1
    for key, value in results.items():
        if isinstance(value, dict):
            print(f"  {key:<24} {value}", file=sys.stderr)
    print(json.dumps(results, ensure_ascii=False))
    return 0


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="govflow-inbox-") as tmp:
        settings = Settings(instance_dir=Path(tmp), processes_dir=REPO_ROOT / "processes")
        rt = Runtime(settings)
        try:
            return measure(rt, Path(tmp) / "govflow.db", args)
        finally:
            rt.close()


def measure(rt: Runtime, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    upgrade(rt.db)
    deploy(rt)
    officer = add_user(rt, "officer", ["legal_officer"], "LEGAL")
    director = add_user(rt, "boss", ["director"], "DIR")
    officers_tasks = sum(1 for i in range(args.n) if ROLES[i % len(ROLES)] == "legal_officer")
    claimed = min(args.claimed, officers_tasks)
    fill(rt, args.n, officer, claimed)
    expected = {"mine": claimed, "group": officers_tasks - claimed, "all": args.n}
    counts = tasks.count_tasks(rt, officer)
    for view in ("mine", "group"):
        if counts[view] != expected[view]:
            raise BenchError(f"count of '{view}': {counts[view]} != {expected[view]}")

    def service(view: str) -> Callable[[], Any]:
        def run() -> Any:
            tasks.count_tasks(rt, officer)
            return tasks.list_tasks(rt, officer, view, sort="due")
        return run

    pages = {"page_mine": page_timer(rt, "officer", "mine"),
             "page_group": page_timer(rt, "officer", "group"),
             "page_all": page_timer(rt, "boss", "all")}
    for name, page in pages.items():
        view = name.removeprefix("page_")
        check_page(name, page(), min(expected[view], PAGE))
    last_offset = ((expected["group"] - 1) // PAGE) * PAGE
    fns: dict[str, Callable[[], Any]] = {
        "service": service("group"),
        "service_mine": service("mine"),
        "supervisor_all_overdue": lambda: tasks.list_tasks(
            rt, director, "all", overdue=True, sort="-due"),
        "last_page": lambda: tasks.list_tasks(rt, officer, "group", offset=last_offset),
        "baseline_sql": baseline_query(path),
        "baseline_sql_mine": baseline_query(path, mine_of=officer.id),
        **pages,
    }
    wanted_rows = {
        "service": min(expected["group"], PAGE), "service_mine": min(expected["mine"], PAGE),
        "last_page": expected["group"] - last_offset, "baseline_sql": min(expected["group"], PAGE),
        "baseline_sql_mine": min(expected["mine"], PAGE),
        **{name: min(expected[name.removeprefix("page_")], PAGE) for name in pages},
    }

    def seen(name: str, result: Any) -> None:
        # What each call returned is checked, not only the first call's.
        if name not in wanted_rows:
            return
        if isinstance(result, str):
            found = listed_rows(result)
        elif isinstance(result, dict):
            found = len(result["tasks"])
        else:
            found = len(result)
        if found != wanted_rows[name]:
            raise BenchError(f"{name} listed {found} rows, expected {wanted_rows[name]}")

    samples = measure_rounds(fns, args.repeat, args.budget, min_rounds=min(10, args.repeat),
                             seen=seen)
    results: dict[str, Any] = {"n_open_tasks": args.n, "claimed_by_officer": claimed,
                               "rows": {"mine": expected["mine"], "group": expected["group"]},
                               "rounds": len(samples["service"])}
    results.update({name: figures(values) for name, values in samples.items()})
    results["service_vs_baseline"] = round(
        results["service"]["p50_ms"] / max(results["baseline_sql"]["p50_ms"], 0.001), 1)
    results["page_rows"] = {name: wanted_rows[name] for name in pages}
    return results


if __name__ == "__main__":
    sys.exit(main())
