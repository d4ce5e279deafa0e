"""How fast the inbox answers with 10,000 open tasks.

Fills a fresh SQLite database (the embedded default) with N open tasks spread over
both processes, roles, units and due dates, then times, over repeated runs:

* ``service``: ``count_tasks`` + ``list_tasks`` (first page, 50 rows, sorted by due),
  what the inbox page asks the engine for;
* ``page``: the whole ``/inbox`` HTML page through the Flask test client, signed in;
* ``baseline``: the same first-page query as plain SQL on ``sqlite3``, no ORM, no
  rendering: the floor the inbox is measured against.

Usage: ``.venv/bin/python bench/inbox_speed.py [-n 10000] [--repeat 50]``.
The last line printed is one JSON object. The goal is page p95 < 100 ms at N=10,000.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from engine.core.config import REPO_ROOT, Settings
from engine.core.models import ProcessInstance, ProcessVersion, Task
from engine.core.schema import upgrade
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user
from engine.services.inbox import tasks
from engine.workflow.runtime import Runtime

ROLES = ("legal_officer", "director", "web_admin", "ict_head", "staff", "legal_head")


def fill(rt: Runtime, n: int) -> None:
    """Insert ``n`` cases with one open task each, in bulk (this is set-up, not measured)."""
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
        for i in range(n):
            role = ROLES[i % len(ROLES)]
            rows.append({
                "id": str(uuid.uuid4()), "instance_id": i + 1,
                "process_key": instances[i]["process_key"], "bpmn_id": "triage",
                "name": "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น", "lane_id": "lane",
                "lane_name": "ช่อง", "role": role, "unit_id": None, "title": f"เรื่องที่ {i + 1}",
                "state": "open", "assignee_id": None, "assignee_name": None,
                "assignee_display": None, "received_on": instances[i]["received_on"],
                "created_at": now - timedelta(minutes=i),
                "due_at": now + timedelta(hours=(i % 400) - 100),
                "completed_at": None, "completed_by_id": None,
            })
        conn.execute(insert(Task.__table__), rows)


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    fn()  # warm caches (parsed specs, compiled statements, templates)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
    }


def baseline_query(path: Path) -> Callable[[], Any]:
    connection = sqlite3.connect(path)
    sql = (
        "SELECT * FROM task WHERE state = 'open' AND assignee_id IS NULL AND role IN (?) "
        "AND (unit_id IS NULL OR unit_id = ?) ORDER BY due_at IS NULL, due_at, created_at "
        "LIMIT 50"
    )
    count = (
        "SELECT count(*) FROM task WHERE state = 'open' AND assignee_id IS NULL AND role IN (?) "
        "AND (unit_id IS NULL OR unit_id = ?)"
    )

    def run() -> Any:
        connection.execute(count, ("legal_officer", 1)).fetchone()
        return connection.execute(sql, ("legal_officer", 1)).fetchall()

    return run


def page_timer(rt: Runtime, username: str) -> Callable[[], Any] | None:
    """The /inbox page for a signed-in user, if the web UI has one."""
    try:
        from webui import create_app
    except ImportError:
        return None
    app = create_app(runtime=rt)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    if "inbox.index" not in app.view_functions and not any(
        r.rule == "/inbox" for r in app.url_map.iter_rules()
    ):
        return None
    client = app.test_client()
    from engine.services.admin.users import actor_by_username

    actor = actor_by_username(rt, username)
    with client.session_transaction() as session:
        session["_user_id"] = str(actor.id)
        session["_fresh"] = True

    def run() -> Any:
        response = client.get("/inbox?tab=group")
        if response.status_code != 200:
            raise RuntimeError(f"/inbox answered {response.status_code}")
        return response

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govflow-inbox-") as tmp:
        settings = Settings(instance_dir=Path(tmp), processes_dir=REPO_ROOT / "processes")
        rt = Runtime(settings)
        upgrade(rt.db)
        deploy(rt)
        officer = add_user(rt, "officer", ["legal_officer"], "LEGAL")
        director = add_user(rt, "boss", ["director"], "DIR")
        fill(rt, args.n)

        def service() -> Any:
            tasks.count_tasks(rt, officer)
            return tasks.list_tasks(rt, officer, "group", sort="due")

        first = service()
        expected = sum(1 for i in range(args.n) if ROLES[i % len(ROLES)] == "legal_officer")
        if first["total"] != expected or len(first["tasks"]) != 50:
            print(f"inbox_speed: FAILED: total {first['total']} != {expected}", file=sys.stderr)
            return 1
        results: dict[str, Any] = {"n_open_tasks": args.n, "repeat": args.repeat}
        results["service"] = timed(service, args.repeat)
        results["supervisor_all_overdue"] = timed(
            lambda: tasks.list_tasks(rt, director, "all", overdue=True, sort="-due"), args.repeat)
        results["last_page"] = timed(
            lambda: tasks.list_tasks(rt, officer, "group", offset=(expected // 50) * 50),
            args.repeat)
        results["baseline_sql"] = timed(baseline_query(Path(tmp) / "govflow.db"), args.repeat)
        page = page_timer(rt, "officer")
        results["page"] = timed(page, args.repeat) if page else None
        results["service_vs_baseline"] = round(
            results["service"]["p50_ms"] / max(results["baseline_sql"]["p50_ms"], 0.001), 1)
        rt.close()
    for key in ("service", "supervisor_all_overdue", "last_page", "baseline_sql", "page"):
        print(f"  {key:<24} {results[key]}")
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
