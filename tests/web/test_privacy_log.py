"""The Director's log of who read complaint personal data: service, page and API."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape

import pytest
from sqlalchemy import select

from engine.core import clock
from engine.core.errors import Forbidden, InvalidData
from engine.core.models import AuditEvent
from engine.services.admin import staff as admin
from engine.services.admin.users import actor_for_token, issue_token
from engine.services.complaints import privacy_log
from engine.services.complaints.privacy_log import ReadFilters, filters_from, list_reads
from engine.services.inbox import attachments, instances
from engine.thai.workdays import BANGKOK
from tests.samples import COMPLAINT, SECRETS

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

pytest_plugins = ("tests.web_support",)

PDF = b"%PDF-1.4\n%%EOF\n"
NOT_DIRECTOR = ("staff", "web_admin", "ict_head", "legal_officer", "legal_head", "admin")


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=BANGKOK)


def _complaint(rt, people) -> tuple[int, int]:
    """A complaint with one file, started by the legal officer; (case id, attachment id)."""
    case = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    stored = attachments.add_attachment(rt, people.legal_officer, case["id"], "หลักฐาน.pdf",
                                        "application/pdf", PDF)
    return case["id"], stored["id"]


def _listings(rt) -> list[AuditEvent]:
    with rt.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(
            AuditEvent.action == privacy_log.LISTED_ACTION).order_by(AuditEvent.id)))


# ---- the service --------------------------------------------------------------------------

def test_reads_are_listed_newest_first_with_who_when_and_what(runtime, people):
    with clock.frozen(_at(4, 9)):
        case_id, file_id = _complaint(runtime, people)  # the start shows the data: a read
    with clock.frozen(_at(4, 23, 30)):
        instances.get_instance(runtime, people.legal_officer2, case_id)
    with clock.frozen(_at(5, 0, 30)):  # the next Bangkok day, still 4 Dec in UTC
        attachments.read_attachment(runtime, people.legal_officer2, file_id)
    with clock.frozen(_at(6, 10)):
        instances.get_instance(runtime, people.legal_head, case_id)
        # Reads that show no personal data are not in the log.
        instances.get_instance(runtime, people.legal_head, case_id, include_personal=False)
        result = list_reads(runtime, people.director)

    reads = result["reads"]
    assert result["total"] == 4 and len(reads) == 4
    assert [(r["username"], r["action"]) for r in reads] == [
        ("legal_head", "personal_data_read"),
        ("legal_officer2", "attachment_read"),
        ("legal_officer2", "personal_data_read"),
        ("legal_officer", "personal_data_read"),
    ]
    assert {r["instance_id"] for r in reads} == {case_id}
    assert reads[1]["attachment"] == {"id": file_id, "filename": "หลักฐาน.pdf"}
    assert reads[1]["at"] == "2026-12-05T00:30:00+07:00"
    assert reads[2]["display_name"] and "complainant_name" in reads[2]["fields"]
    assert "accused_name" in reads[2]["fields"]
    assert not any(value in repr(result) for value in SECRETS)  # names of fields, not values
    # The listing itself is audited, by the Director, with what was asked.
    (listed,) = _listings(runtime)
    assert listed.actor_name == "director" and listed.instance_id is None
    assert listed.detail["total"] == 4 and listed.detail["shown"] == 4


def test_filters_by_case_bangkok_dates_user_and_pages(runtime, people):
    with clock.frozen(_at(4, 9)):
        first, file_id = _complaint(runtime, people)
        second, _file = _complaint(runtime, people)
    with clock.frozen(_at(4, 23, 30)):
        instances.get_instance(runtime, people.legal_officer2, first)
    with clock.frozen(_at(5, 0, 30)):
        attachments.read_attachment(runtime, people.legal_officer2, file_id)
    with clock.frozen(_at(6, 10)):
        instances.get_instance(runtime, people.legal_head, second)

    def who(filters: ReadFilters, **page) -> list[tuple[str, int, str]]:
        return [(r["username"], r["instance_id"], r["at"][:10]) for r in
                list_reads(runtime, people.director, filters, **page)["reads"]]

    # 5 Dec in Bangkok starts at 17:00 UTC on 4 Dec: the 23:30 read is the day before.
    assert who(ReadFilters(date_from=date(2026, 12, 5), date_to=date(2026, 12, 5))) == [
        ("legal_officer2", first, "2026-12-05")]
    assert who(ReadFilters(date_to=date(2026, 12, 4), username="legal_officer2")) == [
        ("legal_officer2", first, "2026-12-04")]
    assert who(ReadFilters(date_from=date(2026, 12, 5))) == [
        ("legal_head", second, "2026-12-06"), ("legal_officer2", first, "2026-12-05")]
    assert who(ReadFilters(instance_id=second)) == [
        ("legal_head", second, "2026-12-06"), ("legal_officer", second, "2026-12-04")]
    assert who(ReadFilters(username="LEGAL_HEAD")) == [("legal_head", second, "2026-12-06")]
    assert who(ReadFilters(username="nobody")) == []
    everything = list_reads(runtime, people.director)
    assert everything["total"] == 5
    assert who(ReadFilters(), limit=2, offset=1) == [
        (r["username"], r["instance_id"], r["at"][:10]) for r in everything["reads"][1:3]]
    assert _listings(runtime)[0].detail["date_from"] == "2026-12-05"


def test_filters_from_query_parameters(runtime):
    assert filters_from({"instance_id": " 12 ", "date_from": "2026-12-01",
                         "date_to": "31/12/2569", "username": " legal_head "}) == ReadFilters(
        instance_id=12, date_from=date(2026, 12, 1), date_to=date(2026, 12, 31),
        username="legal_head")  # ISO in the Common Era, or วว/ดด/ปปปป in the Buddhist Era
    with pytest.raises(InvalidData) as be_as_iso:
        filters_from({"date_to": "2569-12-31"})  # refused, never converted
    assert "ดูเหมือนปี พ.ศ." in be_as_iso.value.fields["date_to"]
    assert filters_from({}) == ReadFilters()
    with pytest.raises(InvalidData) as bad:
        filters_from({"instance_id": "สิบ", "date_from": "2026-13-01"})
    assert set(bad.value.fields) == {"instance_id", "date_from"}
    assert bad.value.message.startswith("ตัวกรองไม่ถูกต้อง")
    with pytest.raises(InvalidData) as bad:
        filters_from({"date_from": "2026-12-05", "date_to": "2026-12-04"})
    assert set(bad.value.fields) == {"date_to"}


def test_only_the_director_may_list_and_a_refusal_lists_nothing(runtime, people):
    for name in NOT_DIRECTOR:
        with pytest.raises(Forbidden):
            list_reads(runtime, getattr(people, name))
    assert _listings(runtime) == []
    with pytest.raises(InvalidData):
        list_reads(runtime, people.director, limit=0)
    assert _listings(runtime) == []


def test_an_acting_director_may_list(runtime, people):
    today = clock.now().astimezone(BANGKOK).date()
    admin.appoint_acting(runtime, people.admin, "legal_head", "director", today, today,
                         "คำสั่ง สพป. ที่ 1/2570")
    acting = actor_for_token(runtime, issue_token(runtime, "legal_head"))
    assert list_reads(runtime, acting)["total"] == 0
    assert _listings(runtime)[0].actor_name == "legal_head"


# ---- the page -------------------------------------------------------------------------------

def test_the_director_sees_a_legal_officers_reads_on_the_page(
        browser, sqlite_runtime, web_people):
    case_id, file_id = _complaint(sqlite_runtime, web_people)
    legal = browser("legal_officer2")
    with clock.frozen(_at(8, 14, 5)):
        assert legal.get(f"/cases/{case_id}").status_code == 200
        assert legal.get(f"/attachments/{file_id}").data == PDF

    director = browser("director")
    inbox = director.get("/inbox").get_data(as_text=True)
    assert 'href="/privacy/reads"' in inbox
    page = director.get("/privacy/reads?username=legal_officer2")
    assert page.status_code == 200
    text = unescape(page.get_data(as_text=True))
    assert "บันทึกการเข้าถึงข้อมูลส่วนบุคคลในเรื่องร้องเรียน" in text
    rows = re.findall(r"<tr>\s*<td data-label.*?</tr>", text, re.S)
    assert len(rows) == 2
    newest, oldest = rows
    assert "เปิดไฟล์แนบ" in newest and "หลักฐาน.pdf" in newest
    assert "เปิดดูข้อมูลส่วนบุคคล" in oldest and "ชื่อ" in oldest
    for row in rows:
        assert "(legal_officer2)" in row and f'href="/cases/{case_id}"' in row
        assert "8 ธันวาคม 2569 14:05 น." in row  # Buddhist Era, Bangkok time
    assert "2026" not in "".join(re.sub(r'datetime="[^"]*"', "", r) for r in rows)
    assert not any(value in text for value in SECRETS)
    assert 'value="legal_officer2"' in text  # the filter stays filled in


def test_bad_filters_on_the_page_say_so_in_thai_and_keep_the_input(
        browser, sqlite_runtime, web_people):
    director = browser("director")
    page = director.get("/privacy/reads?instance_id=abc&date_from=2026-12-09&date_to=2026-12-01")
    assert page.status_code == 400
    text = unescape(page.get_data(as_text=True))
    assert "เลขที่เรื่องต้องเป็นตัวเลข" in text and "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น" in text
    assert 'value="abc"' in text and 'value="2026-12-09"' in text
    assert 'id="filter-instance_id-error"' in text
    assert _listings(sqlite_runtime) == []  # nothing listed, nothing recorded


def test_the_page_pages(browser, sqlite_runtime, web_people, monkeypatch):
    monkeypatch.setattr(privacy_log, "PAGE_SIZE", 2)
    case_id, _file = _complaint(sqlite_runtime, web_people)
    for _ in range(4):
        instances.get_instance(sqlite_runtime, web_people.legal_head, case_id)
    director = browser("director")
    text = unescape(director.get(f"/privacy/reads?instance_id={case_id}").get_data(as_text=True))
    assert "แสดง 1–2 จากทั้งหมด 5 รายการ" in text and "หน้า 1 จาก 3" in text
    assert f'href="/privacy/reads?instance_id={case_id}&amp;page=2"' in \
        director.page.get_data(as_text=True)
    text = unescape(director.get(f"/privacy/reads?instance_id={case_id}&page=3")
                    .get_data(as_text=True))
    assert "แสดง 5–5 จากทั้งหมด 5 รายการ" in text and "(legal_officer)" in text


@pytest.mark.parametrize("role", NOT_DIRECTOR)
def test_other_roles_get_403_and_no_link(browser, sqlite_runtime, web_people, role):
    user = browser(role)
    assert 'href="/privacy/reads"' not in user.get("/inbox").get_data(as_text=True)
    refused = user.get("/privacy/reads")
    assert refused.status_code == 403
    assert "ไม่มีสิทธิ์" in refused.get_data(as_text=True)
    assert _listings(sqlite_runtime) == []


def test_signed_out_goes_to_sign_in(app):
    page = app.test_client().get("/privacy/reads")
    assert page.status_code in (302, 401) and "/signin" in page.headers.get("Location", "")


# ---- the API --------------------------------------------------------------------------------

def test_the_api_lists_reads_for_the_director_only(app, sqlite_runtime, web_people):
    case_id, file_id = _complaint(sqlite_runtime, web_people)
    attachments.read_attachment(sqlite_runtime, web_people.legal_officer2, file_id)
    client = app.test_client()

    def get(name: str | None, **params):
        headers = {}
        if name:
            token = issue_token(sqlite_runtime, getattr(web_people, name).username)
            headers = {"Authorization": f"Bearer {token}"}
        return client.get("/api/v1/privacy/reads", query_string=params, headers=headers)

    listed = get("director", instance_id=case_id, username="legal_officer2")
    assert listed.status_code == 200
    body = listed.json
    assert body["total"] == 1 and body["limit"] == privacy_log.PAGE_SIZE
    (read,) = body["reads"]
    assert read["action"] == "attachment_read" and read["instance_id"] == case_id
    assert read["username"] == "legal_officer2" and read["attachment"]["id"] == file_id
    assert len(get("director", limit=1).json["reads"]) == 1
    bad = get("director", date_from="yesterday")
    assert bad.status_code == 400 and "date_from" in bad.json["fields"]
    assert get("director", limit=500).status_code == 400
    for name in NOT_DIRECTOR:
        refused = get(name, date_from="yesterday")  # the role is checked before the input
        assert refused.status_code == 403 and refused.json["error"] == "forbidden"
    assert get(None).status_code == 401
    assert [e.actor_name for e in _listings(sqlite_runtime)] == ["director", "director"]
