"""The Director receives the six-monthly report once per half, on time."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from engine.core import clock
from engine.core.models import Notification, OutboxMessage, ReportDelivery
from engine.jobs.scheduler import tick
from engine.services.admin.users import add_user
from engine.services.complaints.report_delivery import last_ended_half
from engine.services.inbox import instances
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime
from tests.samples import COMPLAINT, SECRETS


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


REPORT_TEXT = "รายงานเรื่องร้องเรียนการทุจริตรอบ 6 เดือน"


def told(rt) -> list[tuple[int, str]]:
    """The report's notifications (the untriaged complaint also escalates meanwhile)."""
    with rt.db.read() as session:
        return [tuple(row) for row in session.execute(
            select(Notification.user_id, Notification.text)
            .where(Notification.text.startswith(REPORT_TEXT)).order_by(Notification.id))]


def test_the_half_that_last_ended():
    assert last_ended_half(date(2027, 4, 1)) == (2570, 1)
    assert last_ended_half(date(2027, 3, 31)) == (2569, 2)
    assert last_ended_half(date(2026, 10, 1)) == (2569, 2)
    assert last_ended_half(date(2026, 9, 30)) == (2569, 1)


def test_the_report_reaches_the_director_once_on_the_first_working_day(runtime, people):
    director = add_user(runtime, "dir_mail", ["director"], "DIR", email="dir@example.go.th")
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        # The half before govflow was installed (ended 30 Sep 2026) is never delivered.
        assert tick(runtime).reports_delivered == 0 and told(runtime) == []
        now.move_to(bkk("2027-04-01T08:29"))
        assert tick(runtime).reports_delivered == 0
        now.move_to(bkk("2027-04-01T08:31"))  # Thu 1 Apr 2027, the first working day
        assert tick(runtime).reports_delivered == 1
        notes = told(runtime)
        readers = {user_id for user_id, _text in notes}
        assert readers == {director.id, people.director.id, people.legal_head.id}
        text = notes[0][1]
        assert "(ครึ่งปีแรก) ปีงบประมาณ พ.ศ. 2570" in text and "รับเรื่อง 1 เรื่อง" in text
        assert not any(secret in text for secret in SECRETS)
        with runtime.db.read() as session:
            [mail] = session.scalars(select(OutboxMessage).where(
                OutboxMessage.subject.startswith(REPORT_TEXT))).all()
        assert mail.recipient == "dir@example.go.th"
        assert "/reports/complaints?fiscal_year=2570&half=1" in mail.body
        # Once: this process remembers, and another process finds the delivery recorded.
        assert tick(runtime).reports_delivered == 0
        other = Runtime(runtime.settings)
        try:
            assert tick(other).reports_delivered == 0
        finally:
            other.close()
        assert len(told(runtime)) == 3
        with runtime.db.read() as session:
            assert session.scalars(select(ReportDelivery.half)).all() == [1]


def test_the_second_half_also_links_the_twelve_month_report(runtime, people):
    add_user(runtime, "dir_mail", ["director"], "DIR", email="dir@example.go.th")
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        now.move_to(bkk("2027-10-01T08:31"))  # Fri 1 Oct 2027, after half 2 of 2570
        assert tick(runtime).reports_delivered == 1
        with runtime.db.read() as session:
            [mail] = session.scalars(select(OutboxMessage).where(
                OutboxMessage.subject.startswith(REPORT_TEXT))).all()
    assert "(ครึ่งปีหลัง) ปีงบประมาณ พ.ศ. 2570" in mail.subject
    assert "/reports/complaints?fiscal_year=2570&half=2" in mail.body
    assert "รอบ 12 เดือน" in mail.body
    assert "/reports/complaints?fiscal_year=2570&half=year" in mail.body
