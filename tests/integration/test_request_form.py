"""The publication request form as a PDF (the evidence of each step): the request's fields and three
sign-off blocks filled from the workflow, blank until signed; only for those who may see
the case, and only for publishing cases. Read back with poppler: pdftotext for the words
(squashed: marks, spaces and zero-width spaces dropped on both sides, until lines are
broken without them), pdfinfo for the pages, pdffonts for the fonts, pdftoppm for the ink."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.core import clock
from engine.core.errors import NotFound
from engine.core.models import AuditEvent
from engine.documents.font_metrics import leading_mm
from engine.documents.pdf import ThaiDocument
from engine.documents.request_form import BLANK_NAME, NOTE, SPACINGS
from engine.services.admin import staff as admin
from engine.services.admin import users
from engine.services.admin.users import add_user
from engine.services.inbox import instances
from engine.services.publishing.request_form import request_form_pdf
from engine.thai.digits import thai_digits
from engine.thai.workdays import BANGKOK
from tests.integration.test_procedures import do
from tests.pdf_image import render_pages
from tests.pdf_text import (
    fonts_embedded,
    page_count,
    pdf_pages,
    poppler_text,
    squash,
)
from tests.samples import COMPLAINT, PUBLISHING_REQUEST, SOURCE

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

pytest_plugins = ("tests.web_support",)

OWNER = ("นางสาวใจดี มีข้อมูล", "นักวิเคราะห์นโยบายและแผนชำนาญการ")
DEPUTY = ("นายรอง รักษาการ", "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษา")
WEB_ADMIN = ("นายเว็บ ดูแลดี", "นักวิชาการคอมพิวเตอร์ชำนาญการ")
REQUEST = {**PUBLISHING_REQUEST, "remarks": "ขอเผยแพร่ภายในสัปดาห์นี้"}


def when(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=BANGKOK)


LONG_REQUEST = {
    **REQUEST,
    "title": "ประกาศผลการดำเนินงานตามแผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2570 "
             "และรายงานการกำกับติดตามการใช้จ่ายงบประมาณรายไตรมาส ไตรมาสที่ 1 ถึง 4",
    "details": "สรุปผลการดำเนินงานตามแผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2570 จำนวน 45 โครงการ "
               "งบประมาณที่ได้รับจัดสรรทั้งสิ้น 12,345,678 บาท เบิกจ่ายแล้ว 11,234,567 บาท "
               "คิดเป็นร้อยละ 91.00 พร้อมผลสัมฤทธิ์ตามตัวชี้วัด ปัญหาอุปสรรค และข้อเสนอแนะ",
    "remarks": "ขอเผยแพร่ภายในสัปดาห์นี้ เพื่อรายงานผลต่อ สพฐ. ภายในวันที่ 30 พฤศจิกายน 2569",
}


def cast(rt, people, kind="acting"):
    owner = add_user(rt, "jaidee", ["staff"], "PLAN", display_name=OWNER[0], position=OWNER[1])
    add_user(rt, "deputy", ["staff"], "DIR", display_name=DEPUTY[0], position=DEPUTY[1])
    publisher = add_user(rt, "webby", ["web_admin"], "ICT", display_name=WEB_ADMIN[0],
                         position=WEB_ADMIN[1])
    admin.appoint_acting(rt, people.admin, "deputy", "director", date(2026, 12, 1),
                         date(2026, 12, 31), "คำสั่ง สพป. ที่ 45/2569", kind=kind)
    return owner, publisher


def text_of(pdf: bytes) -> str:
    return squash(poppler_text(pdf, raw=True))


def printed(text: str) -> str:
    """``text`` as the form prints it under the sample office.toml (digits = "thai")."""
    return squash(thai_digits(text))


def signed_through(rt, people, owner, publisher, request=REQUEST) -> int:
    """A request approved by the deputy on 2 December and published on 4 December."""
    with clock.frozen(when(1, 9)) as moving:
        iid = instances.start_instance(rt, owner, "publishing", request)["id"]
        moving.move_to(when(2, 10))
        do(rt, users.actor_by_username(rt, "deputy"), iid, {"director_decision": "approve"})
        moving.move_to(when(3, 11))
        do(rt, publisher, iid, SOURCE)
        do(rt, people.ict_head, iid, {"ict_decision": "approve"})
        moving.move_to(when(4, 14))
        do(rt, publisher, iid, {})
    return iid


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
                 "มาตรา 7 พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. 2540",
                 REQUEST["remarks"], "ข้าพเจ้ายืนยันว่าข้อมูลนี้ไม่มีข้อมูลส่วนบุคคล"):
        assert printed(part) in text, part
    # Dates, the request's number and numbers in the text in Thai digits; the link as typed.
    assert squash("20 พฤศจิกายน 2569") not in text and squash(f"เลขที่ {iid}") not in text
    assert squash(REQUEST["external_link"]) in text
    # Each block in order: its label, the name, the position, the capacity with the head's
    # full title (never "ผู้อำนวยการ สพป."), the Buddhist-Era date in Thai digits.
    acting_line = "รักษาราชการแทน" + runtime.office.head_title
    blocks = [("ผู้ให้ข้อมูล", *OWNER, "วันที่ 1 ธันวาคม 2569"),
              ("ผู้อนุมัติ", *DEPUTY, acting_line, "วันที่ 2 ธันวาคม 2569"),
              ("ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่", *WEB_ADMIN, "วันที่ 4 ธันวาคม 2569")]
    position = 0
    for block in blocks:
        for part in block:
            found = text.find(printed(part), position)
            assert found >= 0, (part, text[position:position + 400])
            position = found
    assert squash("ผู้อำนวยการ สพป.") not in text
    assert squash(BLANK_NAME) not in text  # every block signed
    assert page_count(pdf) == 1
    assert fonts_embedded(pdf) and all(embedded for _name, embedded in fonts_embedded(pdf))

    # Before anyone but the owner had acted: the approver and publisher blocks are blank.
    assert squash(OWNER[0]) in before and printed("1 ธันวาคม 2569") in before
    assert squash(DEPUTY[0]) not in before and squash(WEB_ADMIN[0]) not in before
    assert before.count(squash(BLANK_NAME)) == 2


def test_a_delegated_approver_signs_ปฏิบัติราชการแทน(runtime, people):
    owner, publisher = cast(runtime, people, kind="delegated")
    iid = signed_through(runtime, people, owner, publisher)
    text = text_of(request_form_pdf(runtime, owner, iid))
    line = printed("ปฏิบัติราชการแทน" + runtime.office.head_title)
    assert printed(DEPUTY[0]) in text and line in text
    assert squash("รักษาราชการแทน") not in text


def _forget_kinds(rt, iid):
    """The request's events as they were recorded before events named the kind."""
    with rt.db.write() as session:
        for event in session.scalars(select(AuditEvent).where(AuditEvent.instance_id == iid)):
            if "acting_kind" in (event.detail or {}):
                event.detail = {k: v for k, v in event.detail.items() if k != "acting_kind"}


def test_an_old_event_gets_its_kind_from_the_appointment_of_its_day(runtime, people):
    """A deputy acting at first, then (after that order ended) under delegation: the event
    of the approval, recorded without its kind, is matched to the delegation."""
    owner, publisher = cast(runtime, people, kind="acting")
    with clock.frozen(when(1, 8)):
        (acting,) = admin.list_acting(runtime, people.admin)
        admin.end_acting(runtime, people.admin, acting["id"])
        admin.appoint_acting(runtime, people.admin, "deputy", "director", date(2026, 12, 1),
                             date(2026, 12, 31), "คำสั่ง สพป. ที่ 46/2569", kind="delegated")
    iid = signed_through(runtime, people, owner, publisher)
    with runtime.db.read() as session:
        approval = session.scalars(select(AuditEvent).where(
            AuditEvent.instance_id == iid, AuditEvent.action == "task_completed",
            AuditEvent.acting_for == "director")).one()
        assert approval.detail["acting_kind"] == "delegated"  # recorded as it was
    _forget_kinds(runtime, iid)
    text = text_of(request_form_pdf(runtime, owner, iid))
    assert printed("ปฏิบัติราชการแทน" + runtime.office.head_title) in text
    assert squash("รักษาราชการแทน") not in text


def test_one_page_with_an_acting_approver_and_long_fields(runtime, people):
    owner, publisher = cast(runtime, people)
    iid = signed_through(runtime, people, owner, publisher, LONG_REQUEST)
    pdf = request_form_pdf(runtime, owner, iid)
    assert page_count(pdf) == 1
    text = text_of(pdf)
    for part in (LONG_REQUEST["title"], LONG_REQUEST["details"], LONG_REQUEST["remarks"],
                 DEPUTY[0], "รักษาราชการแทน" + runtime.office.head_title, WEB_ADMIN[0], NOTE):
        assert printed(part) in text, part


def test_too_long_for_one_page_runs_on_with_the_note_beside_the_last_blocks(runtime, people):
    owner, publisher = cast(runtime, people)
    endless = {**LONG_REQUEST, "details": LONG_REQUEST["details"] * 12}
    iid = signed_through(runtime, people, owner, publisher, endless)
    pdf = request_form_pdf(runtime, owner, iid)
    pages = page_count(pdf)
    assert pages >= 2
    last = squash(pdf_pages(pdf)[-1].extract_text())
    assert printed(NOTE) in last and printed(WEB_ADMIN[0]) in last


@pytest.mark.parametrize("size", sorted({size for spacing in SPACINGS for size in (
    spacing.body_pt, spacing.block_pt, spacing.note_pt, spacing.title_pt)}))
def test_lines_never_let_marks_touch(size):
    """Lower vowels over tone marks stacked on upper vowels, the closest two lines of Thai
    come, rendered at 150 dpi: at the form's leading a white row of pixels parts them; at
    seven tenths of it (about the form's old 6.5 mm at 16 pt) none does."""
    def parted(leading: float) -> bool:
        pdf = ThaiDocument(title="leading", created=when(1, 9))
        pdf.add_page()
        pdf.use_font(size)
        pdf.text(20, 40, "ครูดูสุขผู้รู้ครูดูสุขผู้รู้ครูดูสุข")
        pdf.text(20, 40 + leading, "ที่นั้นปั้นซึ่งที่นั้นปั้นซึ่งที่นั้น")
        (page,) = render_pages(pdf.to_bytes(), dpi=150)
        per_mm = 150 / 25.4
        ink = page.point(lambda v: 255 if v < 160 else 0)
        left, right = int(18 * per_mm), int(190 * per_mm)
        # From the first line's baseline to the second line's consonant tops (0.6 em up).
        top, bottom = int(40 * per_mm), int((40 + leading - 0.6 * pdf.font_size) * per_mm)
        return any(ink.crop((left, y, right, y + 1)).getbbox() is None
                   for y in range(top, bottom))

    pdf = ThaiDocument(title="leading", created=when(1, 9))
    pdf.use_font(size)
    leading = leading_mm(pdf)
    assert parted(leading)
    assert not parted(0.7 * leading)


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
