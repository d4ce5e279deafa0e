"""How fast govflow runs complaint cases, against SpiffWorkflow alone.

Three variants run the same complaint path (triage accept → director order →
initial action → follow-up resolved → review approve → notify) N times:

* ``govflow``: the service API on a fresh SQLite file (WAL, the embedded default):
  ``start_instance``, then ``complete_task`` per task (it claims the task and returns
  the case's next tasks), one transaction per command.
* ``raw_spiff``: the same spec and script engine in memory, nothing persisted.
* ``naive``: raw_spiff plus a full ``serialize_json`` (spec included) after every
  command and a ``deserialize_json`` before the next one.

Usage::

    .venv/bin/python bench/engine_throughput.py [-n 200] [--warmup 5] [--profile]

The last line printed is one JSON object (see ``summary``). ``--profile`` runs the
timed govflow loop under cProfile and prints the top entries to stderr; the
govflow figure is then inflated by the profiler and not comparable.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from timing import sig3

from engine.bpmn.expressions.environment import make_script_engine
from engine.bpmn.loading.load import load_bpmn
from engine.bpmn.process_settings import read_settings
from engine.core.actors import Actor
from engine.core.config import REPO_ROOT, Settings
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


class BenchError(RuntimeError):
    """A variant did not end where the complaint path must end."""


def complaint_sample() -> dict[str, Any]:
    """The start-form data the tests use (tests/samples.py), one source for both."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from tests.samples import COMPLAINT

    return dict(COMPLAINT)


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


def govflow_case(rt: Runtime, actors: dict[str, Actor], sample: dict[str, Any],
                 call: CallTimer) -> int:
    view = call(instances.start_instance, rt, actors["legal_officer"], PROCESS_KEY, sample)
    instance_id = view["id"]
    open_tasks = view["tasks"]
    done: dict[str, Any] = {}
    for bpmn_id, role, form in STEPS:
        if len(open_tasks) != 1 or open_tasks[0]["role"] != role:
            raise BenchError(
                f"govflow case {instance_id}: expected one open '{bpmn_id}' task for role "
                f"'{role}', got {[(t['name'], t['role']) for t in open_tasks]}"
            )
        # complete_task claims an unclaimed task itself and returns the next tasks,
        # as an API client driving a case would use it.
        done = call(tasks.complete_task, rt, actors[role], open_tasks[0]["id"], form)
        open_tasks = done["next_tasks"]
    if done.get("instance_status") != "completed":
        raise BenchError(
            f"govflow case {instance_id} ended with status {done.get('instance_status')!r}, "
            "expected 'completed'"
        )
    return instance_id


def run_govflow(n: int, warmup: int, sample: dict[str, Any], profile: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="govflow-bench-") as tmp:
        settings = Settings(instance_dir=Path(tmp) / "instance", processes_dir=PROCESSES_DIR)
        rt = Runtime(settings)
        try:
            if rt.db.dialect != "sqlite":
                raise BenchError(f"expected the embedded SQLite database, got {rt.db.dialect}")
            upgrade(rt.db)
            report = deploy(rt)
            if not report.ok:
                raise BenchError(
                    "deploy failed: " + "; ".join(p.format("en") for p in report.problems)
                )
            actors = {name: add_user(rt, name, [name], unit) for name, unit in USERS}
            call = CallTimer()
            for _ in range(warmup):
                govflow_case(rt, actors, sample, call)
            call.reset()
            profiler = cProfile.Profile() if profile else None
            ids: list[int] = []
            began = time.perf_counter()
            if profiler:
                profiler.enable()
            for _ in range(n):
                ids.append(govflow_case(rt, actors, sample, call))
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - began
            with rt.db.read() as session:
                completed = session.scalar(
                    select(func.count())
                    .select_from(ProcessInstance)
                    .where(ProcessInstance.id.in_(ids), ProcessInstance.status == "completed")
                )
            if completed != n:
                raise BenchError(f"govflow: only {completed} of {n} instances are 'completed'")
        finally:
            rt.close()
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        out.write(f"=== govflow, {n} instances: top 25 by cumulative time ===\n")
        stats.print_stats(25)
        out.write("=== the same, engine/ functions only ===\n")
        stats.print_stats(re.escape(f"{REPO_ROOT / 'engine'}{os.sep}"), 25)
        print(out.getvalue(), file=sys.stderr)
    return {
        "seconds": elapsed,
        "per_s": n / elapsed,
        "commands_per_instance": sum(call.calls.values()) / n,
        "breakdown": {
            name: (call.calls[name] / n, call.seconds[name] / n * 1000) for name in call.calls
        },
    }


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


def naive_case(setup: SpiffSetup) -> BpmnWorkflow:
    serializer = setup.serializer
    blob = serializer.serialize_json(setup.new_workflow())
    workflow = None
    for bpmn_id, _role, form in STEPS:
        workflow = serializer.deserialize_json(blob)
        workflow.script_engine = setup.script_engine
        complete_step(workflow, bpmn_id, form)
        blob = serializer.serialize_json(workflow)
    assert workflow is not None
    return workflow


def run_spiff(name: str, case: Callable[[SpiffSetup], BpmnWorkflow], setup: SpiffSetup,
              n: int, warmup: int) -> dict[str, Any]:
    for _ in range(warmup):
        case(setup)
    workflows = []
    began = time.perf_counter()
    for _ in range(n):
        workflows.append(case(setup))
    elapsed = time.perf_counter() - began
    unfinished = sum(1 for wf in workflows if not wf.is_completed())
    if unfinished:
        raise BenchError(f"{name}: {unfinished} of {n} workflows are not completed")
    return {"seconds": elapsed, "per_s": n / elapsed}


# ----------------------------------------------------------------------------- main


def summary(n: int, gov: dict[str, Any], raw: dict[str, Any], naive: dict[str, Any]) -> dict:
    return {
        "n": n,
        "instances_per_s": sig3(gov["per_s"]),
        "raw_spiff_instances_per_s": sig3(raw["per_s"]),
        "ratio": sig3(gov["per_s"] / raw["per_s"]),
        "naive_instances_per_s": sig3(naive["per_s"]),
        "naive_ratio": sig3(naive["per_s"] / raw["per_s"]),
        "commands_per_instance": sig3(gov["commands_per_instance"]),
        "backend": "sqlite",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="instances per variant (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed instances first")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the govflow loop; top 25 cumulative to stderr")
    args = parser.parse_args(argv)
    if args.n < 1 or args.warmup < 0:
        parser.error("-n must be ≥ 1 and --warmup ≥ 0")

    sample = complaint_sample()
    try:
        gov = run_govflow(args.n, args.warmup, sample, args.profile)
        setup = SpiffSetup(sample)
        raw = run_spiff("raw_spiff", raw_case, setup, args.n, args.warmup)
        naive = run_spiff("naive", naive_case, setup, args.n, args.warmup)
    except BenchError as exc:
        print(f"engine_throughput: FAILED: {exc}", file=sys.stderr)
        return 1

    if args.profile:
        print("note: govflow ran under cProfile; its rate is inflated", file=sys.stderr)
    print(f"complaint path, {len(STEPS)} user tasks, n={args.n}, warm-up={args.warmup}")
    for label, result in (("govflow", gov), ("raw_spiff", raw), ("naive", naive)):
        print(f"  {label:<10} {result['per_s']:8.1f} instances/s  "
              f"{result['seconds'] / args.n * 1000:7.2f} ms/instance")
    print("  govflow per instance, by service call (calls, ms):")
    for name, (calls, ms) in sorted(gov["breakdown"].items(), key=lambda kv: -kv[1][1]):
        print(f"    {name:<16} {calls:4.1f} × → {ms:7.2f} ms ({ms / calls:.2f} ms/call)")
    print(json.dumps(summary(args.n, gov, raw, naive)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
