"""The editor's live check of processes/complaint.bpmn against `govflow validate` on it.

Three timings, called in turn round after round in one process so machine load falls on
all alike (bench/timing.measure_rounds):

- ``live_check``: POST /owner/api/processes/complaint/check through Flask's test client,
  signed in as a process owner (CSRF off here: the token check is a string compare), the
  JSON body in and the report out;
- ``validate`` (the baseline): what `govflow validate --format json processes/complaint.bpmn`
  does in-process, ``check_file(..., with_bpmnlint=True)`` and the report as JSON;
- ``bpmnlint_node``: the Node subprocess alone (webui/tools/bpmnlint_run.cjs), which both
  of the others include.

``overhead_ms`` = live_check p50 − validate p50: what the HTTP round trip adds.

Usage, from the repository root (after `make assets`)::

    .venv/bin/python bench/live_check.py              # 20 rounds, ~30 s
    .venv/bin/python bench/live_check.py --repeat 5

Stdout gets exactly one JSON line; the readable summary goes to stderr. Exits 1 when the
live check's report differs from validate's or bpmnlint did not run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from timing import measure_rounds, nearest_rank, sig3

from engine.bpmn.definitions import check_file
from engine.bpmn.lint.bpmnlint_bridge import run_bpmnlint
from engine.bpmn.lint.report_json import report_json
from engine.core.config import REPO_ROOT, Settings
from engine.core.schema import upgrade
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user
from engine.workflow.runtime import Runtime

PROCESSES = REPO_ROOT / "processes"
COMPLAINT = PROCESSES / "complaint.bpmn"
URL = "/owner/api/processes/complaint/check"


def live_check_timer(rt: Runtime) -> Callable[[], Any]:
    from webui import create_app

    app = create_app(runtime=rt)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    client = app.test_client()
    owner = add_user(rt, "bench_owner", ["process_owner"], "ICT")
    with client.session_transaction() as session:
        session["_user_id"] = str(owner.id)
        session["_fresh"] = True
    body = json.dumps({"bpmn": COMPLAINT.read_text(encoding="utf-8")}, ensure_ascii=False)

    def run() -> Any:
        response = client.post(URL, data=body, content_type="application/json")
        if response.status_code != 200:
            raise RuntimeError(f"{URL} answered {response.status_code}")
        return response.get_json()

    return run


def validate_timer() -> Any:
    return json.loads(json.dumps(report_json(check_file(COMPLAINT, PROCESSES,
                                                        with_bpmnlint=True))))


def node_timer() -> Any:
    return run_bpmnlint(COMPLAINT.read_bytes())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="govflow-live-check-") as tmp:
        rt = Runtime(Settings(instance_dir=Path(tmp), processes_dir=PROCESSES))
        upgrade(rt.db)
        deploy(rt)
        fns = {"live_check": live_check_timer(rt), "validate": validate_timer,
               "bpmnlint_node": node_timer}
        answers: dict[str, Any] = {}
        samples = measure_rounds(fns, args.repeat, budget_s=600.0, min_rounds=args.repeat,
                                 seen=answers.__setitem__)
        rt.close()
    result: dict[str, object] = {"bench": "live_check", "file": "processes/complaint.bpmn"}
    for name, values in samples.items():
        ordered = sorted(values)
        result[f"{name}_p50_ms"] = sig3(statistics.median(ordered))
        result[f"{name}_p95_ms"] = sig3(nearest_rank(ordered, 0.95))
    result["n"] = min(len(v) for v in samples.values())
    result["overhead_ms"] = sig3(float(result["live_check_p50_ms"])
                                 - float(result["validate_p50_ms"]))
    result["ratio"] = sig3(float(result["live_check_p50_ms"]) / float(result["validate_p50_ms"]))
    result["same_report"] = answers["live_check"] == answers["validate"]
    result["bpmnlint_ran"] = isinstance(answers["bpmnlint_node"], list)
    for key, value in result.items():
        print(f"  {key:<22} {value}", file=sys.stderr)
    print(json.dumps(result))
    return 0 if result["same_report"] and result["bpmnlint_ran"] else 1


if __name__ == "__main__":
    sys.exit(main())
