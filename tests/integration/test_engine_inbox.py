"""Engine services behind the inbox: counts, reassign, acting appointments, comments,
attachments and administration."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine.core import clock
from engine.core.actors import today_in_bangkok
from engine.core.errors import Conflict, Forbidden, InvalidData, NotAuthenticated, NotFound
from engine.services.admin import staff as admin
from engine.services.admin import users
from engine.services.inbox import attachments, comments, instances, tasks
from engine.thai.workdays import WorkingCalendar
from engine.workflow.views import working_days_left
from tests.samples import COMPLAINT, PUBLISHING_REQUEST

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_counts_and_working_days(sqlite_runtime):
    rt = sqlite_runtime
    from tests.conftest import People

    people = People(rt)
    instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    instances.start_instance(rt, people.staff, "publishing", PUBLISHING_REQUEST)
    assert tasks.count_tasks(rt, people.legal_officer) == {"mine": 0, "group": 1, "all": None}
    assert tasks.count_tasks(rt, people.director) == {"mine": 0, "group": 1, "all": 2}
    listed = tasks.list_tasks(rt, people.legal_officer, "group")["tasks"][0]
    assert listed["received_on"] == "2026-12-04"
    assert listed["process_name"] and listed["process_name"] != "complaint"
    due = datetime.fromisoformat(listed["due_at"])
    assert listed["overdue"] == (due <= clock.now())
    assert listed["working_days_left"] == working_days_left(rt.calendar, due, clock.now())
    by_received = tasks.list_tasks(rt, people.director, "all", sort="received")["tasks"]
    assert [t["received_on"] for t in by_received] == sorted(t["received_on"] for t in by_received)


@pytest.mark.parametrize(("now", "left"), [
    ("2026-12-08T10:00:00+07:00", 2),   # 9 and 11 Dec (10 Dec is Constitution Day)
    ("2026-12-11T09:00:00+07:00", 0),   # due today, not yet past
    ("2026-12-11T17:00:00+07:00", 0),   # past 16:30 the same day: overdue, 0 whole days
    ("2026-12-14T09:00:00+07:00", -1),  # Monday after: one working day late
    ("2026-12-16T09:00:00+07:00", -3),
])
def test_working_days_left(now, left):
    due = datetime.fromisoformat("2026-12-11T16:30:00+07:00")
    assert working_days_left(WorkingCalendar(), due, datetime.fromisoformat(now)) == left


def test_reassign_by_supervisor_only(runtime, people):
    started = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    task_id = started["tasks"][0]["id"]
    with pytest.raises(Forbidden):
        tasks.reassign_task(runtime, people.legal_officer, task_id, "legal_officer2")
    eligible = {u["username"] for u in tasks.eligible_assignees(runtime, people.legal_head,
                                                                  task_id)}
    assert eligible == {"legal_officer", "legal_officer2"}
    with pytest.raises(InvalidData):
        tasks.reassign_task(runtime, people.legal_head, task_id, "staff_plan")
    moved = tasks.reassign_task(runtime, people.legal_head, task_id, "legal_officer2")
    assert moved["assignee"] == "legal_officer2" and moved["assignee_display"]
    assert tasks.count_tasks(runtime, people.legal_officer2)["mine"] == 1
    history = instances.get_instance(runtime, people.legal_head, started["id"])["history"]
    assert any(e["action"] == "task_reassigned" and e["detail"]["to"] == "legal_officer2"
               for e in history)


def test_every_page_of_a_view_has_its_rows_and_the_whole_total(runtime, people):
    """The list counts only when its page is full (a shorter page is the last, its total
    known): every limit and offset, past the end too, gives the right rows and total."""
    for _ in range(5):
        instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)
    whole = tasks.list_tasks(runtime, people.legal_officer, "group", sort="-created")
    ids = [t["id"] for t in whole["tasks"]]
    assert whole["total"] == len(ids) == 5
    for limit in range(1, 7):
        for offset in range(8):
            page = tasks.list_tasks(runtime, people.legal_officer, "group", sort="-created",
                                    limit=limit, offset=offset)
            assert page["total"] == 5, (limit, offset)
            assert [t["id"] for t in page["tasks"]] == ids[offset:offset + limit]
    director = tasks.list_tasks(runtime, people.director, "all", limit=2, offset=5)
    assert director["total"] == 6 and len(director["tasks"]) == 1
    assert tasks.list_tasks(runtime, people.director, "all", process_key="publishing",
                            limit=1)["total"] == 1
    assert tasks.list_tasks(runtime, people.legal_officer, "mine")["total"] == 0
    tasks.claim_task(runtime, people.legal_officer, ids[0])
    mine = tasks.list_tasks(runtime, people.legal_officer, "mine", limit=1)
    assert mine["total"] == 1 and [t["id"] for t in mine["tasks"]] == ids[:1]
    assert tasks.count_tasks(runtime, people.legal_officer) == {"mine": 1, "group": 4,
                                                               "all": None}
    with pytest.raises(Forbidden):
        tasks.list_tasks(runtime, people.legal_officer, "all")
    with pytest.raises(InvalidData):
        tasks.list_tasks(runtime, people.legal_officer, "everything")


def test_acting_appointment_brings_the_roles_tasks_and_signs_acting_for(runtime, people):
    today = today_in_bangkok()
    iid = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)["id"]
    deputy = people.ict_head
    assert tasks.count_tasks(runtime, deputy)["group"] == 0
    appointment = admin.appoint_acting(runtime, people.admin, deputy.username, "director",
                                       today - timedelta(days=1), today + timedelta(days=3),
                                       "คำสั่ง สพป. ที่ 123/2569")
    acting = users.actor_by_username(runtime, deputy.username)
    assert "director" in acting.roles and acting.acting_for == {"director"}
    (task,) = tasks.list_tasks(runtime, acting, "group")["tasks"]
    tasks.complete_task(runtime, acting, task["id"], {"director_decision": "approve"})
    history = instances.get_instance(runtime, people.director, iid)["history"]
    signed = next(e for e in history if e["action"] == "task_completed")
    assert signed["acting_for"] == "director" and signed["actor"] == deputy.username
    admin.end_acting(runtime, people.admin, appointment["id"])
    assert "director" not in users.actor_by_username(runtime, deputy.username).roles
    with pytest.raises(InvalidData):
        admin.appoint_acting(runtime, people.admin, deputy.username, "director", today,
                             today - timedelta(days=1), "คำสั่งที่ 2/2569")
    with pytest.raises(InvalidData):  # an appointment always cites its order
        admin.appoint_acting(runtime, people.admin, deputy.username, "director", today,
                             today, "  ")
    # A future appointment grants nothing yet.
    admin.appoint_acting(runtime, people.admin, deputy.username, "legal_head",
                         today + timedelta(days=5), today + timedelta(days=9), "คำสั่งที่ 3/2569")
    assert "legal_head" not in users.actor_by_username(runtime, deputy.username).roles


def test_comments_follow_case_visibility(runtime, people):
    iid = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)["id"]
    added = comments.add_comment(runtime, people.legal_officer, iid, "  ขอเอกสารเพิ่ม  ")
    assert added["text"] == "ขอเอกสารเพิ่ม"
    assert [c["text"] for c in comments.list_comments(runtime, people.director, iid)] == \
        ["ขอเอกสารเพิ่ม"]
    for outsider in (people.staff, people.web_admin):
        with pytest.raises(NotFound):
            comments.add_comment(runtime, outsider, iid, "x")
        with pytest.raises(NotFound):
            comments.list_comments(runtime, outsider, iid)
    with pytest.raises(InvalidData):
        comments.add_comment(runtime, people.legal_officer, iid, "   ")
    with pytest.raises(InvalidData):
        comments.add_comment(runtime, people.legal_officer, iid, "ก" * 5001)


def test_attachments_are_checked_stored_outside_and_guarded(runtime, people):
    iid = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)["id"]
    meta = attachments.add_attachment(runtime, people.legal_officer, iid,
                                      "../../etc/หลักฐาน.pdf", "application/pdf", PDF)
    assert meta["filename"] == "หลักฐาน.pdf" and meta["size"] == len(PDF)
    stored = list(attachments.storage_dir(runtime).iterdir())
    # A complaint's files name people: encrypted at rest, readable through the service.
    assert len(stored) == 1 and PDF not in stored[0].read_bytes()
    assert stored[0].resolve().is_relative_to(runtime.settings.instance_dir.resolve())
    info, data = attachments.read_attachment(runtime, people.legal_head, meta["id"])
    assert data == PDF and info["content_type"] == "application/pdf"
    with pytest.raises(NotFound):
        attachments.read_attachment(runtime, people.web_admin, meta["id"])
    with pytest.raises(NotFound):
        attachments.read_attachment(runtime, people.legal_head, 999999)
    for content_type, data in (("application/pdf", PNG), ("text/html", b"<script>"),
                               ("image/png", b""), ("image/png", PNG + b"0" * (11 << 20))):
        with pytest.raises(InvalidData):
            attachments.add_attachment(runtime, people.legal_officer, iid, "x", content_type,
                                       data)
    assert len(attachments.list_attachments(runtime, people.legal_officer, iid)) == 1
    assert len(list(attachments.storage_dir(runtime).iterdir())) == 1  # nothing left behind

    history = instances.get_instance(runtime, people.director, iid)["history"]
    assert any(e["action"] == "attachment_read" for e in history)

def test_files_of_a_publishing_case_are_kept_as_sent(runtime, people):
    from tests.samples import PUBLISHING_REQUEST

    iid = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)["id"]
    meta = attachments.add_attachment(runtime, people.staff, iid, "แผน.pdf", "application/pdf",
                                      PDF)
    (stored,) = attachments.storage_dir(runtime).iterdir()
    assert stored.read_bytes() == PDF
    assert attachments.read_attachment(runtime, people.director, meta["id"])[1] == PDF


def test_administration_is_for_admins_and_audited(runtime, people):
    with pytest.raises(Forbidden):
        admin.list_users(runtime, people.director)
    admin.add_unit(runtime, people.admin, "FIN", "กลุ่มบริหารงานการเงินและสินทรัพย์")
    with pytest.raises(Conflict):
        admin.add_unit(runtime, people.admin, "FIN", "ซ้ำ")
    created = admin.add_user(runtime, people.admin, "somchai", "นายสมชาย", ["staff"], "FIN",
                             "correct horse battery")
    assert created["unit_code"] == "FIN" and created["roles"] == ["staff"]
    assert users.authenticate(runtime, "somchai", "correct horse battery").username == "somchai"
    new_password = admin.reset_password(runtime, people.admin, "somchai")
    with pytest.raises(NotAuthenticated):
        users.authenticate(runtime, "somchai", "correct horse battery")
    assert users.authenticate(runtime, "somchai", new_password)
    admin.set_roles(runtime, people.admin, "somchai", ["staff", "web_admin"])
    assert users.actor_by_username(runtime, "somchai").roles == {"staff", "web_admin"}
    token = admin.issue_token(runtime, people.admin, "somchai")
    assert users.actor_for_token(runtime, token).username == "somchai"
    assert admin.revoke_tokens(runtime, people.admin, "somchai") == 1
    with pytest.raises(NotAuthenticated):
        users.actor_for_token(runtime, token)
    admin.set_active(runtime, people.admin, "somchai", False)
    with pytest.raises(NotAuthenticated):
        users.authenticate(runtime, "somchai", new_password)
    with pytest.raises(Conflict):
        admin.set_active(runtime, people.admin, "admin", False)
    from sqlalchemy import select

    from engine.core.models import AuditEvent

    with runtime.db.read() as session:
        actions = set(session.scalars(select(AuditEvent.action).where(
            AuditEvent.actor_name == "admin")))
    assert {"unit_added", "user_added", "password_reset", "roles_changed", "token_issued",
            "token_revoked", "user_deactivated"} <= actions
    with runtime.db.read() as session:
        details = " ".join(str(d) for d in session.scalars(select(AuditEvent.detail)))
    assert new_password not in details and "correct horse" not in details
