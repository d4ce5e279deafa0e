"""Scale-out and crash safety, on the real parts: gunicorn with 4 workers, 2 schedulers,
one PostgreSQL database, Redis for rate limits, a real SMTP server.

CI runs short versions. The developer's long run is the same test with bigger figures:

    GOVFLOW_LOAD_SECONDS=300 GOVFLOW_LOAD_STAFF=50 GOVFLOW_LOAD_RATE=20 \\
        .venv/bin/pytest -s tests/load/test_load_and_crash.py

(or ``bench/load_test.py [--crash]``, which prints the figures as one JSON line).
Timings are printed, never asserted: this machine is shared.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import require_postgres, require_redis

#: In the xdist group of the other tests that count in Redis (tests/web/test_rate_limits.py).
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.xdist_group("redis")]

SECONDS = float(os.environ.get("GOVFLOW_LOAD_SECONDS", "25"))
STAFF = int(os.environ.get("GOVFLOW_LOAD_STAFF", "20"))
RATE = float(os.environ.get("GOVFLOW_LOAD_RATE", "5"))
#: Leases of a killed scheduler lapse within 60 s; the drain waits a little longer.
DRAIN_TIMEOUT = 150


def _run(crash: bool) -> dict:
    from tests.load.load_run import run

    require_postgres()
    require_redis()
    result = run(SECONDS, STAFF, RATE, timer_cases=0.5, workers=4, schedulers=2, crash=crash,
                 drain_timeout=DRAIN_TIMEOUT)
    print(json.dumps(result, ensure_ascii=False))
    return result


def _assert_nothing_lost_or_doubled(result: dict) -> None:
    assert result["integrity"]["mismatches"] == [], result["integrity"]
    assert not any(result["lost"].values()), result["lost"]
    assert not any(result["duplicated"].values()), result["duplicated"]
    assert result["mail"]["received_not_in_outbox"] == 0
    assert not any(result["left_after_drain"].values()), result["left_after_drain"]
    # The run did real work of every kind, or the zeros above would prove nothing.
    assert result["completions"] > 0 and result["website_complaints_on_file"] > 0
    assert result["escalations"] > 0 and result["mail"]["delivered_ids"] > 0


def test_scaled_out_cluster_under_load_loses_nothing():
    result = _run(crash=False)
    assert result["errors"] == 0, result["unexpected_samples"]
    assert result["dropped_by_kills"] == 0, result["by_operation"]
    _assert_nothing_lost_or_doubled(result)
    # Only a 409 (another clerk won the claim) is an expected refusal.
    assert set(result["by_operation"]["claim"]) <= {"200", "409"}


def test_kill_9_of_workers_and_schedulers_loses_nothing():
    result = _run(crash=True)
    assert result["kills"].get("web_worker", 0) >= 1 and result["kills"].get("scheduler", 0) >= 1
    # Requests cut off by a kill are dropped, not errors; everything else answered normally.
    assert result["errors"] == 0, result["unexpected_samples"]
    _assert_nothing_lost_or_doubled(result)
