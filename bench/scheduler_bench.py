"""How the scheduler scales: idle passes, firing due timers, and lateness when running.

On a fresh SQLite file (the embedded default), one database for all three parts:

* ``idle``: ``tick()`` with N waiting timers (100,000) and none due, rows filled in
  bulk, against a ``baseline``: the same "is anything due?" indexed query as plain
  SQL on ``sqlite3`` (no transaction, no ORM). Goal: a pass ≤ 5 ms.
* ``fire``: real complaint cases started through the service API under a frozen
  clock (3 timers each: reminder, breach, second escalation), then the clock moved
  past every deadline and ``tick()`` run until nothing is left; the cost per fired
  timer. By default the workflow cache is emptied first, as for a scheduler running
  in its own process (``--warm-cache`` keeps it). Only the 3 users the bench needs
  are active unless ``--extra-users`` adds staff: raising an escalation looks at
  every active user, so this figure grows with the office's size.
* ``lateness``: a background scheduler (real clock, 1 s interval) and a tiny process
  whose boundary timer is due 2–20 s after each start; lateness = escalation
  ``fired_at`` − ``due_at``. Goal: p99 ≤ 5 s.

Usage: ``.venv/bin/python bench/scheduler_bench.py [--waiting 100000] [--due 1000]
[--lateness-cases 30]``. The last line printed is one JSON object. Exits 1 when a
timer did not fire exactly once.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from timing import nearest_rank, sig3

from engine.core import clock
from engine.core.actors import Actor
from engine.core.config import REPO_ROOT, Settings
from engine.core.models import DueTimer, Escalation, ProcessInstance, ProcessVersion
from engine.core.schema import upgrade
from engine.jobs.scheduler import BATCH, TickReport, make_scheduler, scheduler_id, tick
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user
from engine.services.inbox import instances
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime
from engine.workflow.workflow_state import WorkflowCache

if str(REPO_ROOT) not in sys.path:  # run as a script: make tests/ importable
    sys.path.insert(0, str(REPO_ROOT))
from tests.load.timer_process import BENCH_CODE, BENCH_KEY, processes_dir  # noqa: E402
from tests.samples import COMPLAINT  # noqa: E402

TIMERS_PER_COMPLAINT = 3
#: Complaints are received and started here (a Friday), before any of their deadlines…
CREATED_AT = datetime(2026, 12, 4, 10, 0, tzinfo=BANGKOK)
#: …and the clock then jumps here, after the second escalation (15 Dec 16:30).
ALL_DUE_AT = datetime(2026, 12, 16, 9, 0, tzinfo=BANGKOK)
class BenchError(RuntimeError):
    """A timer did not fire exactly once, or set-up failed."""


def timed(fn: Callable[[], Any], repeat: int) -> tuple[dict[str, float], list[Any]]:
    fn()  # warm: compiled statements, pooled connection
    samples, results = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        results.append(fn())
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50": round(statistics.median(samples), 3),
            "p95": round(nearest_rank(samples, 0.95), 3),
            "max": round(samples[-1], 3)}, results


def count(rt: Runtime, query: Any) -> int:
    with rt.db.read() as session:
        return session.scalar(query) or 0


# --------------------------------------------------------------------------- set-up


def make_runtime(tmp: Path, extra_users: int = 0) -> tuple[Runtime, dict[str, Actor]]:
    rt = Runtime(Settings(instance_dir=tmp / "instance", processes_dir=processes_dir(tmp)))
    if rt.db.dialect != "sqlite":
        raise BenchError(f"expected the embedded SQLite database, got {rt.db.dialect}")
    upgrade(rt.db)
    report = deploy(rt)
    if not report.ok:
        raise BenchError("deploy failed: " + "; ".join(p.format("en") for p in report.problems))
    actors = {
        "legal_officer": add_user(rt, "legal_officer", ["legal_officer"], "LEGAL"),
        "legal_head": add_user(rt, "legal_head", ["legal_head"], "LEGAL"),
        "director": add_user(rt, "director", ["director"], "DIR"),
    }
    for i in range(extra_users):  # an office's other staff: escalations look at every user
        add_user(rt, f"staff{i:04d}", ["staff"], "PLAN")
    return rt, actors


# ------------------------------------------------------------------------ 1. idle


def fill_waiting(rt: Runtime, waiting: int, n_instances: int) -> datetime:
    """Insert ``waiting`` timer rows over ``n_instances`` bare instance rows, all due
    a year after anything else in this run. Returns the earliest due time."""
    base = max(datetime.now(UTC), ALL_DUE_AT.astimezone(UTC)) + timedelta(days=365)
    now = datetime.now(UTC)
    with rt.db.write() as session:
        version_id = session.scalar(select(ProcessVersion.id).where(
            ProcessVersion.process_key == "complaint", ProcessVersion.is_current.is_(True)))
        conn = session.connection()
        first_id = (session.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
        ids = list(range(first_id, first_id + n_instances))
        conn.execute(insert(ProcessInstance.__table__), [
            {"id": iid, "process_key": "complaint", "version_id": version_id,
             "status": "running", "title": f"bulk {iid}", "revision": 1,
             "serializer_version": "1.5", "state": "", "created_at": now, "updated_at": now,
             "received_on": now.date()}
            for iid in ids
        ])
        conn.execute(insert(DueTimer.__table__), [
            {"id": str(uuid.uuid4()), "instance_id": ids[i % n_instances],
             "bpmn_id": "triage_deadline", "due_at": base + timedelta(minutes=i),
             "state": "waiting", "lease_owner": None, "lease_until": None, "fired_at": None}
            for i in range(waiting)
        ])
    return base


def baseline_idle(db_path: Path) -> Callable[[], int]:
    """The claim query of ``claim_due`` as plain SQL on sqlite3, in autocommit."""
    connection = sqlite3.connect(db_path, isolation_level=None)
    sql = ("SELECT id, instance_id FROM due_timer WHERE state = 'waiting' AND due_at < ? "
           "AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at LIMIT ?")

    def run() -> int:
        # SQLAlchemy stores SQLite datetimes as naive UTC text in this format.
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return len(connection.execute(sql, (now, now, BATCH)).fetchall())

    plan = connection.execute("EXPLAIN QUERY PLAN " + sql, ("", "", BATCH)).fetchall()
    run.plan = "; ".join(row[-1] for row in plan)  # type: ignore[attr-defined]
    return run


def bench_idle(rt: Runtime, args: argparse.Namespace) -> dict[str, Any]:
    began = time.perf_counter()
    fill_waiting(rt, args.waiting, args.bulk_instances)
    fill_s = time.perf_counter() - began
    waiting = count(rt, select(func.count()).where(DueTimer.state == "waiting"))
    if waiting != args.waiting:
        raise BenchError(f"idle: {waiting} waiting timer rows, expected {args.waiting}")
    owner = scheduler_id()
    idle, reports = timed(lambda: tick(rt, owner), args.passes)
    busy = [r for r in reports if r.claimed or r.fired or r.errors]
    if busy:
        raise BenchError(f"idle: {len(busy)} idle passes claimed or fired something: {busy[0]}")
    db_path = Path(rt.db.engine.url.database or "")
    query = baseline_idle(db_path)
    baseline, found = timed(query, args.passes)
    if any(found):
        raise BenchError("baseline: the idle query found due timers")
    return {"fill_s": fill_s, "idle_pass_ms": idle, "baseline_idle_query_ms": baseline,
            "plan": query.plan}  # type: ignore[attr-defined]


# ------------------------------------------------------------------------ 2. fire


def bench_fire(rt: Runtime, actors: dict[str, Actor], args: argparse.Namespace,
               sample: dict[str, Any]) -> dict[str, Any]:
    cases = math.ceil(args.due / TIMERS_PER_COMPLAINT)
    expected = cases * TIMERS_PER_COMPLAINT
    officer = actors["legal_officer"]
    with clock.frozen(CREATED_AT) as now:
        began = time.perf_counter()
        ids = [instances.start_instance(rt, officer, "complaint", sample)["id"]
               for _ in range(cases)]
        create_s = time.perf_counter() - began
        mine = DueTimer.instance_id.in_(ids)
        waiting = count(rt, select(func.count()).where(mine, DueTimer.state == "waiting"))
        if waiting != expected:
            raise BenchError(f"fire: {cases} complaints made {waiting} waiting timers, "
                             f"expected {expected}")
        if not args.warm_cache:
            rt.workflows = WorkflowCache()  # as a scheduler in its own process starts
        now.move_to(ALL_DUE_AT)
        owner = scheduler_id()
        total = TickReport()
        passes = 0
        began = time.perf_counter()
        while True:
            report = tick(rt, owner)
            passes += 1
            total.claimed += report.claimed
            total.fired += report.fired
            total.skipped += report.skipped
            total.errors += report.errors
            if report.claimed == 0 or passes > 50:
                break
        fire_s = time.perf_counter() - began
    with rt.db.read() as session:
        states = dict(session.execute(
            select(DueTimer.state, func.count()).where(mine).group_by(DueTimer.state)
        ).tuples().all())
        escalations = session.scalar(select(func.count()).where(Escalation.instance_id.in_(ids)))
        distinct = session.scalar(select(func.count(func.distinct(Escalation.timer_id)))
                                  .where(Escalation.instance_id.in_(ids)))
        levels = dict(session.execute(
            select(Escalation.level, func.count()).where(Escalation.instance_id.in_(ids))
            .group_by(Escalation.level)).tuples().all())
    problems = []
    if total.errors:
        problems.append(f"{len(total.errors)} timers failed")
    if states != {"fired": expected}:
        problems.append(f"timer rows by state {states}, expected {{'fired': {expected}}}")
    if total.fired != expected:
        problems.append(f"ticks reported {total.fired} fired, expected {expected}")
    if escalations != expected or distinct != expected:
        problems.append(f"{escalations} escalations ({distinct} distinct timers), "
                        f"expected {expected}")
    if levels != {0: cases, 1: cases, 2: cases}:
        problems.append(f"escalations by level {levels}, expected {cases} of each of 0, 1, 2")
    if problems:
        raise BenchError("fire: " + "; ".join(problems))
    return {"cases": cases, "timers": expected, "create_s": create_s, "fire_s": fire_s,
            "passes": passes, "claimed": total.claimed, "skipped": total.skipped,
            "fired": total.fired}


# -------------------------------------------------------------------- 3. lateness


def bench_lateness(rt: Runtime, actors: dict[str, Actor],
                   args: argparse.Namespace) -> dict[str, Any]:
    n = args.lateness_cases
    spread = args.max_due_s - args.min_due_s
    officer = actors["legal_officer"]
    scheduler = make_scheduler(rt, background=True, interval=args.interval)
    scheduler.start()
    ids = []
    try:
        for i in range(n):
            offset = args.min_due_s + (spread * i / (n - 1) if n > 1 else 0)
            due = datetime.now(UTC) + timedelta(seconds=offset)
            view = instances.start_instance(rt, officer, BENCH_KEY, {"due_at": due.isoformat()})
            ids.append(view["id"])
        started = time.monotonic()
        deadline = started + args.max_due_s + args.grace_s
        mine = Escalation.instance_id.in_(ids)
        while time.monotonic() < deadline:
            if count(rt, select(func.count()).where(mine)) >= n:
                break
            time.sleep(0.25)
    finally:
        scheduler.shutdown(wait=True)
    with rt.db.read() as session:
        rows = session.execute(
            select(Escalation.code, Escalation.timer_id, Escalation.due_at, Escalation.fired_at)
            .where(mine)).all()
        states = dict(session.execute(
            select(DueTimer.state, func.count()).where(DueTimer.instance_id.in_(ids))
            .group_by(DueTimer.state)).tuples().all())
    problems = []
    if states != {"fired": n}:
        problems.append(f"timer rows by state {states}, expected {{'fired': {n}}}")
    if len(rows) != n or len({r.timer_id for r in rows}) != n:
        problems.append(f"{len(rows)} escalations ({len({r.timer_id for r in rows})} distinct "
                        f"timers), expected {n}")
    if any(r.code != BENCH_CODE for r in rows):
        problems.append("an escalation with another code than " + BENCH_CODE)
    early = [r for r in rows if r.fired_at <= r.due_at]
    if early:
        problems.append(f"{len(early)} timers fired at or before their due time")
    if problems:
        raise BenchError("lateness: " + "; ".join(problems))
    late = sorted((r.fired_at - r.due_at).total_seconds() for r in rows)
    return {"cases": n, "p50": nearest_rank(late, 0.50), "p99": nearest_rank(late, 0.99),
            "max": late[-1], "min": late[0]}


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--waiting", type=int, default=100_000,
                        help="waiting (not due) timers for the idle pass (default 100,000)")
    parser.add_argument("--bulk-instances", type=int, default=5_000,
                        help="bare instance rows the waiting timers hang on")
    parser.add_argument("--passes", type=int, default=100, help="idle passes timed (≥ 50)")
    parser.add_argument("--due", type=int, default=1_000,
                        help="at least this many due timers to fire (3 per complaint)")
    parser.add_argument("--warm-cache", action="store_true",
                        help="keep the workflow cache of the creating commands when firing")
    parser.add_argument("--extra-users", type=int, default=0,
                        help="active staff users besides the 3 the bench needs (default 0)")
    parser.add_argument("--lateness-cases", type=int, default=30)
    parser.add_argument("--min-due-s", type=float, default=2.0)
    parser.add_argument("--max-due-s", type=float, default=20.0)
    parser.add_argument("--interval", type=float, default=1.0, help="scheduler interval (s)")
    parser.add_argument("--grace-s", type=float, default=30.0,
                        help="how long to wait past the last due time before giving up")
    args = parser.parse_args(argv)
    if args.waiting < 1 or args.bulk_instances < 1 or args.passes < 50 or args.due < 1 \
            or args.lateness_cases < 1 or args.extra_users < 0 \
            or not 0 < args.min_due_s <= args.max_due_s:
        parser.error("need --waiting, --bulk-instances, --due, --lateness-cases ≥ 1, "
                     "--extra-users ≥ 0, --passes ≥ 50 and 0 < --min-due-s ≤ --max-due-s")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    sample = dict(COMPLAINT)
    with tempfile.TemporaryDirectory(prefix="govflow-scheduler-") as tmp:
        rt, actors = make_runtime(Path(tmp), args.extra_users)
        try:
            idle = bench_idle(rt, args)
            fired = bench_fire(rt, actors, args, sample)
            late = bench_lateness(rt, actors, args)
            still_waiting = count(rt, select(func.count()).where(DueTimer.state == "waiting"))
            if still_waiting != args.waiting:
                raise BenchError(f"{still_waiting} timers waiting at the end, expected the "
                                 f"{args.waiting} far-future ones")
        except BenchError as exc:
            print(f"scheduler_bench: FAILED: {exc}", file=sys.stderr)
            return 1
        finally:
            rt.close()

    per_fired_ms = fired["fire_s"] / fired["fired"] * 1000
    ratio = idle["idle_pass_ms"]["p50"] / max(idle["baseline_idle_query_ms"]["p50"], 0.001)
    print(f"idle: {args.waiting} waiting timers (filled in {idle['fill_s']:.1f} s), "
          f"{args.passes} passes")
    print(f"  tick()              p50 {idle['idle_pass_ms']['p50']:.3f} ms  "
          f"p95 {idle['idle_pass_ms']['p95']:.3f} ms  (goal ≤ 5 ms)")
    print(f"  baseline sqlite3    p50 {idle['baseline_idle_query_ms']['p50']:.3f} ms  "
          f"p95 {idle['baseline_idle_query_ms']['p95']:.3f} ms  plan: {idle['plan']}")
    print(f"  ratio               {ratio:.1f}×")
    print(f"fire: {fired['cases']} complaints created in {fired['create_s']:.1f} s "
          f"({fired['cases'] / fired['create_s']:.1f}/s); {fired['fired']} timers fired in "
          f"{fired['fire_s']:.2f} s over {fired['passes']} passes "
          f"(claimed {fired['claimed']}, skipped {fired['skipped']}; cache "
          f"{'warm' if args.warm_cache else 'cold'}; {3 + args.extra_users} active users)")
    print(f"  per fired timer     {per_fired_ms:.2f} ms  "
          f"(per case {fired['fire_s'] / fired['cases'] * 1000:.2f} ms)")
    print(f"lateness: {late['cases']} timers due {args.min_due_s:g}–{args.max_due_s:g} s ahead, "
          f"background scheduler every {args.interval:g} s")
    print(f"  p50 {late['p50']:.3f} s  p99 {late['p99']:.3f} s  max {late['max']:.3f} s  "
          f"min {late['min']:.3f} s  (goal p99 ≤ 5 s)")
    print(json.dumps({
        "waiting": args.waiting,
        "idle_passes": args.passes,
        "idle_pass_ms": idle["idle_pass_ms"],
        "baseline_idle_query_ms": idle["baseline_idle_query_ms"],
        "ratio_idle_vs_baseline": sig3(ratio),
        "due_timers_fired": fired["fired"],
        "active_users": 3 + args.extra_users,
        "per_fired_timer_ms": sig3(per_fired_ms),
        "fire_cache": "warm" if args.warm_cache else "cold",
        "cases_per_s_created": sig3(fired["cases"] / fired["create_s"]),
        "lateness_cases": late["cases"],
        "lateness_p50_s": round(late["p50"], 3),
        "lateness_p99_s": round(late["p99"], 3),
        "lateness_max_s": round(late["max"], 3),
        "goals_met": {"idle_pass_p95_le_5ms": idle["idle_pass_ms"]["p95"] <= 5,
                      "lateness_p99_le_5s": late["p99"] <= 5},
        "backend": "sqlite",
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
