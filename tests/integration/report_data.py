"""The known complaints data set of the report tests, shared by every report format.

Five complaints across the fiscal-year boundary 2569/2570; in the first half of 2570:
1 Oct 2569 (website, bribery, not considered), 4 Dec 2569 (letter, forwarded) and
31 Mar 2570 (in person, screened only after the half ended, so still in progress).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.core import clock
from engine.core.actors import Actor
from engine.services.inbox import instances, tasks
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime
from tests.samples import COMPLAINT


def received(rt, who, day: str, channel: str = "letter", kind: str = "procurement") -> dict:
    at = datetime.fromisoformat(day).replace(hour=10, tzinfo=BANGKOK)
    with clock.frozen(at):
        return instances.start_instance(rt, who, "complaint", {
            **COMPLAINT, "received_at": day, "channel": channel, "complaint_type": kind})


def screen(rt, who, case: dict, day: str, outcome: str) -> None:
    data = {"screening_outcome": outcome}
    if outcome == "not_considered":
        data["not_considered_reason"] = "time_barred"
    if outcome == "forward":
        data["forward_to"] = "สพฐ."
    with clock.frozen(datetime.fromisoformat(day).replace(hour=11, tzinfo=BANGKOK)):
        tasks.complete_task(rt, who, case["tasks"][0]["id"], data)


def build_data_set(rt: Runtime, officer: Actor) -> dict[str, dict]:
    cases = {
        "last_day_of_fy2569": received(rt, officer, "2026-09-30"),
        "first_day_of_fy2570": received(rt, officer, "2026-10-01", "website", "bribery"),
        "december": received(rt, officer, "2026-12-04"),
        "last_day_of_h1": received(rt, officer, "2027-03-31", "in_person"),
        "first_day_of_h2": received(rt, officer, "2027-04-01"),
    }
    screen(rt, officer, cases["first_day_of_fy2570"], "2026-10-05", "not_considered")
    screen(rt, officer, cases["december"], "2026-12-09", "forward")
    # Screened after the first half ended: still in progress as of 31 Mar.
    screen(rt, officer, cases["last_day_of_h1"], "2027-04-02", "accept")
    return cases


@pytest.fixture
def data_set(runtime, people):
    return build_data_set(runtime, people.legal_officer)


@pytest.fixture
def web_data_set(sqlite_runtime, web_people):
    """The same data set for the HTML tests (with tests.web_support's users)."""
    return build_data_set(sqlite_runtime, web_people.legal_officer)
