"""Case search (issue 15, point 3) on SQLite and PostgreSQL: each filter, the trigram
index on a Thai fragment, the visibility scope, names through the blind index and the
privacy log that records such a search without its term."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.core import clock
from engine.core.errors import Forbidden, InvalidData
from engine.core.models import AuditEvent, ProcessInstance
from engine.services.complaints import citizen, privacy_log
from engine.services.inbox import instances
from engine.services.search.cases import (
    NAMES_SEARCHED,
    SHORT_TERM_SCAN,
    my_requests,
    search_cases,
)
from engine.services.search.filters import CaseFilters, filters_from
from engine.thai.dates import parse_date_entry, parse_iso_day
from engine.thai.workdays import BANGKOK
from engine.workflow.access import may_see_instance
from tests.samples import COMPLAINT, PUBLISHING_REQUEST

WEB = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
ACCUSED = "นายประหยัด มัธยัสถ์ยิ่ง"
COMPLAINANT = "นางสาวใจกล้า ร้องทุกข์"


#: The day the cases but one start (Tuesday 1 December 2026, Bangkok); the website's
#: complaint comes on the 3rd. Fixed, so "started on the 3rd" finds one case whatever
#: day the suite runs, and the received date of 20 November is never too old.
CASES_DAY = datetime(2026, 12, 1, 10, 0, tzinfo=BANGKOK)


@pytest.fixture
def cases(runtime, people) -> Iterator[dict[str, Any]]:
    """A complaint keyed in by Legal Affairs, one filed on the website, two publishing
    requests of two units; the tests run on CASES_DAY's clock."""
    with clock.frozen(CASES_DAY):
        yield _start_cases(runtime, people)


def _start_cases(runtime, people) -> dict[str, Any]:
    keyed = instances.start_instance(runtime, people.legal_officer, "complaint", {
        **COMPLAINT, "subject": "ร้องเรียนการจัดซื้อครุภัณฑ์คอมพิวเตอร์",
        "accused_name": ACCUSED, "complainant_name": COMPLAINANT,
        "received_at": "2026-11-20"})["id"]
    with clock.frozen(datetime(2026, 12, 3, 10, 0, tzinfo=BANGKOK)):
        receipt = citizen.submit_complaint(runtime, {**WEB, "notice_acknowledged": True})
    with runtime.db.read() as session:
        filed = session.scalar(select(ProcessInstance.id).where(
            ProcessInstance.id != keyed, ProcessInstance.process_key == "complaint"))
    plan = instances.start_instance(runtime, people.staff, "publishing", {
        **PUBLISHING_REQUEST, "title": "ประกาศผลการสอบราคาจ้างซ่อมอาคารเรียน"})["id"]
    hr = instances.start_instance(runtime, people.staff_other_unit, "publishing",
                                  {**PUBLISHING_REQUEST, "unit": "กลุ่มบริหารงานบุคคล"})["id"]
    return {"keyed": keyed, "filed": filed, "code": receipt["tracking_code"], "plan": plan,
            "hr": hr}


def _ids(runtime, actor, **conditions) -> list[int]:
    found = search_cases(runtime, actor, CaseFilters(**conditions))
    return [row["id"] for row in found["cases"]]


def test_the_scope_is_exactly_who_may_see_a_case(runtime, people, cases):
    with runtime.db.read() as session:
        rows = session.scalars(select(ProcessInstance)).all()
        for who, actor in people.all().items():
            expected = {row.id for row in rows if may_see_instance(
                actor, row, runtime.definitions.by_id(session, row.version_id).bundle)}
            assert set(_ids(runtime, actor)) == expected, who
    assert set(_ids(runtime, people.legal_officer)) == {cases["keyed"], cases["filed"]}
    assert set(_ids(runtime, people.staff)) == {cases["plan"]}  # not the other unit's


def test_a_web_admin_does_not_find_a_complaint(runtime, people, cases):
    assert _ids(runtime, people.web_admin, tracking_code=cases["code"]) == []
    assert _ids(runtime, people.web_admin, process_key="complaint") == []
    assert _ids(runtime, people.web_admin, text="ครุภัณฑ์") == []
    with pytest.raises(Forbidden):
        search_cases(runtime, people.web_admin, CaseFilters(name="ประหยัด"))


def test_a_legal_officer_finds_a_complaint_by_its_tracking_code(runtime, people, cases):
    typed = cases["code"].lower().replace("-", " ")  # as read over the phone
    found = search_cases(runtime, people.legal_officer, filters_from({"code": typed}))
    assert [(r["id"], r["tracking_code"]) for r in found["cases"]] == [
        (cases["filed"], cases["code"])]
    assert found["cases"][0]["title"] == WEB["subject"]


def test_filters_each_narrow_the_search(runtime, people, cases):
    director = people.director
    assert _ids(runtime, director, number=cases["plan"]) == [cases["plan"]]
    assert set(_ids(runtime, director, process_key="complaint")) == {cases["keyed"],
                                                                   cases["filed"]}
    assert _ids(runtime, director, status="completed") == []
    assert len(_ids(runtime, director, status="running")) == 4
    received = _ids(runtime, director, process_key="complaint",
                    date_from=date(2026, 11, 20), date_to=date(2026, 11, 20))
    assert received == [cases["keyed"]]
    started = _ids(runtime, director, date_field="started", date_from=date(2026, 12, 3),
                   date_to=date(2026, 12, 3))
    assert started == [cases["filed"]]


def test_a_thai_fragment_of_a_subject_is_found_by_the_trigram_index(runtime, people, cases):
    director = people.director
    assert _ids(runtime, director, text="ครุภัณฑ์") == [cases["keyed"]]
    assert _ids(runtime, director, text="ซ่อมอาคาร") == [cases["plan"]]
    # Every word must be found, in any order.
    assert _ids(runtime, director, text="อาคาร สอบราคา") == [cases["plan"]]
    assert _ids(runtime, director, text="อาคาร ครุภัณฑ์") == []
    # LIKE's wildcards and FTS5's syntax are taken literally.
    assert _ids(runtime, director, text='%"') == []
    assert _ids(runtime, director, text="ครุ*") == []


def test_a_word_shorter_than_a_trigram_searches_the_newest_cases(runtime, people, cases):
    found = search_cases(runtime, people.director, CaseFilters(text="ซ่"))
    assert [r["id"] for r in found["cases"]] == [cases["plan"]]
    assert found["bounded"] is True and SHORT_TERM_SCAN >= 4


def test_the_title_keeps_in_step_with_the_case(runtime, people, cases):
    with runtime.db.write() as session:
        session.get_one(ProcessInstance, cases["plan"]).title = "รายงานผลการดำเนินงานไตรมาส"
    assert _ids(runtime, people.director, text="ซ่อมอาคาร") == []
    assert _ids(runtime, people.director, text="ไตรมาส") == [cases["plan"]]


def test_a_legal_officer_finds_a_complaint_by_a_fragment_of_a_name(runtime, people, cases):
    officer = people.legal_officer
    found = search_cases(runtime, officer, CaseFilters(name="มัธยัสถ์"))
    assert [r["id"] for r in found["cases"]] == [cases["keyed"]]
    assert found["cases"][0]["names"] == {"accused": ACCUSED, "complainant": COMPLAINANT}
    assert _ids(runtime, officer, name="มัธยัสถ์", name_fields=("complainant",)) == []
    assert _ids(runtime, officer, name="ร้องทุกข์", name_fields=("complainant",)) == [
        cases["keyed"]]
    # The sample's accused (นายสมมติ ถูกร้อง) is in the website complaint only.
    assert _ids(runtime, officer, name="สมมติ") == [cases["filed"]]
    with pytest.raises(InvalidData) as refused:
        search_cases(runtime, officer, CaseFilters(name="ใจ"))
    assert "name" in refused.value.fields


def test_a_name_search_is_in_the_privacy_log_without_its_term(runtime, people, cases):
    search_cases(runtime, people.legal_head, CaseFilters(name="ประหยัด", status="running"))
    with runtime.db.read() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.actor_id == people.legal_head.id)).all()
    searched = [e for e in events if e.action == NAMES_SEARCHED]
    assert len(searched) == 1
    assert searched[0].detail["results"] == 1
    assert searched[0].detail["conditions"] == ["status"]
    reads = [e for e in events if e.action == "personal_data_read"]
    assert [(e.instance_id, e.detail["via"]) for e in reads] == [(cases["keyed"], "search")]
    for event in events:
        assert "ประหยัด" not in str(event.detail)
    listed = privacy_log.list_reads(runtime, people.director)["reads"]
    search_row = next(r for r in listed if r["action"] == NAMES_SEARCHED)
    assert (search_row["username"], search_row["results"]) == ("legal_head", 1)
    assert "ประหยัด" not in str(listed)


def test_a_search_without_names_reads_no_personal_data(runtime, people, cases):
    with runtime.db.read() as session:
        before = session.scalar(select(func.max(AuditEvent.id)))
    found = search_cases(runtime, people.legal_officer, CaseFilters(process_key="complaint"))
    assert found["total"] == 2 and "names" not in found["cases"][0]
    with runtime.db.read() as session:
        actions = set(session.scalars(select(AuditEvent.action).where(
            AuditEvent.id > before)))
    assert not actions & {NAMES_SEARCHED, "personal_data_read"}


def test_my_requests_are_the_cases_i_started(runtime, people, cases):
    mine = my_requests(runtime, people.staff)
    assert [(r["id"], r["status"]) for r in mine["cases"]] == [(cases["plan"], "running")]
    assert mine["cases"][0]["open_steps"]  # waiting for the Director's approval
    assert my_requests(runtime, people.director)["total"] == 0


def test_paging_is_bounded(runtime, people, cases):
    first = search_cases(runtime, people.director, CaseFilters(), limit=3)
    second = search_cases(runtime, people.director, CaseFilters(), limit=3, offset=3)
    assert first["total"] == 4 and len(first["cases"]) == 3 and len(second["cases"]) == 1
    with pytest.raises(InvalidData):
        search_cases(runtime, people.director, CaseFilters(), limit=1000)


def test_bad_conditions_are_named_together():
    with pytest.raises(InvalidData) as refused:
        filters_from({"number": "สิบ", "code": "XYZ", "status": "lost",
                      "date_from": "2026-12-10", "date_to": "2026-12-01"}, read_day=parse_iso_day)
    assert set(refused.value.fields) == {"number", "code", "status", "date_to"}
    with pytest.raises(ValueError, match="พ.ศ."):
        parse_iso_day("2569-11-20")
    assert parse_date_entry("๒๐/๑๑/๒๕๖๙") == parse_date_entry("2026-11-20") == date(2026, 11, 20)
    assert "name" not in repr(CaseFilters(name="ประหยัด")).replace("name_fields", "")
