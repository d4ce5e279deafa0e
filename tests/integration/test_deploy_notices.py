"""A deploy is told to the process's supervisors, in the app and by e-mail, with what
changed; making an earlier version current is told the same way. Nothing personal."""

from __future__ import annotations

from email.header import decode_header, make_header
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.core.models import Notification, OutboxMessage
from engine.jobs.mailer import deliver_outbox
from engine.services.admin import versions
from engine.services.admin.users import add_user
from engine.services.inbox import instances
from tests.mail_support import with_smtp
from tests.samples import COMPLAINT, SECRETS

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

OLD_NAME = "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน"
NEW_NAME = "คัดกรองเรื่องร้องเรียน (ภายใน"
RENAMED = "เปลี่ยนชื่อขั้นตอน 'พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน {triage_days} วันทำการ)' " \
          "เป็น 'คัดกรองเรื่องร้องเรียน (ภายใน {triage_days} วันทำการ)'"
RENAMED_EN = "Renamed the step 'พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน {triage_days} " \
             "วันทำการ)' to 'คัดกรองเรื่องร้องเรียน (ภายใน {triage_days} วันทำการ)'"


def renamed(folder: Path, process_name: str | None = None) -> bytes:
    text = (folder / "complaint.bpmn").read_text(encoding="utf-8")
    assert text.count(f'name="{OLD_NAME}') == 1
    text = text.replace(f'name="{OLD_NAME}', f'name="{NEW_NAME}')
    if process_name is not None:
        text = text.replace('name="การจัดการเรื่องร้องเรียนการทุจริต"', f'name="{process_name}"', 1)
    return text.encode("utf-8")


@pytest.fixture
def supervised(own_copy):
    rt, people, owner, folder = own_copy
    head = add_user(rt, "head_mail", ["legal_head"], "LEGAL", email="head@example.go.th")
    director = add_user(rt, "dir_mail", ["director"], "ADMIN", email="director@example.go.th")
    return rt, people, owner, folder, head, director


def notices(rt, user) -> list[str]:
    with rt.db.read() as session:
        return list(session.scalars(select(Notification.text)
                                    .where(Notification.user_id == user.id)))


def test_a_deploy_tells_the_supervisors_in_the_app_and_by_mail(supervised, smtp):
    rt, people, owner, folder, head, director = supervised
    controller, inbox = smtp
    instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    versions.preview_upload(rt, owner, "complaint.bpmn", renamed(folder))
    assert notices(rt, head) == []  # a preview tells nobody
    versions.deploy_upload(rt, owner, "complaint.bpmn",
                           renamed(folder, "เรื่องร้องเรียน&#13;&#10;Bcc: evil@example.com"))
    for user in (head, director):
        (text,) = notices(rt, user)
        assert text.startswith("ติดตั้งกระบวนงาน เรื่องร้องเรียน Bcc: evil@example.com ฉบับที่ 2 "
                               "แทนฉบับที่ 1 แล้ว โดย ผู้ดูแลกระบวนงาน")
        assert RENAMED in text
    assert notices(rt, people.legal_officer) == [] and notices(rt, people.staff) == []

    mailing = with_smtp(rt, controller.port)
    sent, failed = deliver_outbox(mailing)
    mailing.close()
    assert (sent, failed) == (2, 0)
    assert sorted(m["To"] for m in inbox.messages) == ["director@example.go.th",
                                                       "head@example.go.th"]
    mail = inbox.messages[0]
    subject = str(make_header(decode_header(mail["Subject"])))
    assert mail["Bcc"] is None and subject == (
        "ติดตั้งกระบวนงาน เรื่องร้องเรียน Bcc: evil@example.com ฉบับที่ 2 แล้ว / "
        "เรื่องร้องเรียน Bcc: evil@example.com: version 2 deployed")
    body = mail.get_payload(decode=True).decode("utf-8")
    assert f"- {RENAMED}" in body and f"- {RENAMED_EN}" in body
    assert "เรื่องที่ดำเนินการอยู่ในฉบับที่ 1: 1 เรื่อง" in body
    assert not any(secret in body for secret in SECRETS)
    assert COMPLAINT["subject"] not in body


def test_making_an_earlier_version_current_is_told_too(supervised):
    rt, _people, owner, folder, head, _director = supervised
    versions.deploy_upload(rt, owner, "complaint.bpmn", renamed(folder))
    versions.make_current(rt, owner, "complaint", 1)
    back = notices(rt, head)
    assert len(back) == 2
    reverse = next(t for t in back if "ฉบับที่ 1 แทนฉบับที่ 2" in t)
    assert "เปลี่ยนชื่อขั้นตอน 'คัดกรองเรื่องร้องเรียน (ภายใน {triage_days} วันทำการ)' เป็น " \
           "'พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น" in reverse
    with rt.db.read() as session:
        subjects = session.scalars(select(OutboxMessage.subject)
                                   .where(OutboxMessage.recipient == "head@example.go.th")).all()
    assert len(subjects) == 2
    versions.make_current(rt, owner, "complaint", 1)  # already current: nothing new to tell
    assert len(notices(rt, head)) == 2


def test_an_unchanged_upload_tells_nobody(supervised):
    rt, _people, owner, folder, head, _director = supervised
    result = versions.deploy_upload(rt, owner, "complaint.bpmn",
                                    (folder / "complaint.bpmn").read_bytes())
    assert result["deployed"] == [] and notices(rt, head) == []


def test_another_deploy_path_tells_through_tell_deployed(supervised):
    """A path that deploys by itself (e.g. the settings page) asks before and tells after."""
    from engine.bpmn.definitions import check_bytes, deploy_checked
    from engine.services.admin.deploy_notices import current_versions, tell_deployed

    rt, _people, owner, folder, head, director = supervised
    checked = check_bytes(renamed(folder), "complaint.bpmn", folder)
    before = current_versions(rt, checked.processes)
    assert before == {"complaint": 1}
    report = deploy_checked(rt.db, checked, "owner")
    assert tell_deployed(rt, owner, before, report.deployed) == 4  # two of each role
    (text,) = notices(rt, director)
    assert "ฉบับที่ 2 แทนฉบับที่ 1" in text and RENAMED in text
