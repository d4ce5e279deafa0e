"""The escalations page tells one story per task: one row with its highest level, the
levels it reached with each one's own age, a badge that counts tasks, notices worded by
tense, and the case's subject only for those who may see the case.

The processes here route the first triage escalation to the head of ICT instead of the
head of Legal Affairs: a role told of an escalation that may not open the complaint.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime

import pytest

from engine.core import clock
from engine.jobs.scheduler import tick
from engine.services.inbox import instances, notifications, tasks
from engine.thai.workdays import BANGKOK
from engine.workflow import escalation_stories, escalations
from tests.conftest import PROCESSES, deploy, make_runtime
from tests.samples import COMPLAINT
from tests.web_client import html

pytest_plugins = ("tests.web_support",)

SUBJECT = COMPLAINT["subject"]


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


@pytest.fixture
def sqlite_runtime(tmp_path):
    processes = tmp_path / "processes"
    shutil.copytree(PROCESSES, processes)
    settings = processes / "processes.toml"
    text = settings.read_text(encoding="utf-8")
    routed = 'triage_breach = { level = 1, notify = "legal_head" }'
    assert text.count(routed) == 1
    settings.write_text(text.replace(routed, routed.replace("legal_head", "ict_head")),
                        encoding="utf-8")
    rt = make_runtime(tmp_path, processes_dir=processes)
    report = deploy(rt)
    assert report.ok, [p.format("en") for p in report.problems]
    yield rt
    rt.close()


def _three_levels(rt, people, now) -> dict:
    """A complaint received Fri 4 Dec 2026: due 11 Dec 16:30, second escalation 15 Dec."""
    case = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    now.move_to(bkk("2026-12-15T16:31"))
    assert tick(rt).fired == 3  # the reminder, the breach and the second escalation
    now.move_to(bkk("2026-12-17T10:00"))
    return case


def test_one_row_per_task_with_its_levels_and_their_own_ages(sqlite_runtime, web_people,
                                                             browser):
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        case = _three_levels(sqlite_runtime, web_people, now)
        head = browser("legal_head")
        page = html(head.get("/escalations"))
        assert head.page.status_code == 200
        assert page.count('<tr class="story') == 1
        assert page.count('<li class="level level-') == 3
        assert "1 งาน" in page
        # The highest level heads the row; each level is aged from its own due date:
        # 11 Dec → 17 Dec is 4 working days (14–17), 15 Dec → 17 Dec is 2.
        row = page[page.index('<tr class="story'):page.index("</tr>", page.index("<tbody>"))]
        assert "ยกระดับขั้นที่ 2" in row and "ยกระดับขั้นที่ 1" in row and "แจ้งเตือน" in row
        assert "เกินกำหนดมาแล้ว 2 วันทำการ" in row
        assert row.count("เกินกำหนดมาแล้ว 4 วันทำการ") == 2  # the reminder and the breach
        (story,) = escalation_stories.escalation_stories(sqlite_runtime, web_people.legal_head)
        assert [lv["level"] for lv in story["levels"]] == [0, 1, 2]
        assert [lv["age_working_days"] for lv in story["levels"]] == [4, 4, 2]
        assert story["instance_id"] == case["id"] and story["level"] == 2
        # The flat list (the API) ages each level from its own due date too.
        ages = sorted(e["age_working_days"] for e in escalations.list_escalations(
            sqlite_runtime, web_people.legal_head))
        assert ages == [2, 4, 4]


def test_the_badge_counts_tasks_and_one_acknowledgement_covers_the_story(
        sqlite_runtime, web_people, browser):
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        _three_levels(sqlite_runtime, web_people, now)
        head = browser("legal_head")
        page = html(head.get("/escalations"))
        assert re.search(r'งานเกินกำหนด <span class="count">1<', page)
        assert escalation_stories.count_open_stories(sqlite_runtime, web_people.legal_head) == 1
        (story,) = escalation_stories.escalation_stories(sqlite_runtime, web_people.legal_head)
        assert story["acknowledge_id"] == story["top"]["id"]
        assert page.count("/acknowledge") == 1  # one button for the task
        done = head.post(f"/escalations/{story['acknowledge_id']}/acknowledge")
        assert done.status_code == 302
        page = html(head.get("/escalations"))
        assert 'งานเกินกำหนด <span class="count">' not in page
        assert "/acknowledge" not in page and "รับทราบแล้ว" in page
        statuses = {e["level"]: e["status"] for e in escalations.list_escalations(
            sqlite_runtime, web_people.legal_head)}
        assert statuses == {0: "acknowledged", 1: "acknowledged", 2: "acknowledged"}
        # Triage done: the story moves to "resolved", whole, and leaves the current view.
        task_id = story["task_id"]
        tasks.complete_task(sqlite_runtime, web_people.legal_officer, task_id,
                            {"screening_outcome": "accept"})
        assert html(head.get("/escalations")).count('<tr class="story') == 0
        page = html(head.get("/escalations?status=resolved"))
        assert page.count('<tr class="story') == 1
        assert page.count('<li class="level level-') == 3
        assert "ดำเนินการเมื่อ 17 ธันวาคม 2569 10:00 น." in page


def test_the_subject_is_shown_only_to_roles_that_may_see_the_case(sqlite_runtime, web_people,
                                                                  browser):
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        case = _three_levels(sqlite_runtime, web_people, now)
        for name in ("legal_head", "director"):
            page = html(browser(name).get("/escalations"))
            assert SUBJECT in page, name
        ict = browser("ict_head")
        page = html(ict.get("/escalations"))
        assert ict.page.status_code == 200
        assert f"เรื่องเลขที่ {case['id']}" in page  # told of it, by number
        assert SUBJECT not in page
        assert page.count('<li class="level level-') == 1  # only the level routed to ICT
        (story,) = escalation_stories.escalation_stories(sqlite_runtime, web_people.ict_head)
        assert story["subject"] is None and story["level"] == 1
        assert ict.get(f"/cases/{case['id']}").status_code == 404


def test_notices_and_ages_are_worded_by_tense(sqlite_runtime, web_people, browser):
    with clock.frozen(bkk("2026-12-11T08:31")):
        # Keyed in on the last morning: the reminder says the deadline is still to come.
        on_time = instances.start_instance(sqlite_runtime, web_people.legal_officer,
                                           "complaint", COMPLAINT)
        tick(sqlite_runtime)
        page = html(browser("legal_head").get("/escalations"))
        assert "จะครบกำหนด 11 ธันวาคม 2569 16:30 น." in page
    with clock.frozen(bkk("2026-12-14T10:00")):
        # Keyed in after the deadline: its reminder fires at once, about a past date.
        late = instances.start_instance(sqlite_runtime, web_people.legal_officer,
                                        "complaint", COMPLAINT)
        texts = {n["instance_id"]: n["text"] for n in notifications.list_notifications(
            sqlite_runtime, web_people.legal_officer)}
        assert "จะครบกำหนด 11 ธันวาคม 2569" in texts[on_time["id"]]
        assert "ครบกำหนดแล้วเมื่อ 11 ธันวาคม 2569 16:30 น." in texts[late["id"]]
        assert "จะครบกำหนด" not in texts[late["id"]]
        head = browser("legal_head")
        head.post("/language", {"lang": "en", "next": "/escalations"})
        page = html(head.get("/escalations"))
        assert "overdue by 1 working day" in page
        assert "will be due" not in page
