"""Races: many claimers of one task, and two writers of one case, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from engine.core.errors import Conflict
from engine.services.admin.users import add_user
from engine.services.inbox import instances, tasks
from engine.workflow.cases import load_case, run_engine, save_case
from engine.workflow.runtime import Runtime
from tests.samples import COMPLAINT, PUBLISHING_REQUEST

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

CLAIMERS = 20


def test_twenty_concurrent_claimers_one_winner(runtime, people):
    officers = [add_user(runtime, f"officer{i}", ["legal_officer"], "LEGAL")
                for i in range(CLAIMERS)]
    started = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    task_id = started["tasks"][0]["id"]
    barrier = threading.Barrier(CLAIMERS)
    winners, losers, other = [], [], []

    def claim(actor):
        barrier.wait()
        try:
            tasks.claim_task(runtime, actor, task_id)
            winners.append(actor.username)
        except Conflict:
            losers.append(actor.username)
        except Exception as exc:  # noqa: BLE001 - any other outcome fails the test below
            other.append(repr(exc))

    threads = [threading.Thread(target=claim, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other == []
    assert len(winners) == 1 and len(losers) == CLAIMERS - 1
    view = tasks.get_task(runtime, people.legal_head, task_id)
    assert view["assignee"] == winners[0]
    history = instances.get_instance(runtime, people.legal_head, started["id"])["history"]
    assert [e["actor"] for e in history if e["action"] == "task_claimed"] == winners


def test_stale_writer_loses_with_conflict(people, runtime):
    """Two processes (two runtimes with their own caches) complete tasks of one case.

    The second writes from a workflow loaded before the first committed: it must get
    a conflict, and the first writer's update must survive.
    """
    second = Runtime(runtime.settings)
    try:
        started = instances.start_instance(runtime, people.staff, "publishing",
                                           PUBLISHING_REQUEST)
        iid = started["id"]
        task_id = started["tasks"][0]["id"]
        # The second process reads the case (and caches nothing it could reuse).
        instances.get_instance(second, people.director, iid)
        # Make the second runtime hold a live workflow at the current revision.
        with second.workflow_guard() as guard, second.db.write() as session:
            case = load_case(second, session, guard, iid)
            guard.saved_at(iid, case.instance.revision, case.workflow)
        tasks.complete_task(runtime, people.director, task_id, {"director_decision": "approve"})
        # The second process now acts on its stale copy: the database revision moved on,
        # so its cached workflow is not used, and the task is already finished.
        with pytest.raises(Conflict):
            tasks.complete_task(second, people.director, task_id,
                                {"director_decision": "return", "director_reason": "x"})
        view = instances.get_instance(runtime, people.director, iid)
        assert view["data"]["director_decision"] == "approve"
        assert view["tasks"][0]["role"] == "web_admin"
    finally:
        second.close()


def test_revision_check_rejects_a_lost_update(runtime, people):
    """A writer holding a case loaded before another command committed cannot overwrite it."""
    started = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    iid, task_id = started["id"], started["tasks"][0]["id"]
    with runtime.workflow_guard() as guard, runtime.db.write() as session:
        stale = load_case(runtime, session, guard, iid)
    tasks.complete_task(runtime, people.legal_officer, task_id, {"screening_outcome": "accept"})
    with (
        pytest.raises(Conflict),
        runtime.workflow_guard() as guard,
        runtime.db.write() as session,
    ):
        run_engine(stale, "the test")
        save_case(runtime, session, guard, stale)  # still carries the revision it loaded
    view = instances.get_instance(runtime, people.legal_head, iid)
    assert [t["role"] for t in view["tasks"]] == ["director"]
    assert view["data"]["screening_outcome"] == "accept"
