"""Escalations reach people: by e-mail through a real local SMTP server, and over the API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.core import clock
from engine.core.models import OutboxMessage
from engine.jobs.scheduler import tick
from engine.services.admin.users import add_user, issue_token
from engine.services.inbox import instances
from engine.thai.workdays import BANGKOK
from engine.workflow import escalations
from tests.mail_support import free_port, with_smtp
from tests.samples import COMPLAINT, SECRETS
from webui import create_app


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


def test_breach_mail_is_delivered_once_without_personal_data(runtime, people, smtp):
    controller, inbox = smtp
    add_user(runtime, "head_mail", ["legal_head"], "LEGAL", email="head@example.go.th")
    mailing = with_smtp(runtime, controller.port)
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        now.move_to(bkk("2026-12-11T16:31"))
        report = tick(mailing)
        assert report.mail_sent >= 1
        tick(mailing)  # nothing is sent twice
    to_head = [m for m in inbox.messages if m["To"] == "head@example.go.th"]
    assert len(to_head) == 1
    body = to_head[0].get_payload(decode=True).decode("utf-8")
    assert "เกินกำหนด" in to_head[0]["Subject"] or "เกินกำหนด" in body
    assert not any(secret in body for secret in SECRETS)
    assert COMPLAINT["subject"] not in body  # complaints are named by number only
    with runtime.db.read() as session:
        row = session.scalar(select(OutboxMessage).where(
            OutboxMessage.recipient == "head@example.go.th"))
        assert row.sent_at is not None and to_head[0]["Message-ID"] == row.message_id
    mailing.close()


def test_failed_send_is_retried_and_not_lost(runtime, people, smtp):
    controller, inbox = smtp
    add_user(runtime, "head_mail", ["legal_head"], "LEGAL", email="head@example.go.th")
    unreachable = with_smtp(runtime, free_port())  # nothing listens there
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        now.move_to(bkk("2026-12-11T16:31"))
        failed = tick(unreachable)
        assert failed.mail_failed >= 1 and failed.mail_sent == 0
        with runtime.db.read() as session:
            row = session.scalar(select(OutboxMessage).where(
                OutboxMessage.recipient == "head@example.go.th"))
            assert row.sent_at is None and row.attempts == 1 and row.last_error
        reachable = with_smtp(runtime, controller.port)
        assert tick(reachable).mail_sent == 0  # backing off: not yet
        now.move_to(bkk("2026-12-11T16:45"))
        assert tick(reachable).mail_sent >= 1
    assert [m["To"] for m in inbox.messages].count("head@example.go.th") == 1
    unreachable.close()
    reachable.close()


def test_escalations_api_lists_and_acknowledges(runtime, people):
    app = create_app(runtime=runtime)
    client = app.test_client()
    head = {"Authorization": f"Bearer {issue_token(runtime, people.legal_head.username)}"}
    staff = {"Authorization": f"Bearer {issue_token(runtime, people.staff.username)}"}
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        now.move_to(bkk("2026-12-11T16:31"))
        tick(runtime)
        listed = client.get("/api/v1/escalations?status=open", headers=head).json["escalations"]
        breach = next(e for e in listed if e["level"] == 1)
        assert breach["instance_id"] == case["id"] and breach["task_id"]
        assert breach["due_at"] == "2026-12-11T16:30:00+07:00"
        assert set(breach) >= {"id", "instance_id", "task_id", "level", "status", "due_at",
                               "fired_at", "acknowledged_by", "acknowledged_at"}
        assert client.get("/api/v1/escalations", headers=staff).json["escalations"] == []
        assert client.post(f"/api/v1/escalations/{breach['id']}/acknowledge",
                           headers=staff).status_code == 404
        done = client.post(f"/api/v1/escalations/{breach['id']}/acknowledge", headers=head)
        assert done.status_code == 200 and done.json["acknowledged_by"] == "legal_head"
        assert client.get("/api/v1/escalations?status=bogus", headers=head).status_code == 400


def test_notifications_in_the_app(runtime, people):
    from engine.services.inbox import notifications

    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        now.move_to(bkk("2026-12-11T08:31"))  # the reminder goes to the unclaimed task's group
        tick(runtime)
    mine = notifications.list_notifications(runtime, people.legal_officer2)
    assert len(mine) == 1 and not mine[0]["read"]
    assert "จะครบกำหนด" in mine[0]["text"]
    assert "16:30" in mine[0]["text"]  # the task's deadline, not the reminder's own time
    assert not any(secret in mine[0]["text"] for secret in SECRETS)
    assert notifications.unread_count(runtime, people.legal_officer2) == 1
    assert notifications.list_notifications(runtime, people.staff) == []
    assert notifications.mark_all_read(runtime, people.legal_officer2) == 1
    assert notifications.unread_count(runtime, people.legal_officer2) == 0


def test_escalation_rows_carry_unit_task_and_age(runtime, people):
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        now.move_to(bkk("2026-12-15T09:00"))  # 11 Dec due; 14 and 15 Dec have passed since
        tick(runtime)
        listed = escalations.list_escalations(runtime, people.legal_head, "open")
    breach = next(e for e in listed if e["level"] == 1)
    assert breach["age_working_days"] == 2 and breach["unit_name"] and breach["task_name"]
    reminder = next(e for e in listed if e["level"] == 0)
    # Counted from the task's deadline (11 Dec 16:30), not from the reminder's firing.
    assert reminder["task_due_at"] == "2026-12-11T16:30:00+07:00"
    assert reminder["age_working_days"] == 2
