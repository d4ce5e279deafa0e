"""The case search page, "my requests", the tracking code on the case page and the API's
case search: roles, CSRF, and a name that travels in POST bodies only, never in a URL
or a log line."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from engine.core.models import AuditEvent, TrackingCode
from engine.services.admin.users import issue_token
from engine.services.complaints import citizen
from engine.services.inbox import instances
from tests.samples import COMPLAINT, PUBLISHING_REQUEST
from tests.web_client import Browser, html

pytest_plugins = ("tests.web_support",)

WEB = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
ACCUSED = "นายประหยัด มัธยัสถ์ยิ่ง"
FRAGMENT = "มัธยัสถ์"


@pytest.fixture
def filed(sqlite_runtime, web_people) -> dict[str, object]:
    """A complaint filed on the website (accused: ACCUSED) and a publishing request."""
    receipt = citizen.submit_complaint(sqlite_runtime, {**WEB, "accused_name": ACCUSED,
                                                        "notice_acknowledged": True})
    with sqlite_runtime.db.read() as session:
        case_id = session.scalar(select(TrackingCode.instance_id).where(
            TrackingCode.code == receipt["tracking_code"]))
    request_id = instances.start_instance(sqlite_runtime, web_people.staff, "publishing",
                                          PUBLISHING_REQUEST)["id"]
    return {"code": receipt["tracking_code"], "case": case_id, "request": request_id}


def _term_nowhere(caplog: pytest.LogCaptureFixture, *responses) -> None:
    for record in caplog.records:
        assert FRAGMENT not in record.getMessage()
        assert FRAGMENT not in str(vars(record))
    for response in responses:
        assert FRAGMENT not in (response.headers.get("Location") or "")
        assert FRAGMENT not in response.request.url


def test_the_menu_leads_to_the_search_and_my_requests(browser, filed):
    staff = browser("staff")
    page = html(staff.get("/inbox"))
    assert 'href="/search"' in page and "ค้นหาเรื่อง" in page
    assert 'href="/my-requests"' in page and "เรื่องที่ฉันยื่น" in page
    mine = html(staff.get("/my-requests"))
    assert f'href="/cases/{filed["request"]}"' in mine
    assert PUBLISHING_REQUEST["title"] in mine and "อยู่ระหว่างดำเนินการ" in mine
    assert f'href="/cases/{filed["case"]}"' not in mine


def test_a_legal_officer_finds_a_complaint_by_its_tracking_code(browser, filed):
    officer = browser("legal_officer")
    page = html(officer.get("/search", query_string={"code": filed["code"].lower()}))
    assert f'href="/cases/{filed["case"]}"' in page and filed["code"] in page
    assert WEB["subject"] in page
    case_page = html(officer.get(f"/cases/{filed['case']}"))
    assert "รหัสติดตามของผู้ร้องเรียน" in case_page and filed["code"] in case_page


def test_a_web_admin_finds_no_complaint_and_no_name_field(browser, filed):
    admin = browser("web_admin")
    page = html(admin.get("/search", query_string={"code": filed["code"]}))
    assert f'/cases/{filed["case"]}"' not in page and "ไม่พบเรื่อง" in page
    assert 'name="name"' not in page and 'method="get"' in page
    refused = admin.post("/search", {"name": FRAGMENT})
    assert refused.status_code == 403


def test_a_name_search_posts_and_never_shows_the_term_in_a_url_or_log(
        browser, filed, sqlite_runtime, caplog):
    caplog.set_level(logging.DEBUG)
    officer = browser("legal_officer")
    form = html(officer.get("/search"))
    assert 'method="post"' in form and 'name="name"' in form and 'autocomplete="off"' in form
    found = officer.post("/search", {"name": FRAGMENT})
    page = html(found)
    assert found.status_code == 200
    assert f'href="/cases/{filed["case"]}"' in page and ACCUSED in page
    # A name in the query string is not read at all.
    ignored = officer.get("/search", query_string={"name": FRAGMENT})
    assert ACCUSED not in html(ignored)
    # Without a name the form goes on to the GET page, whose address can be kept.
    moved = officer.post("/search", {"name": "", "q": "ร้องเรียน"})
    assert moved.status_code == 303 and moved.headers["Location"].startswith("/search?")
    _term_nowhere(caplog, found, moved)
    with sqlite_runtime.db.read() as session:
        searched = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "personal_data_searched")).all()
    assert [e.detail["results"] for e in searched] == [1]


def test_the_search_form_needs_its_csrf_token(app, web_people, passwords, filed):
    officer = Browser(app)
    officer.signin(web_people.legal_officer.username, passwords["legal_officer"])
    bare = officer.client.post("/search", data={"name": FRAGMENT})
    assert bare.status_code == 400
    assert ACCUSED not in bare.get_data(as_text=True)


def test_bad_conditions_are_named_and_nothing_is_searched(browser, filed, sqlite_runtime):
    officer = browser("legal_officer")
    refused = officer.get("/search", query_string={"date_from": "31/02/2569", "code": "x"})
    page = html(refused)
    assert refused.status_code == 400
    assert "อ่านได้เป็นวันที่ 31 กุมภาพันธ์ พ.ศ. 2569" in page and "GF69-XXXX-XXXX" in page
    short = officer.post("/search", {"name": "ใจ"})
    assert short.status_code == 400 and "อย่างน้อย 3 ตัวอักษร" in html(short)
    with sqlite_runtime.db.read() as session:
        assert not session.scalars(select(AuditEvent).where(
            AuditEvent.action == "personal_data_searched")).all()


def test_dates_are_typed_in_the_buddhist_era(browser, filed):
    director = browser("director")
    today = html(director.get("/search", query_string={
        "date_field": "started", "date_from": "01/01/2569", "date_to": "31/12/2580"}))
    assert f'href="/cases/{filed["case"]}"' in today
    assert f'href="/cases/{filed["request"]}"' in today
    none = html(director.get("/search", query_string={"date_to": "01/01/2560"}))
    assert "ไม่พบเรื่อง" in none


def test_the_api_searches_with_get_and_names_with_post(sqlite_runtime, web_people, app,
                                                       filed, caplog):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()

    def call(who: str, method: str, path: str, **kwargs):
        token = issue_token(sqlite_runtime, web_people.all()[who].username)
        return client.open(f"/api/v1{path}", method=method,
                           headers={"Authorization": f"Bearer {token}"}, **kwargs)

    found = call("legal_head", "GET", "/instances", query_string={"code": filed["code"]})
    assert found.status_code == 200
    assert [c["id"] for c in found.json["cases"]] == [filed["case"]]
    assert found.json["cases"][0]["tracking_code"] == filed["code"]
    assert "names" not in found.json["cases"][0]
    hidden = call("web_admin", "GET", "/instances", query_string={"code": filed["code"]})
    assert hidden.status_code == 200 and hidden.json["total"] == 0
    no_name_in_url = call("legal_head", "GET", "/instances", query_string={"name": FRAGMENT})
    assert no_name_in_url.status_code == 400 and FRAGMENT not in no_name_in_url.text
    be_year = call("director", "GET", "/instances", query_string={"date_from": "2569-11-20"})
    assert be_year.status_code == 400 and "date_from" in be_year.json["fields"]
    named = call("legal_head", "POST", "/instances/search",
                 json={"name": FRAGMENT, "name_fields": ["accused"]})
    assert named.status_code == 200, named.json
    assert [(c["id"], c["names"]["accused"]) for c in named.json["cases"]] == [
        (filed["case"], ACCUSED)]
    refused = call("web_admin", "POST", "/instances/search", json={"name": FRAGMENT})
    assert refused.status_code == 403
    assert call("staff", "POST", "/instances/search", json={"q": "แผน"}).json["total"] == 1
    _term_nowhere(caplog)
