"""Process owners' pages: processes, upload with report and diff, versions, migration."""

from __future__ import annotations

import os
import re
import time
from io import BytesIO

import pytest

from engine.services.admin import versions
from engine.services.inbox import instances
from tests.account_support import known_password
from tests.complaint_changes import DEADLINE, LATER_DEADLINE, five_days
from tests.samples import COMPLAINT
from tests.web_client import Browser, html
from webui import create_app

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

OWNER_PAGES = ("/owner/processes", "/owner/processes/complaint",
               "/owner/processes/complaint/versions/1")


@pytest.fixture
def owned(own_copy):
    rt, people, _owner, folder = own_copy
    app = create_app(runtime=rt)
    app.testing = True
    return rt, people, app, folder


def signed_in(rt, people, app, username: str) -> Browser:
    password = known_password(rt, people.admin, username)
    b = Browser(app)
    b.signin(username, password)
    return b


def upload(b: Browser, data: bytes, name: str = "complaint.bpmn"):
    b.get("/owner/processes")
    return b.post("/owner/processes/upload",
                  {"file": (BytesIO(data), name, "application/octet-stream")},
                  content_type="multipart/form-data")


def token_of(page: str) -> str:
    match = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert match, "no deploy form on the page"
    return match.group(1)


def test_owner_uploads_sees_report_and_diff_then_deploys(owned):
    rt, people, app, folder = owned
    running = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    owner = signed_in(rt, people, app, "owner")
    listing = html(owner.get("/owner/processes"))
    assert 'href="/owner/processes"' in listing and "กระบวนงาน</a>" in listing  # nav link
    assert 'accept=".bpmn"' in listing and 'enctype="multipart/form-data"' in listing
    assert 'href="/owner/processes/complaint"' in listing

    preview = upload(owner, five_days(folder))
    assert preview.status_code == 200, html(preview)[:2000]
    page = html(preview)
    assert "triage_deadline" in page
    timer = '      &lt;bpmn:timeDate xsi:type=&#34;bpmn:tFormalExpression&#34;&gt;'
    assert f'<span class="diff-del">-  {timer}{DEADLINE[:-1]}' in page
    assert f'<span class="diff-add">+  {timer}{LATER_DEADLINE[:-1]}' in page
    assert f'href="/cases/{running["id"]}"' not in page  # a timer, not a task, changed
    assert "ติดตั้ง</button>" in page
    # Nothing is deployed by the preview, and the file waits on the server, not in the cookie.
    assert versions.list_versions(rt, "complaint")[0]["version"] == 1
    assert DEADLINE in (folder / "complaint.bpmn").read_text(encoding="utf-8")
    token = token_of(page)
    kept = rt.settings.instance_dir / "uploads" / f"{token}.bpmn"
    assert kept.read_bytes() == five_days(folder)
    assert all(len(c) < 4000 for c in preview.headers.getlist("Set-Cookie"))

    done = owner.post("/owner/processes/upload/confirm", {"token": token})
    assert done.status_code == 302 and done.headers["Location"] == "/owner/processes/complaint"
    assert not kept.exists()
    page = html(owner.get("/owner/processes/complaint"))
    assert "ติดตั้ง complaint ฉบับที่ 2 แล้ว" in page
    listed = versions.list_versions(rt, "complaint")
    assert [(v["version"], v["is_current"]) for v in listed] == [(2, True), (1, False)]
    assert LATER_DEADLINE in (folder / "complaint.bpmn").read_text(encoding="utf-8")
    # Confirming twice deploys nothing more.
    again = owner.post("/owner/processes/upload/confirm", {"token": token})
    assert again.status_code == 400 and "ไม่พบไฟล์ที่รอติดตั้ง" in html(again)
    assert len(versions.list_versions(rt, "complaint")) == 2


def test_broken_upload_shows_located_problem_and_cannot_be_deployed(owned):
    rt, people, app, folder = owned
    owner = signed_in(rt, people, app, "owner")
    before = (folder / "complaint.bpmn").read_bytes()
    broken = before.replace(b'targetRef="triage"', b'targetRef="nowhere"', 1)
    preview = upload(owner, broken)
    page = html(preview)
    assert "nowhere" in page and "ข้อผิดพลาด" in page
    assert re.search(r"complaint\.bpmn:\d+</code>", page)  # file:line
    assert "ติดตั้ง</button>" not in page and 'name="token"' not in page
    assert not list((rt.settings.instance_dir / "uploads").glob("*.bpmn"))
    # The text of the file is shown escaped, never as markup.
    assert "<bpmn:" not in page
    # A forged confirm deploys nothing: unknown, malformed or path-like tokens.
    for forged in ("0" * 32, "../../processes/complaint", "", "ABC"):
        owner.get("/owner/processes")
        response = owner.post("/owner/processes/upload/confirm", {"token": forged})
        assert response.status_code == 400, forged
    # Even a token for a file someone put there by hand is checked again by the engine.
    folder_uploads = rt.settings.instance_dir / "uploads"
    (folder_uploads / f"{'a' * 32}.bpmn").write_bytes(broken)
    (folder_uploads / f"{'a' * 32}.json").write_text(
        '{"file_name": "complaint.bpmn", "username": "owner"}', encoding="utf-8")
    owner.get("/owner/processes")
    refused = owner.post("/owner/processes/upload/confirm", {"token": "a" * 32})
    assert refused.status_code == 400 and "ไม่ผ่านการตรวจสอบ" in html(refused)
    assert (folder / "complaint.bpmn").read_bytes() == before
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]
    # Someone else's kept upload is not theirs to confirm.
    good = upload(owner, five_days(folder))
    other = signed_in(rt, people, app, "admin")
    other.get("/owner/processes")
    assert other.post("/owner/processes/upload/confirm",
                      {"token": token_of(html(good))}).status_code == 400
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]


def test_upload_input_errors(owned):
    rt, people, app, folder = owned
    owner = signed_in(rt, people, app, "owner")
    owner.get("/owner/processes")
    none = owner.post("/owner/processes/upload", {}, content_type="multipart/form-data")
    assert none.status_code == 400 and "กรุณาเลือกไฟล์ .bpmn" in html(none)
    wrong = upload(owner, b"<x/>", name="notes.txt")
    assert wrong.status_code == 400 and "ลงท้ายด้วย .bpmn" in html(wrong)
    assert 'aria-invalid="true"' in html(wrong)
    # Larger than the 1 MB limit for other forms is accepted up to the engine's own limit.
    big = five_days(folder).replace(b"</bpmn:definitions>",
                                    b"<!--" + b"x" * 1_200_000 + b"--></bpmn:definitions>")
    assert upload(owner, big).status_code == 200


def test_other_roles_get_403_everywhere(owned):
    rt, people, app, folder = owned
    for name in ("staff_plan", "legal_head", "director"):
        b = signed_in(rt, people, app, name)
        for path in (*OWNER_PAGES, "/owner/processes/complaint/versions/1/diagram.svg"):
            assert b.get(path).status_code == 403, (name, path)
        assert upload(b, five_days(folder)).status_code == 403
        for path in ("/owner/processes/upload/confirm", "/owner/processes/upload/cancel",
                     "/owner/processes/complaint/versions/1/make-current",
                     "/owner/processes/complaint/versions/1/migrate"):
            assert b.post(path, {"token": "0" * 32}).status_code == 403, (name, path)
        assert 'href="/owner/processes"' not in html(b.get("/inbox"))
    assert Browser(app).get("/owner/processes").status_code == 302  # sign in first


def test_versions_make_current_and_migrate_all(owned):
    rt, people, app, folder = owned
    first = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    second = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    owner = signed_in(rt, people, app, "owner")
    versions.deploy_upload(rt, None, "complaint.bpmn", five_days(folder))  # as the CLI would

    page = html(owner.get("/owner/processes/complaint"))
    assert "ใช้อยู่</span>" in page
    assert re.search(r"\d{1,2} \S+ 25\d\d \d\d:\d\d น\.", page)  # Buddhist Era, Bangkok time
    assert 'href="/owner/processes/complaint/versions/1/make-current"' in page
    assert 'href="/owner/processes/complaint/versions/2/make-current"' not in page
    assert 'href="/owner/processes/complaint/versions/1/migrate"' in page

    detail = html(owner.get("/owner/processes/complaint/versions/1"))
    assert "triage_deadline" in detail
    assert 'src="/owner/processes/complaint/versions/1/diagram.svg"' in detail
    assert owner.get("/owner/processes/complaint/versions/9").status_code == 404
    assert owner.get("/owner/processes/nothing").status_code == 404

    moved = owner.post("/owner/processes/complaint/versions/1/migrate",
                       {"confirm": "yes", "to": "2"})
    assert moved.status_code == 200
    page = html(moved)
    assert "ย้ายไปฉบับที่ใช้อยู่แล้ว 2 เรื่อง" in page
    assert f'href="/cases/{first["id"]}"' in page and f'href="/cases/{second["id"]}"' in page
    assert "ฉบับที่ 1 → ฉบับที่ 2" in page
    assert instances.get_instance(rt, people.legal_head, first["id"])["version"] == 2

    back = owner.post("/owner/processes/complaint/versions/1/make-current", {"confirm": "yes"})
    assert back.status_code == 302
    assert "ตั้ง complaint ฉบับที่ 1 เป็นฉบับที่ใช้อยู่แล้ว" in html(owner.get(back.headers["Location"]))
    assert [v["is_current"] for v in versions.list_versions(rt, "complaint")] == [False, True]
    assert DEADLINE in (folder / "complaint.bpmn").read_text(encoding="utf-8")


def test_migrate_all_shows_refusals_with_reasons(owned):
    rt, people, app, folder = owned
    waiting = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    # A version without the triage step: a case waiting at triage cannot move there.
    text = (folder / "complaint.bpmn").read_text(encoding="utf-8")
    text = text.replace('id="triage"', 'id="screening"').replace(
        'attachedToRef="triage"', 'attachedToRef="screening"').replace(
        'Ref="triage"', 'Ref="screening"').replace(
        "<bpmn:flowNodeRef>triage</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>screening</bpmn:flowNodeRef>").replace(
        'bpmnElement="triage"', 'bpmnElement="screening"')
    owner = signed_in(rt, people, app, "owner")
    preview = html(upload(owner, text.encode("utf-8")))
    assert "triage" in preview and f'href="/cases/{waiting["id"]}"' in preview  # on a removed step
    owner.post("/owner/processes/upload/confirm", {"token": token_of(preview)})
    ask = html(owner.get("/owner/processes/complaint/versions/1/migrate"))
    assert "1 เรื่องรออยู่ที่ขั้นตอนที่ฉบับที่ 2 เปลี่ยนหรือลบ จะตรวจทีละเรื่อง" in ask
    refused = owner.post("/owner/processes/complaint/versions/1/migrate",
                         {"confirm": "yes", "to": "2"})
    page = html(refused)
    assert "ย้ายไม่ได้ 1 เรื่อง" in page and "ซึ่งฉบับใหม่ไม่มีแล้ว" in page
    assert instances.get_instance(rt, people.legal_head, waiting["id"])["version"] == 1
    # In English the reason is the English half.
    owner.post("/language", {"lang": "en", "next": "/owner/processes/complaint"})
    owner.get("/owner/processes/complaint")
    english = html(owner.post("/owner/processes/complaint/versions/1/migrate",
                              {"confirm": "yes", "to": "2"}))
    assert "which the new version removes" in english and "Could not move 1 case" in english


def test_cancel_drops_the_kept_upload(owned):
    rt, people, app, folder = owned
    owner = signed_in(rt, people, app, "owner")
    token = token_of(html(upload(owner, five_days(folder))))
    assert owner.post("/owner/processes/upload/cancel", {"token": token}).status_code == 302
    assert not list((rt.settings.instance_dir / "uploads").iterdir())
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]
    # A kept upload older than an hour is gone: its confirmation deploys nothing.
    token = token_of(html(upload(owner, five_days(folder))))
    hour_ago = time.time() - 3700
    for path in (rt.settings.instance_dir / "uploads").iterdir():
        os.utime(path, (hour_ago, hour_ago))
    late = owner.post("/owner/processes/upload/confirm", {"token": token})
    assert late.status_code == 400 and "ไม่พบไฟล์ที่รอติดตั้ง" in html(late)
    assert not list((rt.settings.instance_dir / "uploads").iterdir())
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]


def test_diagram_is_svg(owned):
    rt, people, app, folder = owned
    owner = signed_in(rt, people, app, "owner")
    response = owner.get("/owner/processes/complaint/versions/1/diagram.svg")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "image/svg+xml"
    assert "<svg" in response.get_data(as_text=True)
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_upload_preview_refuses_a_condition_that_can_never_evaluate(owned):
    rt, people, app, folder = owned
    owner = signed_in(rt, people, app, "owner")
    before = (folder / "complaint.bpmn").read_bytes()
    broken = before.replace(b'screening_outcome == "accept"', b"9 ** 9 ** 9 ** 9 &gt; 1", 1)
    page = html(upload(owner, broken))
    assert "flow_screening_accept" in page and "ข้อผิดพลาด" in page
    assert "เกินขีดจำกัดของตัวประมวลผลนิพจน์" in page
    assert "ติดตั้ง</button>" not in page and 'name="token"' not in page
    assert not list((rt.settings.instance_dir / "uploads").glob("*.bpmn"))
    assert (folder / "complaint.bpmn").read_bytes() == before
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]


def test_warnings_are_acknowledged_before_deploying(owned):
    """An end event without a name is a bpmnlint warning (label-required): the preview
    lists it, and the confirm deploys only with the acknowledgement ticked."""
    rt, people, app, folder = owned
    data = (folder / "complaint.bpmn").read_bytes()
    named = re.search(rb'<bpmn:endEvent id="end_triage_reminder" name="[^"]*"', data)
    assert named
    unnamed = data.replace(named.group(0), b'<bpmn:endEvent id="end_triage_reminder"', 1)
    owner = signed_in(rt, people, app, "owner")
    page = html(upload(owner, unnamed))
    assert "end_triage_reminder" in page and 'name="acknowledge"' in page
    refused = owner.post("/owner/processes/upload/confirm", {"token": token_of(page)})
    assert refused.status_code == 400
    again = html(refused)
    assert "ติ๊กช่องรับทราบคำเตือนก่อนติดตั้ง" in again and 'aria-invalid="true"' in again
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]
    assert (folder / "complaint.bpmn").read_bytes() == data
    done = owner.post("/owner/processes/upload/confirm",
                      {"token": token_of(again), "acknowledge": "yes"})
    assert done.status_code == 302
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [2, 1]
    assert (folder / "complaint.bpmn").read_bytes() == unnamed
