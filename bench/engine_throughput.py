"""How fast govflow runs complaint cases, against SpiffWorkflow alone, in the same run.

Four variants run the same complaint path (triage accept → director order → initial
action → follow-up resolved → review approve → notify), one case per call:

* ``govflow_warm``: the service API (``start_instance``, then ``complete_task`` per task:
  it claims the task and returns the case's next tasks), one transaction per command,
  with the runtime's workflow cache as one process serving every command of a case has it.
* ``govflow_cold``: the same with the workflow cache emptied before every command, as a
  web worker that did not serve the case's last command sees it: each command restores
  the workflow from its saved state.
* ``raw_spiff``: the same spec and script engine in memory, nothing persisted.
* ``naive``: raw_spiff plus a save and reload per command in the same kind of database:
  ``deserialize_json`` of the row's blob, the step, a full ``serialize_json`` (spec
  included) written back, one transaction per command.

The variants take turns, one case each, within a round (``timing.measure_rounds``), so a
load that comes and goes falls on all of them alike; the figures are the medians of three
rounds. ``ratio_warm`` and ``ratio_cold`` are govflow's rate over raw_spiff's,
``naive_ratio`` naive's.

Usage::

    .venv/bin/python bench/engine_throughput.py [-n 100] [--warmup 5] [--rounds 3]
        [--backend sqlite|postgresql|both] [--profile]

``--backend postgresql`` runs govflow and naive against PostgreSQL
(``GOVFLOW_TEST_POSTGRES_URL``, default the local server's database ``test``) in a
schema of its own, dropped afterwards; ``both`` measures SQLite and PostgreSQL in the
same run and the JSON line carries the PostgreSQL figures beside SQLite's. The last line
printed is one JSON object (see ``summary``). ``--profile`` then runs extra warm and
cold cases under cProfile, untimed, and prints the top entries to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from timing import measure_rounds, sig3

from engine.bpmn.expressions.environment import make_script_engine
from engine.bpmn.loading.load import load_bpmn
from engine.bpmn.process_settings import read_settings
from engine.core.config import REPO_ROOT, Settings
from engine.core.db import Database
from engine.core.models import ProcessInstance
from engine.core.personal_data import derived_flags, split_personal
from engine.core.schema import upgrade
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user
from engine.services.inbox import instances, tasks
from engine.thai.workdays import WorkingCalendar, bpmn_helpers
from engine.workflow.runner import advance
from engine.workflow.runtime import Runtime

PROCESS_KEY = "complaint"
PROCESSES_DIR = REPO_ROOT / "processes"

#: (BPMN id, role that works it, form data) in the order the case meets them.
STEPS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("triage", "legal_officer", {"screening_outcome": "accept"}),
    (
        "director_order",
        "director",
        {"director_instruction": "สืบสวนข้อเท็จจริง", "action_type": "fact_finding"},
    ),
    (
        "initial_action",
        "legal_officer",
        {"initial_action_note": "แจ้งโรงเรียนแล้ว", "parties_notified_on": "2026-12-09",
         "notice_to": "accused_unit"},
    ),
    (
        "follow_up",
        "legal_officer",
        {"follow_up_date": "2027-01-20", "follow_up_note": "ได้ผลแล้ว", "resolved": True},
    ),
    (
        "review_result",
        "legal_head",
        {"result_summary": "มีมูล ลงโทษทางวินัย", "review_decision": "approve"},
    ),
    ("notify_result", "legal_officer", {"notified_on": "2027-01-25", "notify_method": "letter",
                                        "result_message": "ดำเนินการตามเรื่องร้องเรียนแล้ว"}),
)
USERS = (("legal_officer", "LEGAL"), ("director", "DIR"), ("legal_head", "LEGAL"))


PG_URL = os.environ.get(
    "GOVFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = {"sqlite": ("sqlite",), "postgresql": ("postgresql",),
            "both": ("sqlite", "postgresql")}


class BenchError(RuntimeError):
    """A variant did not end where the complaint path must end."""


def complaint_sample() -> dict[str, Any]:
    """The start-form data the tests use (tests/samples.py), one source for both."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from tests.samples import COMPLAINT

    return dict(COMPLAINT)


@contextmanager
def database_url(backend: str, tmp: Path) -> Iterator[str | None]:
    """None for the embedded SQLite file of the instance folder; for PostgreSQL a URL
    whose search_path is a fresh schema, dropped afterwards (as tests/conftest.py does),
    so runs never see each other's rows."""
    if backend == "sqlite":
        yield None
        return
    schema = f"gf_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - say which server could not be reached
        admin.dispose()
        raise BenchError(f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}") from exc
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# --------------------------------------------------------------------------- govflow


class CallTimer:
    """Wall time and count per service function, to show where a case's time goes."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    def __call__(self, fn: Callable[..., Any], *args: Any) -> Any:
        began = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.seconds[fn.__name__] += time.perf_counter() - began
            self.calls[fn.__name__] += 1

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


class Govflow:
    """One runtime on a fresh database, deployed, with the users the path needs."""

    def __init__(self, backend: str, tmp: Path, url: str | None) -> None:
        settings = Settings(instance_dir=tmp / "instance", processes_dir=PROCESSES_DIR,
                            database_url=url)
        self.rt = Runtime(settings)
        if self.rt.db.dialect != backend:
            raise BenchError(f"expected a {backend} database, got {self.rt.db.dialect}")
        upgrade(self.rt.db)
        report = deploy(self.rt)
        if not report.ok:
            raise BenchError(
                "deploy failed: " + "; ".join(p.format("en") for p in report.problems)
            )
        self.actors = {name: add_user(self.rt, name, [name], unit) for name, unit in USERS}
        self.sample = complaint_sample()
        self.warm_calls = CallTimer()
        self.cold_calls = CallTimer()

    def case(self, call: CallTimer, *, cold: bool) -> int:
        """One complaint driven to its end; ``cold`` empties the workflow cache before
        every command, so each one restores the case from the database."""
        rt, actors = self.rt, self.actors
        if cold:
            rt.workflows.clear()
        view = call(instances.start_instance, rt, actors["legal_officer"], PROCESS_KEY,
                    self.sample)
        instance_id = view["id"]
        open_tasks = view["tasks"]
        done: dict[str, Any] = {}
        for bpmn_id, role, form in STEPS:
            if len(open_tasks) != 1 or open_tasks[0]["role"] != role:
                raise BenchError(
                    f"govflow case {instance_id}: expected one open '{bpmn_id}' task for role "
                    f"'{role}', got {[(t['name'], t['role']) for t in open_tasks]}"
                )
            if cold:
                rt.workflows.clear()
            # complete_task claims an unclaimed task itself and returns the next tasks,
            # as an API client driving a case would use it.
            done = call(tasks.complete_task, rt, actors[role], open_tasks[0]["id"], form)
            open_tasks = done["next_tasks"]
        if done.get("instance_status") != "completed":
            raise BenchError(
                f"govflow case {instance_id} ended with status "
                f"{done.get('instance_status')!r}, expected 'completed'"
            )
        return instance_id

    def completed(self, ids: list[int]) -> int:
        with self.rt.db.read() as session:
            return session.scalar(
                select(func.count())
                .select_from(ProcessInstance)
                .where(ProcessInstance.id.in_(ids), ProcessInstance.status == "completed")
            ) or 0

    def statements_per_command(self, *, cold: bool) -> float:
        """SQL statements one case sends per command (BEGIN and COMMIT included), counted
        on an untimed case so the listener costs the timed ones nothing."""
        count = 0

        def counted(*_args: Any) -> None:
            nonlocal count
            count += 1

        engine = self.rt.db.engine
        event.listen(engine, "before_cursor_execute", counted)
        event.listen(engine, "commit", counted)
        try:
            self.case(CallTimer(), cold=cold)
        finally:
            event.remove(engine, "before_cursor_execute", counted)
            event.remove(engine, "commit", counted)
        return count / (len(STEPS) + 1)

    def close(self) -> None:
        self.rt.close()


# ------------------------------------------------------------------------ raw spiff


class SpiffSetup:
    """The spec and script engine the runtime would use, built once."""

    def __init__(self, sample: dict[str, Any]) -> None:
        path = PROCESSES_DIR / "complaint.bpmn"
        loaded = load_bpmn(path.read_bytes(), path.name)
        self.spec = loaded.specs[PROCESS_KEY]
        self.subprocess_specs = loaded.subprocess_specs.get(PROCESS_KEY, {})
        self.script_engine = make_script_engine(bpmn_helpers(WorkingCalendar()))
        public, personal = split_personal(PROCESS_KEY, sample)
        public.update(derived_flags(PROCESS_KEY, personal))
        # As the runtime starts a case: with the process's settings (triage_days) in its data.
        named = read_settings(PROCESSES_DIR)[PROCESS_KEY].settings
        public.update({name: setting.value for name, setting in named.items()})
        self.start_data = public
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    def new_workflow(self) -> BpmnWorkflow:
        workflow = BpmnWorkflow(
            self.spec, self.subprocess_specs, script_engine=self.script_engine
        )
        workflow.task_tree.data.update(self.start_data)
        advance(workflow)
        return workflow


def complete_step(workflow: BpmnWorkflow, bpmn_id: str, form: dict[str, Any]) -> None:
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    if len(ready) != 1 or ready[0].task_spec.bpmn_id != bpmn_id:
        raise BenchError(
            f"expected one ready '{bpmn_id}', got {[t.task_spec.bpmn_id for t in ready]}"
        )
    task = ready[0]
    task.data.update(form)
    workflow.run_task_from_id(task.id)
    advance(workflow)


def raw_case(setup: SpiffSetup) -> BpmnWorkflow:
    workflow = setup.new_workflow()
    for bpmn_id, _role, form in STEPS:
        complete_step(workflow, bpmn_id, form)
    return workflow


_naive_metadata = MetaData()
#: naive's own table, beside govflow's in the same database: one blob per case.
_naive_state = Table(
    "bench_naive_state", _naive_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", Text, nullable=False),
)
_NAIVE_INSERT = insert(_naive_state).values(state=bindparam("state"))
_NAIVE_LOAD = select(_naive_state.c.state).where(_naive_state.c.id == bindparam("cid"))
_NAIVE_SAVE = (update(_naive_state).where(_naive_state.c.id == bindparam("cid"))
               .values(state=bindparam("state")))


class Naive:
    """Save and reload: every command reads the case's whole serialised workflow (spec
    included) from the database, runs its step, and writes it all back, in one
    transaction on the same kind of database as govflow's (BEGIN IMMEDIATE on SQLite)."""

    def __init__(self, setup: SpiffSetup, db: Database) -> None:
        self.setup, self.db = setup, db
        _naive_metadata.create_all(db.engine)

    def case(self) -> int:
        serializer = self.setup.serializer
        with self.db.write() as session:
            blob = serializer.serialize_json(self.setup.new_workflow())
            key = session.connection().execute(_NAIVE_INSERT, {"state": blob}).inserted_primary_key
            assert key is not None
            case_id = key[0]
        for bpmn_id, _role, form in STEPS:
            with self.db.write() as session:
                conn = session.connection()
                workflow = serializer.deserialize_json(
                    conn.execute(_NAIVE_LOAD, {"cid": case_id}).scalar_one())
                workflow.script_engine = self.setup.script_engine
                complete_step(workflow, bpmn_id, form)
                conn.execute(_NAIVE_SAVE, {"cid": case_id,
                                           "state": serializer.serialize_json(workflow)})
        return case_id

    def completed(self, ids: list[int]) -> int:
        """How many of the cases' saved workflows, read back, are complete."""
        serializer = self.setup.serializer
        with self.db.read() as session:
            blobs = session.connection().execute(
                select(_naive_state.c.state).where(_naive_state.c.id.in_(ids))).scalars()
            return sum(1 for blob in blobs if serializer.deserialize_json(blob).is_completed())


def raw_completed(workflow: BpmnWorkflow) -> BpmnWorkflow:
    if not workflow.is_completed():
        raise BenchError("raw_spiff: a workflow is not completed")
    return workflow


# ----------------------------------------------------------------------------- rounds

VARIANTS = ("govflow_warm", "govflow_cold", "raw_spiff", "naive")


def one_round(n: int, gov: Govflow, naive: Naive, setup: SpiffSetup) -> dict[str, float]:
    """n cases of each variant, taking turns one case at a time; instances per second."""
    ids: dict[str, list[int]] = {name: [] for name in VARIANTS}
    fns: dict[str, Callable[[], Any]] = {
        "govflow_warm": lambda: gov.case(gov.warm_calls, cold=False),
        "govflow_cold": lambda: gov.case(gov.cold_calls, cold=True),
        "raw_spiff": lambda: raw_completed(raw_case(setup)),
        "naive": naive.case,
    }

    def seen(name: str, result: Any) -> None:
        if isinstance(result, int):
            ids[name].append(result)

    samples = measure_rounds(fns, n, budget_s=float("inf"), min_rounds=n, warm=False,
                             seen=seen)
    for name in ("govflow_warm", "govflow_cold"):
        if (done := gov.completed(ids[name])) != n:
            raise BenchError(f"{name}: only {done} of {n} instances are 'completed'")
    if (done := naive.completed(ids["naive"])) != n:
        raise BenchError(f"naive: only {done} of {n} saved workflows are complete")
    return {name: 1000 * len(ms) / sum(ms) for name, ms in samples.items()}


def measure(backend: str, n: int, warmup: int, rounds: int, setup: SpiffSetup,
            profile: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="govflow-bench-") as tmp, \
            database_url(backend, Path(tmp)) as url:
        gov = Govflow(backend, Path(tmp), url)
        try:
            naive = Naive(setup, gov.rt.db)
            if warmup:
                one_round(warmup, gov, naive, setup)
            gov.warm_calls.reset()
            gov.cold_calls.reset()
            per_round = [one_round(n, gov, naive, setup) for _ in range(rounds)]
            statements = {"warm": gov.statements_per_command(cold=False),
                          "cold": gov.statements_per_command(cold=True)}
            if profile:
                profile_govflow(gov, n, backend)
        finally:
            gov.close()
    ratios = [{"ratio_warm": r["govflow_warm"] / r["raw_spiff"],
               "ratio_cold": r["govflow_cold"] / r["raw_spiff"],
               "naive_ratio": r["naive"] / r["raw_spiff"]} for r in per_round]
    return {
        "per_s": {name: statistics.median(r[name] for r in per_round) for name in VARIANTS},
        # The median of each round's own ratio: a round's variants saw the same load.
        "ratios": {key: statistics.median(r[key] for r in ratios) for key in ratios[0]},
        "statements_per_command": statements,
        "calls": {"warm": gov.warm_calls, "cold": gov.cold_calls},
        "cases": n * rounds,
    }


def profile_govflow(gov: Govflow, n: int, backend: str) -> None:
    out = io.StringIO()
    for cold in (False, True):
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            gov.case(CallTimer(), cold=cold)
        profiler.disable()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        label = f"govflow_{'cold' if cold else 'warm'} on {backend}, {n} instances"
        out.write(f"=== {label}: top 25 by cumulative time ===\n")
        stats.print_stats(25)
        out.write("=== the same, engine/ functions only ===\n")
        stats.print_stats(re.escape(f"{REPO_ROOT / 'engine'}{os.sep}"), 25)
    print(out.getvalue(), file=sys.stderr)


# ----------------------------------------------------------------------------- main


def figures(result: dict[str, Any]) -> dict[str, Any]:
    per_s, ratios = result["per_s"], result["ratios"]
    return {
        "instances_per_s_warm": sig3(per_s["govflow_warm"]),
        "instances_per_s_cold": sig3(per_s["govflow_cold"]),
        "raw_spiff_instances_per_s": sig3(per_s["raw_spiff"]),
        "naive_instances_per_s": sig3(per_s["naive"]),
        "ratio_warm": sig3(ratios["ratio_warm"]),
        "ratio_cold": sig3(ratios["ratio_cold"]),
        "naive_ratio": sig3(ratios["naive_ratio"]),
        "statements_per_command_warm": sig3(result["statements_per_command"]["warm"]),
        "statements_per_command_cold": sig3(result["statements_per_command"]["cold"]),
    }


def summary(n: int, rounds: int, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The first backend's figures at the top level, any other's in an object of its
    name beside them (``"postgresql": {...}``)."""
    first, *others = results
    line: dict[str, Any] = {"n": n, "rounds": rounds, "commands_per_instance": len(STEPS) + 1,
                            "backend": first, **figures(results[first])}
    for backend in others:
        line[backend] = figures(results[backend])
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100,
                        help="instances per variant per round (default 100)")
    parser.add_argument("--warmup", type=int, default=5,
                        help="untimed instances per variant first (default 5)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds; the figures are their medians (default 3)")
    parser.add_argument("--backend", choices=sorted(BACKENDS), default="sqlite",
                        help="govflow's and naive's database (default sqlite); both: SQLite "
                             "and PostgreSQL in the same run")
    parser.add_argument("--profile", action="store_true",
                        help="then cProfile n more warm and cold govflow cases, untimed; "
                             "top 25 cumulative to stderr")
    args = parser.parse_args(argv)
    if args.n < 1 or args.warmup < 0 or args.rounds < 1:
        parser.error("-n and --rounds must be ≥ 1 and --warmup ≥ 0")

    try:
        setup = SpiffSetup(complaint_sample())
        results = {backend: measure(backend, args.n, args.warmup, args.rounds, setup,
                                    args.profile)
                   for backend in BACKENDS[args.backend]}
    except BenchError as exc:
        print(f"engine_throughput: FAILED: {exc}", file=sys.stderr)
        return 1

    print(f"complaint path, {len(STEPS)} user tasks, n={args.n} per variant per round, "
          f"{args.rounds} rounds (medians), warm-up={args.warmup}")
    for backend, result in results.items():
        print(f"  {backend}:")
        for name in VARIANTS:
            per_s = result["per_s"][name]
            print(f"    {name:<13} {per_s:8.1f} instances/s  {1000 / per_s:7.2f} ms/instance")
        for variant in ("warm", "cold"):
            calls: CallTimer = result["calls"][variant]
            cases = result["cases"]
            print(f"    govflow_{variant} per instance, by service call (calls, ms), "
                  f"{result['statements_per_command'][variant]:.1f} SQL statements/command:")
            for name in sorted(calls.calls, key=lambda key: -calls.seconds[key]):
                count, ms = calls.calls[name] / cases, calls.seconds[name] / cases * 1000
                print(f"      {name:<16} {count:4.1f} × → {ms:7.2f} ms "
                      f"({ms / count:.2f} ms/call)")
    print(json.dumps(summary(args.n, args.rounds, results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
