"""Issue 13, item 1: one bad message never blocks the others.

Addresses are checked where they enter (forms, API, users, CLI); headers are one line
whatever their source; a message or letter that cannot be built, sent or drawn is marked
failed and backed off while the rest go out; /metrics and /healthz report it; and an
administrator can retry or cancel it on a page that masks the recipient.
"""

from __future__ import annotations

import itertools
import os
from datetime import datetime, timedelta
from email.header import decode_header, make_header

import pytest
from sqlalchemy import func, select, update

from engine.core import clock
from engine.core.errors import Conflict, Forbidden, InvalidData
from engine.core.models import AuditEvent, LetterJob, OutboxMessage, ProcessInstance, Task, User
from engine.jobs.mailer import deliver_outbox
from engine.jobs.scheduler import tick
from engine.services.admin.users import add_user, issue_token
from engine.services.complaints.letters import draw_pending_letters
from engine.services.inbox import instances
from engine.services.ops import outbox as outbox_admin
from engine.thai.workdays import BANGKOK
from tests.integration.test_cli import run
from tests.mail_support import with_smtp
from tests.samples import COMPLAINT
from tests.web.test_health import metric, parse_metrics
from tests.web_client import Browser, form_of, html
from webui import create_app

pytest_plugins = ("tests.web_support",)

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=BANGKOK)
LONG_AGO = NOW - timedelta(hours=2)
INJECTED = "a@example.org\r\nBcc: x@example.org"
LIST = "a@example.org,x@example.org"
WEB = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
_numbers = itertools.count(1)


def queue(rt, recipient: str, subject: str = "แจ้งเตือน", body: str = "ข้อความ", *,
          sealed: bool = False, at: datetime = LONG_AGO) -> int:
    """A message written straight into the outbox, as old as ``at``."""
    with rt.db.write() as session:
        row = OutboxMessage(message_id=f"<test-{next(_numbers)}@govflow>", recipient=recipient,
                            subject=subject, body=body, created_at=at, next_attempt_at=at)
        if sealed:
            row.recipient, row.body = "ผู้ร้องเรียน เรื่องเลขที่ 1", "(เข้ารหัสไว้ / sealed)"
            row.sealed = rt.cipher.encrypt({"recipient": recipient, "body": body})
        session.add(row)
        session.flush()
        return row.id


def outbox_row(rt, row_id: int) -> OutboxMessage:
    with rt.db.read() as session:
        row = session.get_one(OutboxMessage, row_id)
        session.expunge(row)
        return row


def rcpt_to(message) -> str:
    return message["X-RcptTo"] or ""


# ---- delivery ----------------------------------------------------------------------------

def test_a_poisoned_message_first_in_the_queue_blocks_no_other(runtime, people, smtp):
    controller, inbox = smtp
    mailing = with_smtp(runtime, controller.port)
    with clock.frozen(NOW):
        poisoned = queue(runtime, INJECTED, body="ความลับในเนื้อความ")
        sealed_list = queue(runtime, LIST, body="ถึงผู้ร้องเรียน", sealed=True)
        wrapped = queue(runtime, "head@example.go.th", "เกินกำหนด\r\nBcc: x@example.org")
        good = [queue(runtime, f"user{n}@example.go.th", f"เรื่อง {n}", at=NOW)
                for n in range(3)]
        assert deliver_outbox(mailing) == (4, 2)
        assert deliver_outbox(mailing) == (0, 0)  # the failed ones are backed off
    received = sorted(rcpt_to(m) for m in inbox.messages)
    assert received == sorted(["head@example.go.th",
                               *(f"user{n}@example.go.th" for n in range(3))])
    assert not any("x@example.org" in rcpt_to(m) or m["Bcc"] for m in inbox.messages)
    subject = next(m for m in inbox.messages if rcpt_to(m) == "head@example.go.th")["Subject"]
    assert str(make_header(decode_header(subject))) == "เกินกำหนด Bcc: x@example.org"
    for row_id in (wrapped, *good):
        assert outbox_row(runtime, row_id).sent_at is not None
    for row_id in (poisoned, sealed_list):
        row = outbox_row(runtime, row_id)
        assert row.sent_at is None and row.attempts == 1 and row.failed_at == NOW
        assert row.next_attempt_at > NOW and row.last_error
        # The reason names the failure, never the address or the text.
        for private in ("example.org", "ความลับ", "ผู้ร้องเรียน", "Bcc"):
            assert private not in row.last_error
    mailing.close()

    client = create_app(runtime=runtime).test_client()
    token = issue_token(runtime, people.admin.username)
    with clock.frozen(NOW):
        samples = parse_metrics(client.get(
            "/metrics", headers={"Authorization": f"Bearer {token}"}).get_data(as_text=True))
        health = client.get("/healthz")
    assert metric(samples, "govflow_outbox_failing") == 2
    assert metric(samples, "govflow_outbox_unsent") == 2
    assert metric(samples, "govflow_outbox_oldest_unsent_age_seconds") == 7200
    body = health.json
    assert "outbox" in body["failing"] and body["status"] == "degraded"
    assert body["outbox"] == {"ok": False, "pending": 2, "failing": 2, "oldest_age_s": 7200.0,
                              "stuck_after_s": 3600.0}
    assert body["letters"]["ok"] is True
    assert "example.org" not in health.get_data(as_text=True)


def test_a_stuck_outbox_is_reported_after_the_configured_age(runtime, people):
    client = create_app(runtime=runtime).test_client()
    with clock.frozen(NOW) as now:
        queue(runtime, "head@example.go.th", at=NOW)  # no SMTP server: it just waits
        assert "outbox" not in client.get("/healthz").json["failing"]
        now.advance(timedelta(seconds=runtime.settings.outbox_stuck_after + 1))
        assert "outbox" in client.get("/healthz").json["failing"]


def escalation_mail_for(runtime, people, smtp, task_name: str):
    """The screening task renamed ``task_name``, its deadline passed, one scheduler pass:
    (the pass's report, the mail the head of Legal Affairs received)."""
    controller, inbox = smtp
    add_user(runtime, "head_mail", ["legal_head"], "LEGAL", email="head@example.go.th")
    mailing = with_smtp(runtime, controller.port)
    with clock.frozen(NOW) as now:
        instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        with runtime.db.write() as session:
            session.execute(update(Task).values(name=task_name))
        now.move_to(datetime(2026, 12, 11, 16, 31, tzinfo=BANGKOK))
        report = tick(mailing)
    mailing.close()
    [message] = [m for m in inbox.messages if rcpt_to(m) == "head@example.go.th"]
    return report, message


def test_a_wrapped_task_name_makes_a_one_line_subject(runtime, people, smtp):
    # Camunda Modeler keeps a wrapped label's line break in the task's name.
    report, message = escalation_mail_for(runtime, people, smtp,
                                          "คัดกรอง\r\nBcc: x@example.org\nเรื่อง")
    assert report.mail_sent >= 1 and report.mail_failed == 0
    subject = str(make_header(decode_header(message["Subject"])))
    assert "\n" not in subject and "\r" not in subject
    assert "คัดกรอง Bcc: x@example.org เรื่อง" in subject
    assert message["Bcc"] is None and "x@example.org" not in rcpt_to(message)


def test_a_task_name_as_long_as_its_column_still_escalates(runtime, people, smtp):
    # A 300-character task name fits the inbox, but the escalation's subject and notice
    # add words to it: they are cut to their columns, not refused by PostgreSQL.
    report, message = escalation_mail_for(runtime, people, smtp, "ก" * 300)
    assert not report.errors and report.mail_sent >= 1, report
    subject = str(make_header(decode_header(message["Subject"])))
    assert len(subject) == 300 and subject.endswith("…")

# ---- letters -----------------------------------------------------------------------------

@pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT
def test_a_letter_that_cannot_be_drawn_blocks_no_other(runtime, people):
    case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    fields = {"recipient": "ผู้ร้องเรียน", "case_number": str(case["id"]), "tracking_code": "",
              "received_on": "4 ธันวาคม 2569", "outcome": "รับไว้พิจารณา",
              "result_summary": "แก้ไขแล้ว"}
    with clock.frozen(NOW), runtime.db.write() as session:
        for sealed in (b"not a sealed blob", runtime.cipher.encrypt(fields)):
            session.add(LetterJob(instance_id=case["id"], kind="result_notice",
                                  issued_on=NOW.date(), sealed=sealed, created_at=LONG_AGO,
                                  next_attempt_at=LONG_AGO))
    with clock.frozen(NOW):
        assert draw_pending_letters(runtime) == (1, 1)
        assert draw_pending_letters(runtime) == (0, 0)  # backed off
    with runtime.db.read() as session:
        bad, drawn = session.scalars(select(LetterJob).order_by(LetterJob.id))
        assert drawn.done_at is not None and drawn.attachment_id is not None
        assert bad.done_at is None and bad.failed_at == NOW and bad.attempts == 1
        assert bad.next_attempt_at > NOW and "ผู้ร้องเรียน" not in bad.last_error
    client = create_app(runtime=runtime).test_client()
    token = issue_token(runtime, people.ict_head.username)
    with clock.frozen(NOW):
        samples = parse_metrics(client.get(
            "/metrics", headers={"Authorization": f"Bearer {token}"}).get_data(as_text=True))
        health = client.get("/healthz").json
    assert metric(samples, "govflow_letter_jobs_failing") == 1
    assert metric(samples, "govflow_letter_jobs_pending") == 1
    assert "letters" in health["failing"] and health["letters"]["failing"] == 1


# ---- addresses where they enter ---------------------------------------------------------

@pytest.mark.parametrize("address", [INJECTED, "a@example.org, x@example.org", LIST])
def test_a_bad_complainant_address_is_refused_at_the_public_api(runtime, address):
    client = create_app(runtime=runtime).test_client()
    response = client.post("/api/v1/public/complaints", json={
        **WEB, "complainant_email": address, "notice_acknowledged": True})
    assert response.status_code == 400
    problem = response.json["fields"]["complainant_email"]
    assert "อีเมล" in problem
    assert ("บรรทัดเดียว" in problem) if "\n" in address else ("หนึ่งที่อยู่" in problem)
    with runtime.db.read() as session:
        assert session.scalar(select(func.count(ProcessInstance.id))) == 0


@pytest.mark.parametrize("address", [INJECTED, LIST])
def test_a_bad_complainant_address_is_refused_on_the_public_page(app, sqlite_runtime, address):
    citizen = Browser(app)
    assert citizen.get("/complaint").status_code == 200
    response = citizen.post("/complaint", {**form_of(WEB), "notice_acknowledged": "on",
                                           "complainant_email": address})
    assert response.status_code == 400 and 'class="receipt-code"' not in html(response)
    assert "อีเมล" in html(response) and 'aria-invalid="true"' in html(response)
    with sqlite_runtime.db.read() as session:
        assert session.scalar(select(func.count(ProcessInstance.id))) == 0


def test_a_bad_address_is_refused_at_staff_intake_and_for_users(runtime, people):
    for address in (INJECTED, LIST, "not-an-address"):
        with pytest.raises(InvalidData) as refused:
            instances.start_instance(runtime, people.legal_officer, "complaint",
                                     {**COMPLAINT, "complainant_email": address})
        assert "complainant_email" in refused.value.fields
        with pytest.raises(InvalidData) as refused:
            add_user(runtime, "somsri", ["staff"], "PLAN", email=address)
        assert "email" in refused.value.fields
    with runtime.db.read() as session:
        assert session.scalar(select(func.count(ProcessInstance.id))) == 0
        assert session.scalar(select(User.id).where(User.username == "somsri")) is None
    assert add_user(runtime, "somsri", ["staff"], "PLAN", email="somsri@example.go.th")


def test_the_cli_refuses_a_list_of_addresses(tmp_path):
    env = {**os.environ, "GOVFLOW_INSTANCE_DIR": str(tmp_path / "instance"),
           "GOVFLOW_DATABASE_URL": "", "GOVFLOW_ENV": "development"}
    assert run(env, "init").returncode == 0
    added = run(env, "user", "add", "somsri", "--role", "staff", "--unit", "PLAN",
                "--email", LIST)
    assert added.returncode != 0 and "Traceback" not in added.stderr
    assert "email" in added.stderr and "one address only" in added.stderr
    assert run(env, "user", "token", "somsri").returncode != 0  # nothing was saved


# ---- the administrators' page -------------------------------------------------------------

def test_retry_and_cancel_are_audited_and_cancelled_mail_is_never_sent(runtime, people, smtp):
    controller, inbox = smtp
    mailing = with_smtp(runtime, controller.port)
    with clock.frozen(NOW) as now:
        failing = queue(runtime, INJECTED)
        doomed = queue(runtime, "head@example.go.th", at=NOW + timedelta(hours=1))
        deliver_outbox(mailing)
        listed = outbox_admin.list_problems(runtime, people.admin)["messages"]
        assert [m["id"] for m in listed] == [failing] and listed[0]["recipient"] == "***"
        outbox_admin.retry(runtime, people.admin, "message", failing)
        assert outbox_row(runtime, failing).next_attempt_at == NOW
        outbox_admin.cancel(runtime, people.admin, "message", doomed)
        with pytest.raises(Conflict):
            outbox_admin.retry(runtime, people.admin, "message", doomed)
        now.advance(timedelta(hours=2))
        assert deliver_outbox(mailing) == (0, 1)  # the cancelled one is never claimed
    assert inbox.messages == []
    row = outbox_row(runtime, doomed)
    assert row.cancelled_at == NOW and row.cancelled_by == people.admin.username
    with runtime.db.read() as session:
        events = session.execute(select(AuditEvent.action, AuditEvent.actor_name,
                                        AuditEvent.detail).order_by(AuditEvent.id)).all()
    assert ("outbox_message_retried", "admin", {"message": failing}) in events
    assert ("outbox_message_cancelled", "admin", {"message": doomed}) in events
    assert "example" not in repr(events)
    with pytest.raises(Forbidden):
        outbox_admin.list_problems(runtime, people.legal_head)
    mailing.close()


def test_the_outbox_page_masks_recipients_and_acts(sqlite_runtime, web_people, browser):
    rt = sqlite_runtime
    plain = queue(rt, "somsri@example.go.th", "ส่งไม่ได้", at=datetime.now(BANGKOK) - timedelta(
        hours=2))
    sealed = queue(rt, "complainant@example.org", "แจ้งผล", "ถึงผู้ร้องเรียน", sealed=True,
                   at=datetime.now(BANGKOK) - timedelta(hours=2))
    b = browser("admin")
    page = html(b.get("/admin/outbox"))
    assert b.page.status_code == 200 and "s***@e***.th" in page
    assert "somsri@example.go.th" not in page and "complainant@example.org" not in page
    assert "ผู้ร้องเรียน เรื่องเลขที่ 1" in page and "/admin/outbox" in html(b.get("/admin/users"))
    b.get("/admin/outbox")
    assert b.post("/admin/outbox/retry", {"kind": "message", "id": str(plain)}
                  ).status_code == 302
    b.get("/admin/outbox")
    assert b.post("/admin/outbox/cancel", {"kind": "message", "id": str(sealed)}
                  ).status_code == 302
    assert outbox_row(rt, sealed).cancelled_by == "admin"
    after = html(b.get("/admin/outbox"))
    assert "ผู้ร้องเรียน เรื่องเลขที่ 1" not in after  # cancelled: off the list
    unknown = b.post("/admin/outbox/retry", {"kind": "message", "id": "99999999999999"})
    assert unknown.status_code == 302  # said on the page, nothing changed
    assert "ไม่พบรายการ" in html(b.get("/admin/outbox"))
    b.post("/language", {"lang": "en", "next": "/admin/outbox"})
    assert "Failed and stuck mail" in html(b.get("/admin/outbox"))


@pytest.mark.parametrize("name", ["staff", "director", "legal_head", "ict_head"])
def test_the_outbox_page_refuses_other_roles(sqlite_runtime, web_people, browser, name):
    row_id = queue(sqlite_runtime, "somsri@example.go.th")
    b = browser(name)
    assert b.get("/admin/outbox").status_code == 403
    for action in ("retry", "cancel"):
        assert b.post(f"/admin/outbox/{action}", {"kind": "message", "id": str(row_id)}
                      ).status_code == 403
    row = outbox_row(sqlite_runtime, row_id)
    assert row.cancelled_at is None and row.next_attempt_at == LONG_AGO
