"""The editor's live check, POST /owner/api/processes/<key>/check: the report of `govflow
validate --format json` for the posted text; roles, CSRF and malformed bodies."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.web import test_drafts_api
from tests.web.test_drafts_api import call, signed_in
from tests.web_client import Browser
from webui.cli import main as cli

#: The drafts API's fixture: a runtime on a copy of processes/, its app and two owners.
owned = test_drafts_api.owned

URL = "/owner/api/processes/complaint/check"
TASK = '<bpmn:userTask id="forward_case" name="ส่งเรื่องต่อหน่วยงานที่มีอำนาจ">'
LONELY = ('<bpmn:manualTask id="lonely_step" name="ขั้นตอนที่ไม่ได้เชื่อม" />\n'
          '    <bpmn:userTask id="forward_case" name="ส่งเรื่องต่อหน่วยงานที่มีอำนาจ">')


def post(b: Browser, body: object = None, *, raw: str | None = None, csrf: bool = True):
    return call(b, "POST", URL, body, raw=raw, csrf=csrf)


def with_lonely_task(folder) -> str:
    text = (folder / "complaint.bpmn").read_text(encoding="utf-8")
    assert text.count(TASK) == 1
    lane_ref = "        <bpmn:flowNodeRef>forward_case</bpmn:flowNodeRef>\n"
    text = text.replace(lane_ref, lane_ref + lane_ref.replace("forward_case", "lonely_step"))
    return text.replace(TASK, LONELY)


def test_the_shipped_complaint_process_checks_clean(owned):
    rt, people, app, folder = owned
    answer = post(signed_in(rt, people, app, "owner"),
                  {"bpmn": (folder / "complaint.bpmn").read_text(encoding="utf-8")})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json() == {"ok": True, "errors": 0, "warnings": 0, "problems": []}


def test_a_disconnected_task_is_an_error_naming_it_as_validate_does(owned, tmp_path):
    rt, people, app, folder = owned
    text = with_lonely_task(folder)
    answer = post(signed_in(rt, people, app, "admin"), {"bpmn": text})
    assert answer.status_code == 200
    report = answer.get_json()
    assert report["ok"] is False and report["errors"] == 1
    [error] = [p for p in report["problems"] if p["severity"] == "error"]
    assert error["element_id"] == "lonely_step" and error["source"] == "govflow"
    assert error["line"] == text[: text.index('id="lonely_step"')].count("\n") + 1
    assert "ไม่ได้เชื่อมกับขั้นตอนใด" in error["message_th"]
    assert "not connected" in error["message"]
    # bpmnlint saw the same task: its duplicates of govflow's error are left out, the
    # rest are warnings from bpmnlint.
    assert all(p["source"] == "bpmnlint" and p["severity"] == "warning"
               for p in report["problems"] if p is not error)
    assert not any(p["rule"] == "no-disconnected" for p in report["problems"])
    # The same report as `govflow validate --format json` on the same text.
    path = folder / "complaint.bpmn"
    path.write_text(text, encoding="utf-8")
    printed = CliRunner().invoke(cli, ["validate", "--format", "json", str(path)])
    assert printed.exit_code == 1
    assert json.loads(printed.stdout.splitlines()[0]) == report


def test_an_unreadable_file_is_a_report_not_a_refusal(owned):
    rt, people, app, _folder = owned
    answer = post(signed_in(rt, people, app, "owner"), {"bpmn": "<bpmn:definitions"})
    assert answer.status_code == 200
    report = answer.get_json()
    assert report["ok"] is False and report["errors"] >= 1
    assert all(set(p) == {"severity", "source", "rule", "element_id", "line", "message",
                          "message_th"} for p in report["problems"])


@pytest.mark.parametrize("raw", ["not json", "[]", '{"bpmn": 5}', '{"xml": "<x/>"}', "null"])
def test_a_malformed_body_is_400_in_thai_and_english(owned, raw):
    rt, people, app, _folder = owned
    answer = post(signed_in(rt, people, app, "owner"), raw=raw)
    assert answer.status_code == 400
    body = answer.get_json()
    assert "bpmn" in body["error"] and "JSON" in body["error_en"]
    assert body["fields"]["bpmn"]


@pytest.mark.parametrize("username", ["staff_plan", "director", "legal_officer"])
def test_other_roles_are_refused(owned, username):
    rt, people, app, folder = owned
    answer = post(signed_in(rt, people, app, username), {"bpmn": "<x/>"})
    assert answer.status_code == 403 and answer.get_json()["code"] == "forbidden"


def test_signed_out_is_401_json(owned):
    _rt, _people, app, _folder = owned
    answer = post(Browser(app), {"bpmn": "<x/>"})  # the sign-in page's token
    assert answer.status_code == 401 and answer.get_json()["code"] == "not_authenticated"


def test_without_the_csrf_token_nothing_is_checked(owned):
    rt, people, app, _folder = owned
    answer = post(signed_in(rt, people, app, "owner"), {"bpmn": "<x/>"}, csrf=False)
    assert answer.status_code == 400 and answer.get_json()["code"] == "csrf_error"


def test_an_unknown_process_is_404_and_a_file_over_5_mb_is_refused(owned):
    rt, people, app, _folder = owned
    b = signed_in(rt, people, app, "owner")
    unknown = b.client.post("/owner/api/processes/nothing/check", json={"bpmn": "<x/>"},
                            headers={"X-CSRFToken": b.token()})
    assert unknown.status_code == 404 and unknown.is_json
    large = post(b, {"bpmn": "<x>" + "ก" * (2 * 1024 * 1024) + "</x>"})
    assert large.status_code == 400 and "5 MB" in large.get_json()["error_en"]
