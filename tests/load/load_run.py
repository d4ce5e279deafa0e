"""One load run against a scaled-out cluster, and its figures (bench/load_test.py and
tests/load/test_load_and_crash.py).

The baseline, measured in the same run, is ``GET /healthz`` (one trivial query) on the
same cluster before the load starts. With ``crash`` a chaos thread kill -9s a random
gunicorn worker (its master starts another) or a scheduler (restarted 1–4 s later, as
systemd would) every 2–6 s.
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.load.cluster import Cluster
from tests.load.load_checks import drain, verify, zero_lost_or_doubled
from tests.load.load_clients import DROPPED, EXPECTED, Api, Load, Outcomes
from tests.load.timer_process import BENCH_KEY, processes_dir


def percentiles(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)

    def rank(p: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {"p50_ms": rank(0.50), "p95_ms": rank(0.95), "max_ms": round(1000 * ordered[-1], 1),
            "n": len(ordered)}


def baseline(port: int, n: int = 200) -> dict[str, float] | None:
    outcomes = Outcomes()
    api = Api(port, outcomes)
    for _ in range(n):
        api.call("healthz", "GET", "/healthz")
    return percentiles(outcomes.latencies["healthz"])


def chaos(cluster: Cluster, seed: int) -> Any:
    """kill -9 a worker or a scheduler every 2–6 s until the load stops."""
    rng = random.Random(seed)

    def run(stop: threading.Event) -> None:
        down: list[tuple[float, int]] = []
        while not stop.wait(rng.uniform(2, 6)):
            if rng.random() < 0.5:
                cluster.kill_worker(rng)
            else:
                down.append((time.monotonic() + rng.uniform(1, 4), cluster.kill_scheduler(rng)))
            for entry in [d for d in down if d[0] <= time.monotonic()]:
                cluster.restart_scheduler(entry[1])
                down.remove(entry)
        cluster.all_schedulers_running()

    return run


def summarise(outcomes: Outcomes) -> dict[str, Any]:
    statuses = {op: {str(k): v for k, v in sorted(c.items(), key=str)}
                for op, c in outcomes.statuses.items()}
    count = lambda keep: sum(n for c in outcomes.statuses.values()  # noqa: E731
                             for k, n in c.items() if keep(k))
    return {
        "requests": count(lambda k: True),
        "errors": count(lambda k: isinstance(k, int) and k not in EXPECTED and k != 429),
        "conflicts_409": count(lambda k: k == 409),
        "rate_limited_429": count(lambda k: k == 429),
        "dropped_by_kills": count(lambda k: k == DROPPED),
        "by_operation": statuses,
        "latency": {op: percentiles(outcomes.latencies[op])
                    for op in ("inbox", "inbox_mine", "claim", "complete", "file", "start")},
        "unexpected_samples": outcomes.unexpected[:5],
    }


def run(seconds: float, staff: int, rate: float, timer_cases: float, workers: int,
        schedulers: int, crash: bool, drain_timeout: float, keep: bool = False) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="govflow-load-"))
    cluster = Cluster(workdir, workers=workers, schedulers=schedulers,
                      extra_processes=processes_dir(workdir))
    try:
        people = cluster.start(staff)
        base = baseline(cluster.port)
        load = Load(cluster.port, people, rate, seconds, timer_cases_per_s=timer_cases,
                    timer_process=BENCH_KEY)
        started = time.monotonic()
        outcomes = load.run(chaos(cluster, 8) if crash else None)
        elapsed = time.monotonic() - started
        cluster.all_schedulers_running()
        cluster.wait_healthy()
        rt = cluster.runtime()
        try:
            drain_s, left = drain(rt, drain_timeout)
            checked = verify(cluster, rt, outcomes)
        finally:
            rt.close()
        summary = summarise(outcomes)
        filed = summary["by_operation"].get("file", {})
        result = {
            "seconds": round(elapsed, 1), "staff": staff, "workers": workers,
            "schedulers": schedulers, "crash": crash, "kills": dict(cluster.restarts),
            "complaints_per_s_target": rate,
            "complaints_per_s_filed": round(len(outcomes.filed) / elapsed, 2),
            "completions": len(outcomes.completed),
            "completions_per_s": round(len(outcomes.completed) / elapsed, 2),
            "baseline_healthz": base,
            **summary,
            "drain_s": drain_s, "left_after_drain": left,
            **checked,
        }
        if base and summary["latency"]["inbox"]:
            result["inbox_p50_vs_baseline"] = round(
                summary["latency"]["inbox"]["p50_ms"] / max(base["p50_ms"], 0.1), 1)
        result["not_sent_client_busy"] = filed.get("not_sent_client_busy", 0)
        result["ok"] = (summary["errors"] == 0 and zero_lost_or_doubled(checked)
                        and not any(left.values()))
        return result
    finally:
        cluster.stop(keep_workdir=keep)
