"""The editor's draft API (JSON, session + X-CSRFToken) and deploying a saved draft through
the upload preview: roles, CSRF, the 409 body, bad input, sign-out, deploy."""

from __future__ import annotations

import json
import re

import pytest

from engine.services.admin import versions
from engine.services.admin.users import add_user
from tests.account_support import known_password
from tests.web_client import Browser, html
from webui import create_app
from webui.owner.drafts_api import DRAFT_BODY_BYTES

pytestmark = pytest.mark.usefixtures("sample_day")

API = "/owner/api/processes/complaint"
OLD_NAME = 'name="ผู้อำนวยการ สพป. สั่งการ"'


@pytest.fixture
def owned(own_copy):
    rt, people, _owner, folder = own_copy
    add_user(rt, "owner_b", ["process_owner"], "ICT", display_name="นายบี ผู้ดูแล")
    app = create_app(runtime=rt)
    app.testing = True
    return rt, people, app, folder


def signed_in(rt, people, app, username: str) -> Browser:
    b = Browser(app)
    b.signin(username, known_password(rt, people.admin, username))
    return b


def call(b: Browser, method: str, path: str, body: dict | None = None, *, csrf: bool = True,
         raw: str | None = None):
    headers = {"X-CSRFToken": b.token()} if csrf else {}
    data = raw
    if data is None and body is not None:
        data = json.dumps(body, ensure_ascii=False)  # as JSON.stringify sends Thai
    return b.client.open(path, method=method, data=data, headers=headers,
                         content_type="application/json")


def renamed(folder, name: str) -> str:
    text = (folder / "complaint.bpmn").read_text(encoding="utf-8")
    assert text.count(OLD_NAME) == 1
    return text.replace(OLD_NAME, f'name="{name}"')


def test_load_save_conflict_and_discard(owned):
    rt, people, app, folder = owned
    first, second = signed_in(rt, people, app, "owner"), signed_in(rt, people, app, "owner_b")
    loaded = call(first, "GET", f"{API}/draft").get_json()
    assert list(loaded) == ["bpmn", "revision", "base_version", "saved_by", "saved_at",
                            "from_draft", "lanes", "current_version", "editors"]
    assert (loaded["revision"], loaded["base_version"], loaded["from_draft"]) == (None, 1, False)
    saved = call(first, "PUT", f"{API}/draft", {"bpmn": renamed(folder, "ของเอ"),
                                                "revision": None})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    body = saved.get_json()
    assert body["revision"] == 1 and body["saved_at"] == "2026-12-04T10:00:00+07:00"
    assert body["report"]["ok"] is True and body["report"]["errors"] == 0
    # The second owner loaded the current version too: the save is refused, nothing lost.
    refused = call(second, "PUT", f"{API}/draft", {"bpmn": renamed(folder, "ของบี"),
                                                   "revision": None})
    assert refused.status_code == 409
    conflict = refused.get_json()
    assert conflict["revision"] == 1 and conflict["saved_by"] == "ผู้ดูแลกระบวนงาน"
    assert conflict["saved_at"] == "2026-12-04T10:00:00+07:00" and conflict["code"] == "conflict"
    assert "ผู้ดูแลกระบวนงาน บันทึกฉบับร่างที่ใหม่กว่า" in conflict["error"]
    assert conflict["error_en"].startswith("ผู้ดูแลกระบวนงาน saved a newer draft")
    assert " / " not in conflict["error_en"] and conflict["error_en"].endswith(".")
    kept = call(second, "GET", f"{API}/draft").get_json()
    assert kept["from_draft"] is True and 'name="ของเอ"' in kept["bpmn"]
    assert kept["saved_by"] == "ผู้ดูแลกระบวนงาน"
    gone = call(second, "DELETE", f"{API}/draft", {"revision": 1})
    assert gone.status_code == 200 and gone.get_json()["discarded"] == 1
    assert call(first, "GET", f"{API}/draft").get_json()["from_draft"] is False


def test_presence_tells_each_owner_of_the_other(owned):
    rt, people, app, _folder = owned
    first, second = signed_in(rt, people, app, "owner"), signed_in(rt, people, app, "owner_b")
    assert call(first, "POST", f"{API}/presence").get_json() == {"editors": []}
    seen = call(second, "POST", f"{API}/presence").get_json()["editors"]
    assert [e["user"] for e in seen] == ["ผู้ดูแลกระบวนงาน"]
    assert [e["user"] for e in call(first, "GET", f"{API}/draft").get_json()["editors"]] == [
        "นายบี ผู้ดูแล"]


def test_roles_and_sign_in_are_checked_and_answered_as_json(owned):
    rt, people, app, folder = owned
    outsider = signed_in(rt, people, app, "legal_head")
    anonymous = Browser(app)
    for b, status in ((outsider, 403), (anonymous, 401)):
        for method, path, body in (("GET", f"{API}/draft", None),
                                   ("PUT", f"{API}/draft", {"bpmn": renamed(folder, "x"),
                                                            "revision": None}),
                                   ("DELETE", f"{API}/draft", {"revision": 1}),
                                   ("POST", f"{API}/presence", None)):
            answer = call(b, method, path, body)
            assert answer.status_code == status, (method, path)
            assert answer.is_json and answer.get_json()["error"] and \
                answer.get_json()["error_en"]
    owner = signed_in(rt, people, app, "owner")
    missing = call(owner, "GET", "/owner/api/processes/no_such/draft")
    assert missing.status_code == 404 and "no_such" in missing.get_json()["error_en"]


def test_a_call_without_its_sessions_csrf_token_is_refused_as_json(owned):
    rt, people, app, folder = owned
    owner = signed_in(rt, people, app, "owner")
    attacker = Browser(app)
    attacker.get("/signin")
    foreign = attacker.token()  # a valid token, of another session
    for method, body in (("PUT", {"bpmn": renamed(folder, "x"), "revision": None}),
                         ("DELETE", {"revision": 1}), ("POST", None)):
        path = f"{API}/presence" if method == "POST" else f"{API}/draft"
        for headers in ({}, {"X-CSRFToken": foreign}):
            answer = owner.client.open(path, method=method, headers=headers,
                                       data=json.dumps(body) if body else None,
                                       content_type="application/json")
            assert answer.status_code == 400 and answer.get_json()["code"] == "csrf_error"
            assert "X-CSRFToken" in answer.get_json()["error_en"]
    assert call(owner, "GET", f"{API}/draft").get_json()["from_draft"] is False


@pytest.mark.parametrize(("raw", "field"), [
    ("not json", None),
    ('["a list"]', None),
    ('{"revision": null}', "bpmn"),
    ('{"bpmn": "<definitions><unclosed>", "revision": null}', "bpmn"),
    ('{"bpmn": "<a/>", "revision": "one"}', "revision"),
    ('{"bpmn": "<a/>", "revision": null, "lanes": {"lane_director": "king"}}', "lanes"),
    ('{"bpmn": "<a>\\ud800</a>", "revision": null}', None),
    ("[" * 100_000, None),
])
def test_bad_input_is_a_400_saying_what_to_fix(owned, raw, field):
    rt, people, app, _folder = owned
    owner = signed_in(rt, people, app, "owner")
    answer = call(owner, "PUT", f"{API}/draft", raw=raw)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["error"] and body["error_en"] and "Traceback" not in answer.get_data(True)
    if field:
        assert field in body["fields"]
    assert call(owner, "GET", f"{API}/draft").get_json()["from_draft"] is False


def test_a_draft_larger_than_an_upload_is_refused(owned):
    rt, people, app, folder = owned
    owner = signed_in(rt, people, app, "owner")
    padding = "<!--" + "ก" * (versions.MAX_UPLOAD // 3) + "-->"
    text = renamed(folder, "ใหญ่").replace("</bpmn:definitions>",
                                           f"{padding}</bpmn:definitions>")
    answer = call(owner, "PUT", f"{API}/draft", {"bpmn": text, "revision": None})
    assert answer.status_code == 400 and "5 MB" in answer.get_json()["error_en"]
    beyond = call(owner, "PUT", f"{API}/draft", raw=" " * (DRAFT_BODY_BYTES + 1))
    assert beyond.status_code == 413 and beyond.get_json()["code"] == "request_entity_too_large"


def test_a_draft_survives_signing_out(owned):
    rt, people, app, folder = owned
    owner = signed_in(rt, people, app, "owner")
    call(owner, "PUT", f"{API}/draft", {"bpmn": renamed(folder, "ค้างไว้"), "revision": None})
    owner.post("/signout")
    assert call(owner, "GET", f"{API}/draft").status_code == 401
    again = signed_in(rt, people, app, "owner")
    kept = call(again, "GET", f"{API}/draft").get_json()
    assert kept["from_draft"] is True and 'name="ค้างไว้"' in kept["bpmn"]


def test_deploying_a_draft_goes_through_the_upload_preview(owned):
    rt, people, app, folder = owned
    owner = signed_in(rt, people, app, "owner")
    text = renamed(folder, "ผู้อำนวยการ สพป. สั่งการ (ฉบับร่าง)")
    call(owner, "PUT", f"{API}/draft", {"bpmn": text, "revision": None,
                                        "lanes": {"lane_director": "legal_head"}})
    owner.get("/owner/processes/complaint")
    preview = owner.post("/owner/processes/complaint/draft/deploy")
    page = html(preview)
    assert preview.status_code == 200 and "ผลการตรวจไฟล์ complaint.bpmn" in page
    assert ("เมื่อยืนยัน ช่อง lane_director จะเป็นงานของบทบาท ผู้อำนวยการกลุ่มกฎหมายและคดี "
            "(เดิม ผู้อำนวยการ สพป.) ใน processes.toml") in page
    assert "director_order" in page  # the changed step, in the element diff
    # Nothing is live until the owner confirms.
    assert versions.list_versions(rt, "complaint")[0]["version"] == 1
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    done = owner.post("/owner/processes/upload/confirm", {"token": token})
    assert done.status_code == 302
    assert versions.list_versions(rt, "complaint")[0]["version"] == 2
    assert (folder / "complaint.bpmn").read_text(encoding="utf-8") == text
    assert 'lane_director = { role = "legal_head" }' in (folder / "processes.toml").read_text(
        encoding="utf-8")
    assert call(owner, "GET", f"{API}/draft").get_json()["from_draft"] is False


def test_deploying_without_a_draft_or_a_token_changes_nothing(owned):
    rt, people, app, _folder = owned
    owner = signed_in(rt, people, app, "owner")
    owner.get("/owner/processes/complaint")
    nothing = owner.post("/owner/processes/complaint/draft/deploy", follow=True)
    assert "ยังไม่มีฉบับร่างที่บันทึกไว้ ไม่มีอะไรให้ติดตั้ง" in html(nothing)
    refused = owner.client.post("/owner/processes/complaint/draft/deploy")
    assert refused.status_code == 400  # no CSRF token
    outsider = signed_in(rt, people, app, "legal_head")
    assert outsider.post("/owner/processes/complaint/draft/deploy").status_code == 403
    assert versions.list_versions(rt, "complaint")[0]["version"] == 1
