"""The owner of a publishing request is told at every listed step: in the app,
and by e-mail only when they have an address; nobody else is told."""

from __future__ import annotations

import re

from sqlalchemy import select

from engine.core.models import Notification, OutboxMessage
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user
from engine.services.inbox import instances, tasks
from tests.integration.test_procedures import do, only_task
from tests.samples import PUBLISHING_REQUEST, REVISED, SOURCE
from tests.web_client import html

pytest_plugins = ("tests.web_support",)

TITLE = PUBLISHING_REQUEST["title"]
RESUBMIT = {**REVISED, "revise_action": "resubmit"}
DIRECTOR_STEP = "ผู้อำนวยการ สพป. พิจารณาอนุมัติ"
CHECK_STEP = "ตรวจสอบความถูกต้อง ครบถ้วน เป็นปัจจุบัน"
ICT_STEP = "ผู้อำนวยการกลุ่ม ICT พิจารณาตามมาตรา 7/9 และ พ.ร.บ.คอมพิวเตอร์"
PUBLISH_STEP = "นำข้อมูลขึ้นเผยแพร่บนเว็บไซต์"


def notices(rt, instance_id):
    with rt.db.read() as session:
        return list(session.scalars(select(Notification).where(
            Notification.instance_id == instance_id).order_by(Notification.id)))


def outbox(rt):
    with rt.db.read() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def mail_owner(rt):
    return add_user(rt, "somsri", ["staff"], "PLAN", display_name="นางสมศรี ใจดี",
                    position="นักวิเคราะห์นโยบายและแผนชำนาญการ",
                    email="somsri@example.go.th")


def test_owner_is_told_at_each_listed_step_with_the_decision_and_the_reason(runtime, people):
    owner = mail_owner(runtime)
    iid = instances.start_instance(runtime, owner, "publishing", PUBLISHING_REQUEST)["id"]
    head = f"คำขอ “{TITLE}” (เลขที่ {iid}): "
    assert notices(runtime, iid) == [] and outbox(runtime) == []  # starting tells nobody

    do(runtime, people.director, iid, {"director_decision": "return",
                                       "director_reason": "ข้อมูลไม่ครบ"})
    do(runtime, people.staff, iid, RESUBMIT)  # the owner's own step is not listed
    do(runtime, people.director, iid, {"director_decision": "approve"})
    do(runtime, people.web_admin, iid, {"check_result": "return",
                                        "check_reason": "ลิงก์ใช้งานไม่ได้"})
    do(runtime, people.staff, iid, RESUBMIT)
    do(runtime, people.director, iid, {"director_decision": "approve"})
    do(runtime, people.web_admin, iid, SOURCE)
    do(runtime, people.ict_head, iid, {"ict_decision": "reject", "ict_reason": "ขัดมาตรา 9"})
    do(runtime, people.staff, iid, RESUBMIT)
    do(runtime, people.director, iid, {"director_decision": "approve"})
    do(runtime, people.web_admin, iid, SOURCE)
    do(runtime, people.ict_head, iid, {"ict_decision": "approve"})
    done = do(runtime, people.web_admin, iid, {})
    assert done["instance_status"] == "completed"

    told = notices(runtime, iid)
    assert {n.user_id for n in told} == {owner.id}  # nobody else
    assert [n.text for n in told] == [
        head + f"{DIRECTOR_STEP} — ส่งคืน เหตุผล: ข้อมูลไม่ครบ",
        # The first round's reason is still in the case's data: an approval without one
        # must not repeat it.
        head + f"{DIRECTOR_STEP} — อนุมัติ",
        head + f"{CHECK_STEP} — ส่งคืนแก้ไข เหตุผล: ลิงก์ใช้งานไม่ได้",
        head + f"{DIRECTOR_STEP} — อนุมัติ",
        head + f"{CHECK_STEP} — ผ่าน",
        head + f"{ICT_STEP} — ไม่อนุญาต เหตุผล: ขัดมาตรา 9",
        head + f"{DIRECTOR_STEP} — อนุมัติ",
        head + f"{CHECK_STEP} — ผ่าน",
        head + f"{ICT_STEP} — อนุญาต",
        head + f"{PUBLISH_STEP} — เผยแพร่บนเว็บไซต์แล้ว",
    ]

    mails = outbox(runtime)
    assert [m.recipient for m in mails] == ["somsri@example.go.th"] * len(told)
    assert len({m.message_id for m in mails}) == len(mails)
    assert all(re.fullmatch(r"<publishing-owner-\d+-\d+-\d+@govflow>", m.message_id)
               for m in mails)
    returned = mails[0]
    assert "ส่งคืน" in returned.subject and str(iid) in returned.subject
    assert told[0].text in returned.body and returned.body.startswith("เรียน นางสมศรี ใจดี")
    assert "ขั้นตอนต่อไป: แก้ไขและส่งใหม่ หรือถอนเรื่อง" in returned.body
    link = f"{runtime.settings.public_url.rstrip('/')}/cases/{iid}"
    assert link in returned.body and runtime.office.name in returned.body
    published = mails[-1]
    assert "เผยแพร่บนเว็บไซต์แล้ว" in published.subject
    assert f"เว็บไซต์: {runtime.settings.public_url.rstrip('/')}" in published.body
    assert link in published.body and "ขั้นตอนต่อไป" not in published.body


def test_no_email_without_an_address_and_a_long_reason_is_clipped_in_the_app(runtime, people):
    iid = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)["id"]
    reason = "ต้องแก้ไข " + "ก" * 1500
    do(runtime, people.director, iid, {"director_decision": "return", "director_reason": reason})
    (told,) = notices(runtime, iid)
    assert told.user_id == people.staff.id
    assert len(told.text) == 500 and told.text.endswith("…") and "เหตุผล: ต้องแก้ไข" in told.text
    assert outbox(runtime) == []


def test_the_steps_that_tell_the_owner_are_those_processes_toml_lists(own_copy):
    rt, people, _owner, folder = own_copy
    settings = folder / "processes.toml"
    text = settings.read_text(encoding="utf-8")
    listed = ('notify_owner = ["director_approval", "web_admin_check", "ict_head_decision", '
              '"publish_item"]')
    assert listed in text
    settings.write_text(text.replace(listed, 'notify_owner = ["web_admin_check"]'),
                        encoding="utf-8")
    assert deploy(rt).ok
    owner = mail_owner(rt)
    iid = instances.start_instance(rt, owner, "publishing", PUBLISHING_REQUEST)["id"]
    do(rt, people.director, iid, {"director_decision": "approve"})
    assert notices(rt, iid) == []
    do(rt, people.web_admin, iid, SOURCE)
    assert [n.text.split(": ", 1)[1] for n in notices(rt, iid)] == [f"{CHECK_STEP} — ผ่าน"]
    assert len(outbox(rt)) == 1


def test_the_owner_sees_why_on_the_revision_task(sqlite_runtime, web_people, browser):
    rt = sqlite_runtime
    iid = instances.start_instance(rt, web_people.staff, "publishing", PUBLISHING_REQUEST)["id"]
    do(rt, web_people.director, iid, {"director_decision": "return",
                                      "director_reason": "โปรดแนบแผนฉบับลงนาม"})
    owner = browser("staff")
    revise = only_task(rt, web_people.staff, iid, "แก้ไข")
    page = html(owner.get(f"/tasks/{revise['id']}"))
    # The returning step's recorded values are on the task page (its history), labelled.
    assert "โปรดแนบแผนฉบับลงนาม" in page and "เหตุผล/ข้อสั่งการ" in page
    notes = html(owner.get("/notifications"))
    assert "ส่งคืน เหตุผล: โปรดแนบแผนฉบับลงนาม" in notes
    # A second return, by the web administrator, shows its own reason too.
    tasks.complete_task(rt, web_people.staff, revise["id"], RESUBMIT)
    do(rt, web_people.director, iid, {"director_decision": "approve"})
    do(rt, web_people.web_admin, iid, {"check_result": "return",
                                       "check_reason": "ชื่อไฟล์ไม่ตรงกับชื่อเรื่อง"})
    again = only_task(rt, web_people.staff, iid, "แก้ไข")
    page = html(owner.get(f"/tasks/{again['id']}"))
    assert "ชื่อไฟล์ไม่ตรงกับชื่อเรื่อง" in page and "สิ่งที่ต้องแก้ไข" in page
