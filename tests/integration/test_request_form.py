"""The publication request form as a PDF (the evidence of each step): the request's fields and three
sign-off blocks filled from the workflow, blank until signed; only for those who may see
the case, and only for publishing cases."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.core import clock
from engine.core.errors import NotFound
from engine.documents.request_form import BLANK_NAME
from engine.services.admin import staff as admin
from engine.services.admin import users
from engine.services.admin.users import add_user
from engine.services.inbox import instances
from engine.services.publishing.request_form import request_form_pdf
from engine.thai.workdays import BANGKOK
from tests.integration.test_procedures import do
from tests.pdf_text import pdf_text, squash
from tests.samples import COMPLAINT, PUBLISHING_REQUEST, SOURCE

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

pytest_plugins = ("tests.web_support",)

OWNER = ("นางสาวใจดี มีข้อมูล", "นักวิเคราะห์นโยบายและแผนชำนาญการ")
DEPUTY = ("นายรอง รักษาการ", "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษา")
WEB_ADMIN = ("นายเว็บ ดูแลดี", "นักวิชาการคอมพิวเตอร์ชำนาญการ")
REQUEST = {**PUBLISHING_REQUEST, "remarks": "ขอเผยแพร่ภายในสัปดาห์นี้"}


def when(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=BANGKOK)


def cast(rt, people):
    owner = add_user(rt, "jaidee", ["staff"], "PLAN", display_name=OWNER[0], position=OWNER[1])
    add_user(rt, "deputy", ["staff"], "DIR", display_name=DEPUTY[0], position=DEPUTY[1])
    publisher = add_user(rt, "webby", ["web_admin"], "ICT", display_name=WEB_ADMIN[0],
                         position=WEB_ADMIN[1])
    admin.appoint_acting(rt, people.admin, "deputy", "director", date(2026, 12, 1),
                         date(2026, 12, 31), "คำสั่ง สพป. ที่ 45/2569")
    return owner, publisher


def text_of(pdf: bytes) -> str:
    return squash(pdf_text(pdf))


def test_the_three_sign_offs_are_filled_from_the_workflow(runtime, people):
    owner, publisher = cast(runtime, people)
    with clock.frozen(when(1, 9)) as moving:
        iid = instances.start_instance(runtime, owner, "publishing", REQUEST)["id"]
        before = text_of(request_form_pdf(runtime, owner, iid))
        moving.move_to(when(2, 10))
        do(runtime, users.actor_by_username(runtime, "deputy"), iid,
           {"director_decision": "approve"})
        moving.move_to(when(3, 11))
        do(runtime, publisher, iid, SOURCE)
        do(runtime, people.ict_head, iid, {"ict_decision": "approve"})
        moving.move_to(when(4, 14))
        do(runtime, publisher, iid, {})
    pdf = request_form_pdf(runtime, people.director, iid)
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    for part in ("แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์", runtime.office.name,
                 f"คำขอเลขที่ {iid}", REQUEST["unit"], "20 พฤศจิกายน 2569", REQUEST["title"],
                 REQUEST["details"], "1.1.1 ข้อมูลหน่วยงาน – ประวัติความเป็นมา",
                 "มาตรา 7 พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. 2540", REQUEST["external_link"],
                 REQUEST["remarks"], "ข้าพเจ้ายืนยันว่าข้อมูลนี้ไม่มีข้อมูลส่วนบุคคล"):
        assert squash(part) in text, part
    # Each block in order: its label, the name, the position, the Buddhist-Era date.
    blocks = [("ผู้ให้ข้อมูล", *OWNER, "1 ธันวาคม 2569"),
              ("ผู้อนุมัติ", *DEPUTY, "รักษาราชการแทน ผู้อำนวยการ สพป.", "2 ธันวาคม 2569"),
              ("ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่", *WEB_ADMIN, "4 ธันวาคม 2569")]
    position = 0
    for block in blocks:
        for part in block:
            found = text.find(squash(part), position)
            assert found >= 0, (part, text[position:position + 400])
            position = found
    assert squash(BLANK_NAME) not in text  # every block signed

    # Before anyone but the owner had acted: the approver and publisher blocks are blank.
    assert squash(OWNER[0]) in before and squash("1 ธันวาคม 2569") in before
    assert squash(DEPUTY[0]) not in before and squash(WEB_ADMIN[0]) not in before
    assert before.count(squash(BLANK_NAME)) == 2


def test_a_return_signs_nothing(runtime, people):
    owner, _publisher = cast(runtime, people)
    with clock.frozen(when(2, 9)):
        iid = instances.start_instance(runtime, owner, "publishing", REQUEST)["id"]
        do(runtime, users.actor_by_username(runtime, "deputy"), iid,
           {"director_decision": "return", "director_reason": "ข้อมูลไม่ครบ"})
    text = text_of(request_form_pdf(runtime, owner, iid))
    assert squash(DEPUTY[0]) not in text and text.count(squash(BLANK_NAME)) == 2


def test_the_same_state_draws_the_same_bytes(runtime, people):
    owner, _publisher = cast(runtime, people)
    with clock.frozen(when(1, 9)):
        iid = instances.start_instance(runtime, owner, "publishing", REQUEST)["id"]
    assert request_form_pdf(runtime, owner, iid) == request_form_pdf(runtime, owner, iid)


def test_only_who_may_see_the_case_and_only_publishing_cases(runtime, people):
    iid = instances.start_instance(runtime, people.staff, "publishing", REQUEST)["id"]
    for reader in (people.staff, people.director, people.ict_head, people.web_admin):
        assert request_form_pdf(runtime, reader, iid).startswith(b"%PDF-")
    for outsider in (people.staff_other_unit, people.legal_officer, people.admin):
        with pytest.raises(NotFound):
            request_form_pdf(runtime, outsider, iid)
    complaint = instances.start_instance(runtime, people.legal_officer, "complaint",
                                         COMPLAINT)["id"]
    with pytest.raises(NotFound):
        request_form_pdf(runtime, people.director, complaint)
    with pytest.raises(NotFound):
        request_form_pdf(runtime, people.director, 999_999)


def test_the_route(sqlite_runtime, web_people, browser, app):
    iid = instances.start_instance(sqlite_runtime, web_people.staff, "publishing",
                                   REQUEST)["id"]
    complaint = instances.start_instance(sqlite_runtime, web_people.legal_officer, "complaint",
                                         COMPLAINT)["id"]
    page = browser("staff").get(f"/cases/{iid}/request-form.pdf")
    assert page.status_code == 200 and page.mimetype == "application/pdf"
    assert page.get_data().startswith(b"%PDF-")
    assert f"request-form-{iid}.pdf" in page.headers["Content-Disposition"]
    assert browser("web_admin").get(f"/cases/{iid}/request-form.pdf").status_code == 200
    assert browser("legal_officer").get(f"/cases/{iid}/request-form.pdf").status_code == 404
    assert browser("director").get(f"/cases/{complaint}/request-form.pdf").status_code == 404
    signed_out = app.test_client().get(f"/cases/{iid}/request-form.pdf")
    assert signed_out.status_code == 302 and "/signin" in signed_out.headers["Location"]
