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
from engine.thai.digits import thai_digits
from engine.thai.workdays import BANGKOK
from tests.mail_support import with_smtp
from tests.pdf_text import pdf_text, poppler_text, squash
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
    # Numbers in Thai digits (office.toml digits = "thai").
    assert squash(thai_digits(runtime.office.name)) in text
    assert squash("แจ้งโรงเรียนให้ชี้แจงภายใน ๑๕ วัน") in text
    assert squash("๙ ธันวาคม ๒๕๖๙") in text  # issued today, in the Buddhist Era
    assert squash(thai_digits(f"เลขที่ {case['id']}")) in text
    # The number is the outgoing register's first of 2569, after the office's prefix.
    assert squash(thai_digits(f"{runtime.office.letter_prefix}/1")) in text
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


# ---- issue 16: the register's number, the signer, the marks, enclosures, อ้างถึง ----------

INITIAL_ACTION = {"initial_action_note": "แจ้งโรงเรียนให้ชี้แจงภายใน 15 วัน",
                  "parties_notified_on": "2026-12-09", "notice_to": "accused_unit"}
PDF = b"%PDF-1.4\n%%EOF\n"


def job_of(rt, case_id: int):
    from engine.core.models import LetterJob
    from engine.services.complaints.letter_parts import LetterParts

    with rt.db.read() as session:
        job = session.scalars(select(LetterJob).where(LetterJob.instance_id == case_id)
                              .order_by(LetterJob.id.desc())).first()
        parts = LetterParts.unsealed(rt.cipher.decrypt(job.sealed_parts))
        return job, parts


def outgoing_rows(rt):
    from engine.core.models import RegisterEntry

    with rt.db.read() as session:
        return session.scalars(select(RegisterEntry).where(RegisterEntry.register == "outgoing")
                               .order_by(RegisterEntry.id)).all()


def open_task(rt, people, role: str, case_id: int) -> dict:
    return next(t for t in tasks.list_tasks(rt, people.all()[role], view="group")["tasks"]
                if t["instance_id"] == case_id)


def test_a_letter_takes_the_next_outgoing_number_and_the_day_s_signer(runtime, people):
    from engine.core.models import AuditEvent
    from engine.services.admin import staff as admin

    with clock.frozen(bkk("2026-12-09T10:00")):
        # The legal head acts for the Director that day: they sign, รักษาราชการแทน.
        admin.appoint_acting(runtime, people.admin, "legal_head", "director",
                             datetime(2026, 12, 9).date(), datetime(2026, 12, 9).date(),
                             "คำสั่ง สพป. ที่ 1/2569")
        first = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        second = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        for case in (first, second):
            run(runtime, people, case["id"], ACCEPT_STEPS + [("legal_officer", INITIAL_ACTION)])
    job, parts = job_of(runtime, second["id"])
    assert job.letter_number == "2" and job.issued_on.isoformat() == "2026-12-09"
    assert parts.signature.name == people.legal_head.display_name
    assert parts.signature.capacity == "acting"
    assert parts.signature.capacity_line == "รักษาราชการแทน" + runtime.office.head_title
    # Complaint letters are ลับ unless the step says otherwise; no urgency was chosen.
    assert (job.urgency, job.secrecy) == ("", "confidential")
    assert parts.enclosures == () and parts.reference == ""
    rows = outgoing_rows(runtime)
    assert [(r.number, r.year, r.instance_id, r.letter_kind) for r in rows] == [
        (1, 2569, first["id"], "initial_action_notice"),
        (2, 2569, second["id"], "initial_action_notice")]
    assert rows[1].letter_job_id == job.id and rows[1].confidential
    assert rows[1].registered_by == people.legal_officer.username
    # The recipient (the accused's unit) is sealed in the register.
    assert rows[1].party == "" and "โรงเรียนบ้านตัวอย่าง".encode() not in rows[1].sealed
    with runtime.db.read() as session:
        issued = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "letter_issued", AuditEvent.instance_id == second["id"])).one()
    assert issued.detail["letter_number"] == "2/2569"
    # And so the drawn letter reads, from its PDF: number, secrecy mark, signer, capacity.
    pdf = dict((v["id"], p) for v, p in letters_of(runtime, people, second["id"]))
    [text] = [poppler_text(p, layout=True) for p in pdf.values()]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "ลับ" and lines[-1] == "ลับ"
    flat = " ".join(" ".join(lines).split())
    assert "ที่ ศธ ๐๔๐๐๐/๒" in flat
    assert f"({people.legal_head.display_name})" in flat
    assert "รักษาราชการแทน" in flat
    joined = "".join(lines).replace(" ", "")
    assert ("รักษาราชการแทน" + thai_digits(runtime.office.head_title)).replace(" ", "") in joined


def test_the_marks_chosen_on_the_step_are_kept_and_unknown_ones_refused(runtime, people):
    case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    run(runtime, people, case["id"], ACCEPT_STEPS)
    task = open_task(runtime, people, "legal_officer", case["id"])
    with pytest.raises(InvalidData) as refused:
        tasks.complete_task(runtime, people.legal_officer, task["id"],
                            {**INITIAL_ACTION, "secrecy": "top_secret"})
    assert "secrecy" in refused.value.fields
    assert outgoing_rows(runtime) == []  # a refused step draws no number
    tasks.complete_task(runtime, people.legal_officer, task["id"],
                        {**INITIAL_ACTION, "urgency": "most_urgent", "secrecy": "none"})
    job, _parts = job_of(runtime, case["id"])
    assert (job.urgency, job.secrecy, job.letter_number) == ("most_urgent", "", "1")


def test_a_letter_to_the_accused_never_encloses_the_complainants_files(runtime, people):
    scan = attachments.UploadedFile("หนังสือร้องเรียน.pdf", "application/pdf", PDF)
    case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT,
                                    [scan])
    [theirs] = case["attachments"]
    ours = attachments.add_attachment(runtime, people.legal_officer, case["id"],
                                      "สำเนาคำสั่งแต่งตั้งคณะกรรมการ.pdf", "application/pdf", PDF)
    run(runtime, people, case["id"], ACCEPT_STEPS)
    task = open_task(runtime, people, "legal_officer", case["id"])
    # The step offers only the office's own file.
    offered = tasks.get_task(runtime, people.legal_officer, task["id"])["choices"]
    assert offered == {"enclosures": [(str(ours["id"]), ours["filename"])]}
    with pytest.raises(InvalidData) as refused:
        tasks.complete_task(runtime, people.legal_officer, task["id"],
                            {**INITIAL_ACTION, "enclosures": [theirs["id"]]})
    assert "enclosures" in refused.value.fields
    with runtime.db.read() as session:
        assert session.get(Task, task["id"]).state == "open"
    assert outgoing_rows(runtime) == []
    tasks.complete_task(runtime, people.legal_officer, task["id"],
                        {**INITIAL_ACTION, "enclosures": [ours["id"]]})
    _job, parts = job_of(runtime, case["id"])
    assert parts.enclosures == ("สำเนาคำสั่งแต่งตั้งคณะกรรมการ",)
    # Nor does it name the complainant, or refer to their letter.
    with runtime.db.read() as session:
        from engine.core.models import LetterJob

        fields = runtime.cipher.decrypt(session.scalars(select(LetterJob.sealed)).one())
    assert parts.reference == ""
    for name in (COMPLAINT["complainant_name"], "หนังสือร้องเรียน"):
        assert all(name not in str(v) for v in [*fields.values(), *parts.enclosures])


def test_a_file_named_after_the_complainant_is_not_enclosed_to_the_accused(runtime, people):
    case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    named = attachments.add_attachment(
        runtime, people.legal_officer, case["id"],
        f"บันทึกถ้อยคำ {COMPLAINT['complainant_name']}.pdf", "application/pdf", PDF)
    run(runtime, people, case["id"], ACCEPT_STEPS)
    task = open_task(runtime, people, "legal_officer", case["id"])
    with pytest.raises(InvalidData) as refused:
        tasks.complete_task(runtime, people.legal_officer, task["id"],
                            {**INITIAL_ACTION, "enclosures": [named["id"]]})
    assert "enclosures" in refused.value.fields


def test_the_result_notice_refers_to_the_complainants_letter_and_its_received_number(
        runtime, people):
    case = instances.start_instance(runtime, people.legal_officer, "complaint", {
        **COMPLAINT, "letter_date": "2026-12-01"})
    scan_case = case["id"]
    run(runtime, people, scan_case, [
        ("legal_officer", {"screening_outcome": "not_considered",
                           "not_considered_reason": "time_barred"}),
        ("legal_officer", RESULT)])
    job, parts = job_of(runtime, scan_case)
    assert parts.reference == "หนังสือของท่าน ลงวันที่ 1 ธันวาคม 2569 (ทะเบียนรับที่ 1/2569)"
    assert job.kind == "result_notice" and job.letter_number == "1"
    [(_view, pdf)] = letters_of(runtime, people, scan_case)
    # From the PDF (the line may wrap anywhere between words).
    printed = "".join(poppler_text(pdf).split())
    assert "อ้างถึงหนังสือของท่านลงวันที่๑ธันวาคม๒๕๖๙(ทะเบียนรับที่๑/๒๕๖๙)" in printed


def test_a_visit_is_referred_to_as_such_and_a_web_complaint_has_no_reference(runtime, people):
    from engine.services.complaints import citizen as public

    visit = instances.start_instance(runtime, people.legal_officer, "complaint",
                                     {**COMPLAINT, "channel": "in_person"})
    web = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
    public.submit_complaint(runtime, {**web, "notice_acknowledged": True})
    filed = [t["instance_id"] for t in tasks.list_tasks(
        runtime, people.legal_officer, view="group")["tasks"]]
    online = next(i for i in filed if i != visit["id"])
    for case_id in (visit["id"], online):
        run(runtime, people, case_id, [
            ("legal_officer", {"screening_outcome": "not_considered",
                               "not_considered_reason": "time_barred"}),
            ("legal_officer", RESULT)])
    assert job_of(runtime, visit["id"])[1].reference == (
        "เรื่องร้องเรียนที่ท่านยื่นด้วยตนเอง เมื่อวันที่ 4 ธันวาคม 2569 (ทะเบียนรับที่ 1/2569)")
    assert job_of(runtime, online)[1].reference == ""


def test_a_number_stays_issued_when_its_letter_fails_to_draw(own_copy):
    rt, people, _owner, folder = own_copy
    steps = [("legal_officer", {"screening_outcome": "not_considered",
                                "not_considered_reason": "time_barred"}),
             ("legal_officer", RESULT)]
    first = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    run(rt, people, first["id"], steps)
    # The template broken after the step: the letter cannot be drawn, its number stays.
    template = folder / "letters" / "result_notice.toml"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("ดังนี้ $result_summary", "ดังนี้ $summary"),
                        encoding="utf-8")
    assert draw_pending_letters(rt) == (0, 1)
    template.write_text(good, encoding="utf-8")
    second = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    run(rt, people, second["id"], steps)
    assert [(r.number, r.instance_id) for r in outgoing_rows(rt)] == [
        (1, first["id"]), (2, second["id"])]


def test_a_letter_issued_after_midnight_in_bangkok_is_numbered_in_the_new_year(
        runtime, people):
    with clock.frozen(bkk("2026-12-31T10:00")):
        old = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        run(runtime, people, old["id"], ACCEPT_STEPS + [("legal_officer", INITIAL_ACTION)])
    with clock.frozen(bkk("2027-01-01T00:30")):  # 17:30 UTC on 31 December
        new = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        run(runtime, people, new["id"], ACCEPT_STEPS + [("legal_officer", INITIAL_ACTION)])
    assert [(r.number, r.year) for r in outgoing_rows(runtime)] == [(1, 2569), (1, 2570)]


def test_a_file_a_staff_member_marks_as_the_complainants_is_never_enclosed(runtime, people):
    """A later upload ticked "from the complainant" (a scan handed over at a visit) is kept
    like the complainant's own evidence: not offered to, and refused for, the accused."""
    case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    handed_over = attachments.add_attachment(
        runtime, people.legal_officer, case["id"], "เอกสารประกอบ.pdf", "application/pdf", PDF,
        from_complainant=True)
    ours = attachments.add_attachment(runtime, people.legal_officer, case["id"],
                                      "คำสั่ง.pdf", "application/pdf", PDF)
    assert handed_over["from_complainant"] and not ours["from_complainant"]
    run(runtime, people, case["id"], ACCEPT_STEPS)
    task = open_task(runtime, people, "legal_officer", case["id"])
    offered = tasks.get_task(runtime, people.legal_officer, task["id"])["choices"]
    assert offered == {"enclosures": [(str(ours["id"]), ours["filename"])]}
    with pytest.raises(InvalidData) as refused:
        tasks.complete_task(runtime, people.legal_officer, task["id"],
                            {**INITIAL_ACTION, "enclosures": [handed_over["id"]]})
    assert "enclosures" in refused.value.fields
