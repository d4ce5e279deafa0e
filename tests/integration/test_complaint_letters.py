"""The letters a complaint issues (the initial-action notice after triage, the result
notice once resolved) and the result told to the complainant."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from engine.core import clock
from engine.core.errors import InvalidData
from engine.core.models import Attachment, OutboxMessage, Task
from engine.jobs.mailer import deliver_outbox
from engine.services.complaints.letters import draw_pending_letters
from engine.services.inbox import attachments, instances, tasks
from engine.services.inbox.attachments import storage_dir
from engine.thai.workdays import BANGKOK
from tests.mail_support import with_smtp
from tests.pdf_text import pdf_text, squash
from tests.samples import COMPLAINT, SECRETS

ACCEPT_STEPS = [
    ("legal_officer", {"screening_outcome": "accept"}),
    ("director", {"director_instruction": "สืบสวนข้อเท็จจริง", "action_type": "fact_finding"}),
]
RESULT = {"notified_on": "2027-01-25", "notify_method": "email",
          "result_message": "ได้สั่งการให้โรงเรียนแก้ไขการจัดซื้อแล้ว"}

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


def text_of(pdf: bytes) -> str:
    return squash(pdf_text(pdf))


def run(rt, people, case_id: int, steps) -> dict:
    actors = people.all()
    done: dict = {}
    for role, data in steps:
        task = next(t for t in tasks.list_tasks(rt, actors[role], view="group")["tasks"]
                    if t["instance_id"] == case_id)
        done = tasks.complete_task(rt, actors[role], task["id"], data)
    return done


def letters_of(rt, people, case_id: int) -> list[tuple[dict, bytes]]:
    """The case's letters, once the scheduler has drawn what was queued (the steps above
    ran with the clock as late as January 2027)."""
    with clock.frozen(bkk("2027-02-01T09:00")):
        draw_pending_letters(rt)
    views = [a for a in attachments.list_attachments(rt, people.legal_officer, case_id)
             if a["kind"] == "letter"]
    return [attachments.read_attachment(rt, people.legal_officer, a["id"]) for a in views]


def test_accepting_issues_the_initial_action_notice_to_the_unit(runtime, people):
    with clock.frozen(bkk("2026-12-09T10:00")):
        case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        run(runtime, people, case["id"], ACCEPT_STEPS + [(
            "legal_officer", {"initial_action_note": "แจ้งโรงเรียนให้ชี้แจงภายใน 15 วัน",
                              "parties_notified_on": "2026-12-09", "notice_to": "accused_unit"})])
    [(view, pdf)] = letters_of(runtime, people, case["id"])
    assert view["content_type"] == "application/pdf" and view["uploaded_by"] == "system"
    text = text_of(pdf)
    assert squash("ผู้อำนวยการโรงเรียนบ้านตัวอย่าง") in text
    assert squash(runtime.office.name) in text
    assert squash("แจ้งโรงเรียนให้ชี้แจงภายใน 15 วัน") in text
    assert squash("9 ธันวาคม 2569") in text  # issued today, in the Buddhist Era
    assert squash(f"เลขที่ {case['id']}") in text
    # The number is the outgoing register's first of 2569, after the office's prefix.
    assert squash(f"{runtime.office.letter_prefix}/1") in text
    # Kept encrypted: the letter names the accused's unit.
    with runtime.db.read() as session:
        stored = session.scalars(select(Attachment).where(Attachment.id == view["id"])).one()
    on_disk = (storage_dir(runtime) / stored.stored_name).read_bytes()
    assert stored.sealed and not on_disk.startswith(b"%PDF")
    assert "โรงเรียนบ้านตัวอย่าง".encode() not in on_disk


def test_a_notice_to_an_accused_without_a_name_is_refused_and_changes_nothing(runtime, people):
    nameless = {k: v for k, v in COMPLAINT.items() if k not in ("accused_name",)}
    case = instances.start_instance(runtime, people.legal_officer, "complaint", nameless)
    run(runtime, people, case["id"], ACCEPT_STEPS)
    task = next(t for t in tasks.list_tasks(runtime, people.legal_officer, view="group")["tasks"]
                if t["instance_id"] == case["id"])
    with pytest.raises(InvalidData) as raised:
        tasks.complete_task(runtime, people.legal_officer, task["id"], {
            "initial_action_note": "แจ้งแล้ว", "parties_notified_on": "2026-12-09",
            "notice_to": "accused"})
    assert "notice_to" in raised.value.fields
    with runtime.db.read() as session:
        assert session.get(Task, task["id"]).state == "open"
    assert letters_of(runtime, people, case["id"]) == []


def test_the_result_reaches_the_complainant_by_letter_and_sealed_email(runtime, people, smtp):
    controller, inbox = smtp
    with clock.frozen(bkk("2026-12-09T10:00")):
        case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        run(runtime, people, case["id"], [
            ("legal_officer", {"screening_outcome": "not_considered",
                               "not_considered_reason": "time_barred"}),
            ("legal_officer", RESULT)])
    [(view, pdf)] = letters_of(runtime, people, case["id"])
    text = text_of(pdf)
    assert squash(COMPLAINT["complainant_name"]) in text
    assert squash("ไม่รับไว้พิจารณา") in text and squash(RESULT["result_message"]) in text
    # The outbox holds only a placeholder; the address and text are sealed.
    with runtime.db.read() as session:
        [row] = session.scalars(select(OutboxMessage)).all()
        assert row.sealed and COMPLAINT["complainant_email"] not in row.recipient
        for secret in SECRETS:
            assert secret not in row.recipient + row.subject + row.body
    with clock.frozen(bkk("2026-12-09T10:01")):
        sent, failed = deliver_outbox(with_smtp(runtime, controller.port))
    assert (sent, failed) == (1, 0)
    [message] = inbox.messages
    assert message["To"] == COMPLAINT["complainant_email"]
    assert str(case["id"]) in message["Subject"]
    body = message.get_payload(decode=True).decode("utf-8")
    assert RESULT["result_message"] in body and "ไม่รับไว้พิจารณา" in body


def test_an_anonymous_complainant_gets_a_letter_addressed_to_the_complainant(runtime, people):
    anonymous = {k: v for k, v in COMPLAINT.items() if not k.startswith("complainant_")}
    case = instances.start_instance(runtime, people.legal_officer, "complaint", anonymous)
    run(runtime, people, case["id"], [
        ("legal_officer", {"screening_outcome": "forward", "forward_to": "สพฐ."}),
        ("legal_officer", {"forwarded_to": "สพฐ.", "forward_letter_no": "ศธ 04001/123",
                           "forwarded_on": "2026-12-08"}),
        ("legal_officer", {**RESULT, "notify_method": "tracking_page"})])
    [(_view, pdf)] = letters_of(runtime, people, case["id"])
    text = text_of(pdf)
    assert squash("เรียน ผู้ร้องเรียน") in text and squash("ส่งเรื่องให้สพฐ.") in text
    with runtime.db.read() as session:
        assert session.scalars(select(OutboxMessage)).all() == []


def test_the_tracking_page_shows_the_result_once_told(runtime, people):
    from engine.services.complaints import citizen as public
    from webui import create_app

    web = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
    receipt = public.submit_complaint(runtime, {**web, "notice_acknowledged": True})
    code, secret = receipt["tracking_code"], receipt["secret"]
    case_id = tasks.list_tasks(runtime, people.legal_officer, view="group")["tasks"][0][
        "instance_id"]
    run(runtime, people, case_id, [("legal_officer", {
        "screening_outcome": "not_considered", "not_considered_reason": "time_barred",
        "screening_note": "บันทึกภายใน ไม่แสดงต่อผู้ร้อง"})])
    assert public.track_complaint(runtime, code, secret)["result"] is None
    run(runtime, people, case_id, [("legal_officer", RESULT)])
    seen = public.track_complaint(runtime, code, secret)
    assert seen["status"] == "not_considered"
    assert seen["result"]["message"] == RESULT["result_message"]
    assert seen["result"]["outcome"].startswith("ไม่รับไว้พิจารณา เนื่องจาก")
    assert seen["result"]["notified_on"] == "2027-01-25"
    assert "บันทึกภายใน" not in repr(seen)
    # The letter names the tracking code, so the complainant can find the page again.
    [(_view, pdf)] = letters_of(runtime, people, case_id)
    assert squash(code) in text_of(pdf)
    # The page shows it too, in the Buddhist Era.
    client = create_app(runtime=runtime).test_client()
    page = client.get("/track").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    shown = client.post("/track", data={"code": code, "secret": secret, "csrf_token": token})
    text = shown.get_data(as_text=True)
    assert RESULT["result_message"] in text and "25 มกราคม 2570" in text
    for name in SECRETS:
        assert name not in text


def test_letters_are_drawn_by_the_scheduler_once_and_retried_after_a_template_fix(
        own_copy):
    from engine.core.models import LetterJob
    from engine.jobs.scheduler import tick

    rt, people, _owner, folder = own_copy
    case = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    run(rt, people, case["id"], [
        ("legal_officer", {"screening_outcome": "not_considered",
                           "not_considered_reason": "time_barred"}),
        ("legal_officer", {**RESULT, "notify_method": "letter"})])
    # The step is done and the letter decided, but not drawn inside the user's command.
    views = attachments.list_attachments(rt, people.legal_officer, case["id"])
    assert [a for a in views if a["kind"] == "letter"] == []
    # A template broken after the step: the job fails, stays queued, and says so.
    template = folder / "letters" / "result_notice.toml"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("ดังนี้ $result_summary", "ดังนี้ $summary"),
                        encoding="utf-8")
    assert draw_pending_letters(rt) == (0, 1)
    with rt.db.read() as session:
        job = session.scalars(select(LetterJob)).one()
        assert job.done_at is None and job.attempts == 1 and "summary" in job.last_error
    template.write_text(good, encoding="utf-8")
    with clock.frozen(bkk("2099-01-01T09:00")):  # past the retry back-off
        assert tick(rt).letters_drawn == 1
        assert tick(rt).letters_drawn == 0  # once
    [(view, pdf)] = [(v, d) for v, d in letters_of(rt, people, case["id"])]
    assert squash(RESULT["result_message"]) in text_of(pdf)
    with rt.db.read() as session:
        assert session.scalars(select(LetterJob.attachment_id)).one() == view["id"]


def test_a_citizens_filing_is_credited_to_the_citizen_in_the_history(runtime, people):
    from engine.services.complaints import citizen as public
    from engine.services.complaints import filing_keys

    web = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
    receipt = public.submit_complaint_with_evidence(
        runtime, {**web, "notice_acknowledged": True},
        [attachments.UploadedFile("หลักฐาน.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")],
        form_token=filing_keys.new_form_token())
    assert receipt["files"]
    case_id = tasks.list_tasks(runtime, people.legal_officer, view="group")["tasks"][0][
        "instance_id"]
    history = instances.get_instance(runtime, people.legal_officer, case_id)["history"]
    by_action = {e["action"]: e for e in history}
    for action in ("instance_started", "attachment_added"):
        assert by_action[action]["actor"] == "public"
        assert by_action[action]["actor_display"] == "ผู้ร้องเรียนทางเว็บไซต์"
