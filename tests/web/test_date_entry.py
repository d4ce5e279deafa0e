"""Dates typed on the pages: วว/ดด/ปปปป in the Buddhist Era in, ISO CE stored, BE shown back;
and the API's ISO dates with the same refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from engine.core import clock
from engine.core.models import ProcessInstance
from engine.services.admin.users import issue_token
from engine.services.inbox import instances
from engine.thai.workdays import BANGKOK
from tests.samples import COMPLAINT
from tests.web_client import form_of, html
from webui.forms_render import fields_for, parse_form

pytest_plugins = ("tests.web_support",)

#: Friday 4 December 2569 BE, the morning the sample complaint's letter arrives.
TODAY = datetime(2026, 12, 4, 10, 0, tzinfo=BANGKOK)


@pytest.fixture(autouse=True)
def on_the_day() -> Iterator[None]:
    with clock.frozen(TODAY):
        yield


def cases(rt) -> int:
    with rt.db.read() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance)) or 0


def typed(**dates: str) -> dict:
    return {**form_of(COMPLAINT), **dates}


def test_date_inputs_are_text_with_the_thai_hint(browser):
    page = html(browser("staff").get("/start/publishing"))
    tag = re.search(r'<input [^>]*id="f-request_date"[^>]*>', page)
    assert tag and 'type="text"' in tag.group(0) and 'type="date"' not in page
    assert 'placeholder="วว/ดด/ปปปป"' in tag.group(0)
    assert 'aria-describedby="f-request_date-help"' in tag.group(0)
    assert "พิมพ์ วว/ดด/ปปปป ปี พ.ศ. เช่น 20/11/2569" in page
    assert "ปปปป-ดด-วว" not in page  # the API's hint is not the page's
    # Today, the first value the form offers, in the Buddhist Era.
    assert 'value="04/12/2569"' in tag.group(0)


def test_be_and_thai_digits_are_stored_as_iso_ce_and_shown_in_be(sqlite_runtime, web_people,
                                                                  browser):
    legal = browser("legal_officer")
    legal.get("/start/complaint")
    response = legal.post("/start/complaint", typed(received_at="04/12/2569",
                                                    event_date="๑๕/๑๐/๒๕๖๙"))
    assert response.status_code == 302, legal.text()[:3000]
    iid = int(response.headers["Location"].rsplit("/", 1)[1])
    case = instances.get_instance(sqlite_runtime, web_people.legal_officer, iid)
    assert case["data"]["received_at"] == "2026-12-04"
    assert case["data"]["event_date"] == "2026-10-15"
    # Counted from 4 Dec: 5 and 7 Dec are off, 10 Dec is Constitution Day.
    assert case["tasks"][0]["due_at"] == "2026-12-11T16:30:00+07:00"
    page = html(legal.get(f"/cases/{iid}"))
    assert "4 ธันวาคม 2569" in page and "15 ตุลาคม 2569" in page


def test_iso_be_year_is_refused_saying_how_it_was_read(sqlite_runtime, browser):
    legal = browser("legal_officer")
    legal.get("/start/complaint")
    response = legal.post("/start/complaint", typed(received_at="2569-12-04"))
    assert response.status_code == 400
    page = html(response)
    assert "อ่านได้เป็น 4 ธันวาคม 3112" in page and "ให้พิมพ์ 04/12/2569" in page
    tag = re.search(r'<input [^>]*id="f-received_at"[^>]*>', page)
    assert tag and 'value="2569-12-04"' in tag.group(0) and 'aria-invalid="true"' in tag.group(0)
    assert cases(sqlite_runtime) == 0


@pytest.mark.parametrize(("received", "words"), [
    ("20/11/69", "พิมพ์ปี 4 หลัก เช่น 2569"),
    ("31/11/2569", "อ่านได้เป็นวันที่ 31 พฤศจิกายน พ.ศ. 2569"),
    ("12/31/2569", "อ่านได้เป็นวันที่ 12 เดือนที่ 31"),
    ("05/12/2569", "ยังไม่ถึง"),  # tomorrow
    ("03/12/2568", "ย้อนหลังเกิน 1 ปี"),
])
def test_bad_received_dates_are_refused_and_nothing_is_filed(sqlite_runtime, browser,
                                                             received, words):
    legal = browser("legal_officer")
    legal.get("/start/complaint")
    response = legal.post("/start/complaint", typed(received_at=received))
    assert response.status_code == 400
    assert words in html(response)
    assert f'value="{received}"' in html(response)
    assert cases(sqlite_runtime) == 0


def test_english_page_gets_the_english_half(browser):
    legal = browser("legal_officer")
    legal.post("/language", {"lang": "en", "next": "/inbox"})
    legal.get("/start/complaint")
    page = html(legal.post("/start/complaint", typed(received_at="2569-12-04")))
    assert "reads as 4 December 2569 CE" in page and "type 04/12/2569" in page
    assert "อ่านได้เป็น" not in page


def test_iso_ce_typed_is_shown_back_in_be_after_another_error(browser):
    legal = browser("legal_officer")
    legal.get("/start/complaint")
    page = html(legal.post("/start/complaint", typed(received_at="2026-12-04",
                                                     complainant_email="not-an-email")))
    assert "อีเมลไม่ถูกต้อง" in page
    tag = re.search(r'<input [^>]*id="f-received_at"[^>]*>', page)
    assert tag and 'value="04/12/2569"' in tag.group(0)


def test_inbox_due_filter_reads_be(browser):
    legal = browser("legal_officer")
    legal.get("/start/complaint")
    assert legal.post("/start/complaint", typed()).status_code == 302
    due_day = html(legal.get("/inbox?view=group&due_before=11/12/2569"))
    day_before = html(legal.get("/inbox?view=group&due_before=๑๐/๑๒/๒๕๖๙"))
    assert COMPLAINT["subject"] in due_day and COMPLAINT["subject"] not in day_before
    assert 'value="11/12/2569"' in html(legal.get("/inbox?view=group&due_before=2026-12-11"))
    refused = html(legal.get("/inbox?view=group&due_before=2569-12-11"))
    assert "อ่านได้เป็น 11 ธันวาคม 3112" in refused and 'aria-invalid="true"' in refused
    assert COMPLAINT["subject"] in refused  # a filter that cannot be read filters nothing


def test_report_filters_read_be_and_refuse_iso_be(browser):
    director = browser("director")
    page = director.get("/privacy/reads?date_from=01/12/2569&date_to=๓๑/๑๒/๒๕๖๙")
    assert page.status_code == 200 and 'value="01/12/2569"' in html(page)
    refused = director.get("/privacy/reads?date_from=2569-12-01")
    assert refused.status_code == 400 and "อ่านได้เป็น 1 ธันวาคม 3112" in html(refused)
    web_admin = browser("web_admin")
    assert web_admin.get("/reports/publications?date_from=01/12/2569").status_code == 200
    refused = web_admin.get("/reports/publications?date_to=2569-12-31")
    assert refused.status_code == 400 and "ดูเหมือนปี พ.ศ." in html(refused)


# ---- the API: ISO in the Common Era, the same refusals ----------------------------------

@pytest.fixture
def api(app, sqlite_runtime, web_people):
    client = app.test_client()
    token = issue_token(sqlite_runtime, web_people.legal_officer.username)

    def start(**data: str):
        return client.post("/api/v1/processes/complaint/instances",
                           json={"data": {**COMPLAINT, **data}},
                           headers={"Authorization": f"Bearer {token}"})

    return start


def test_api_takes_iso_ce(api):
    started = api()
    assert started.status_code == 201, started.json
    assert started.json["tasks"][0]["due_at"] == "2026-12-11T16:30:00+07:00"


@pytest.mark.parametrize(("received", "words"), [
    ("2569-12-04", "อ่านได้เป็น 4 ธันวาคม 3112"),
    ("04/12/2569", "ปปปป-ดด-วว"),  # the API is ISO only
    ("2026-12-05", "ยังไม่ถึง"),
    ("2025-12-03", "ย้อนหลังเกิน 1 ปี"),
])
def test_api_refuses_be_years_and_received_dates_out_of_range(api, sqlite_runtime,
                                                              received, words):
    refused = api(received_at=received)
    assert refused.status_code == 400
    assert words in refused.json["fields"]["received_at"]
    assert cases(sqlite_runtime) == 0


# ---- the form helpers the pages share ---------------------------------------------------

SCHEMA = {"type": "object", "properties": {
    "on": {"type": "string", "title": "วันที่แจ้งผล", "format": "date",
           "description": "วันที่ในรูปแบบ ปปปป-ดด-วว (ปี ค.ศ.)"}}}


def test_parse_form_gives_the_engine_iso_ce_and_keeps_what_was_typed(app):
    with app.test_request_context():
        data, kept, errors = parse_form(SCHEMA, MultiDict({"on": " ๒๐/๑๑/๒๕๖๙ "}))
        assert data == {"on": "2026-11-20"} and errors == {}
        assert kept["on"] == " ๒๐/๑๑/๒๕๖๙ "
        data, kept, errors = parse_form(SCHEMA, MultiDict({"on": "2569-11-20"}))
        assert data == {} and "อ่านได้เป็น 20 พฤศจิกายน 3112" in errors["on"]
        (shown,) = fields_for(SCHEMA, {"on": "2026-11-20"})
        assert shown.kind == "date" and shown.value == "20/11/2569"
        assert shown.help == "พิมพ์ วว/ดด/ปปปป ปี พ.ศ. เช่น 20/11/2569"
        (refused,) = fields_for(SCHEMA, {"on": "2569-11-20"})
        assert refused.value == "2569-11-20"  # shown as typed, to be corrected
