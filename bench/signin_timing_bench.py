"""How long a failed sign-in takes, for a user who exists and for one who does not.

``users.authenticate`` with a wrong password for a known user (one argon2 verification of
the stored hash), against an unknown user name and a user without a password (one
verification of a dummy hash, engine.core.passwords) — in the same run, called in turn round
after round so machine load falls on all alike. Before the timing fix the unknown user skipped
the verification: ~15 ms against ~670 ms, which told an attacker who has an account.
``ratio`` = unknown p50 / known-wrong p50; near 1 means the time tells nothing.

Usage, from the repository root::

    .venv/bin/python bench/signin_timing_bench.py            # ~20 s
    .venv/bin/python bench/signin_timing_bench.py --quick    # ~5 s

Stdout gets exactly one JSON line; the readable summary goes to stderr. Exits 1 when a
sign-in that should fail succeeds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from timing import measure_rounds, nearest_rank, sig3

from engine.core.config import REPO_ROOT, Settings
from engine.core.errors import NotAuthenticated
from engine.core.schema import upgrade
from engine.services.admin import users
from engine.workflow.runtime import Runtime


def failed_signin(rt: Runtime, username: str) -> object:
    def attempt() -> bool:
        try:
            users.authenticate(rt, username, "a-wrong-password")
        except NotAuthenticated:
            return True
        return False

    return attempt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeat, budget = (8, 5.0) if args.quick else (30, 20.0)
    with tempfile.TemporaryDirectory(prefix="govflow-signin-") as tmp:
        rt = Runtime(Settings(instance_dir=Path(tmp), processes_dir=REPO_ROOT / "processes"))
        upgrade(rt.db)
        users.add_user(rt, "somchai", ["staff"], "PLAN", password="correct horse battery")
        users.add_user(rt, "nopassword", ["staff"], "PLAN")
        fns = {"known_wrong": failed_signin(rt, "somchai"),
               "unknown": failed_signin(rt, "no_such_user"),
               "no_password": failed_signin(rt, "nopassword")}
        refused = {name: True for name in fns}

        def seen(name: str, result: object) -> None:
            refused[name] = refused[name] and bool(result)

        samples = measure_rounds(fns, repeat, budget, min_rounds=3, seen=seen)
        rt.close()
    result: dict[str, object] = {"bench": "signin_timing"}
    for name, values in samples.items():
        ordered = sorted(values)
        result[f"{name}_p50_ms"] = sig3(statistics.median(ordered))
        result[f"{name}_p95_ms"] = sig3(nearest_rank(ordered, 0.95))
    result["n"] = min(len(v) for v in samples.values())
    result["ratio"] = sig3(float(result["unknown_p50_ms"]) / float(result["known_wrong_p50_ms"]))
    result["all_refused"] = all(refused.values())
    for key, value in result.items():
        print(f"  {key:<20} {value}", file=sys.stderr)
    print(json.dumps(result))
    return 0 if result["all_refused"] else 1


if __name__ == "__main__":
    sys.exit(main())
