"""Form data the tests submit, one place so the service and HTTP tests share it."""

from __future__ import annotations

PUBLISHING_REQUEST = {
    "unit": "กลุ่มนโยบายและแผน",
    "request_date": "2026-11-20",
    "title": "แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2570",
    "details": "เผยแพร่แผนปฏิบัติการประจำปี",
    "external_link": "https://example.go.th/plan2570.pdf",
    "category": "1.1.1",
    "legal_basis": "oia_s7",
    "no_personal_data_confirmed": True,
}

COMPLAINT = {
    "subject": "ร้องเรียนการจัดซื้อจัดจ้างโรงเรียน",
    "details": "มีการแบ่งซื้อแบ่งจ้างเพื่อหลีกเลี่ยงวิธีการจัดซื้อ",
    "complaint_type": "procurement",
    "accused_name": "นายสมมติ ถูกร้อง",
    "accused_position": "ผู้อำนวยการโรงเรียน",
    "accused_unit": "โรงเรียนบ้านตัวอย่าง",
    "event_date": "2026-10-15",
    "event_place": "โรงเรียนบ้านตัวอย่าง",
    "complainant_name": "นางร้องเรียน ใจกล้า",
    "complainant_address": "99 หมู่ 1 ตำบลตัวอย่าง",
    "complainant_phone": "0812345678",
    "complainant_email": "complainant@example.org",
    "channel": "letter",
    "received_at": "2026-12-04",
}

#: Values that must never appear where a non-privileged role can see them.
SECRETS = ("นายสมมติ ถูกร้อง", "นางร้องเรียน ใจกล้า", "0812345678", "complainant@example.org")

# Each scenario: who starts which process with what, then (role, form data) per step, in
# order, and the case status expected at the end. The service and HTTP tests both run them.
SOURCE = {"check_result": "pass", "source_owner": "กลุ่มนโยบายและแผน"}
REVISED = {key: value for key, value in PUBLISHING_REQUEST.items()
           if key not in ("unit", "request_date")}

SCENARIOS: dict[str, tuple[str, str, dict, list[tuple[str, dict]]]] = {
    "publishing_approved": ("staff", "publishing", PUBLISHING_REQUEST, [
        ("director", {"director_decision": "approve"}),
        ("web_admin", SOURCE),
        ("ict_head", {"ict_decision": "approve"}),
        ("web_admin", {"publish_note": "นำขึ้นหน้าข้อมูลสาธารณะแล้ว"}),
    ]),
    "publishing_rejected_revised_resubmitted": ("staff", "publishing", PUBLISHING_REQUEST, [
        ("director", {"director_decision": "approve"}),
        ("web_admin", SOURCE),
        ("ict_head", {"ict_decision": "reject", "ict_reason": "ขัดมาตรา 9"}),
        ("staff", {**REVISED, "title": "แผนปฏิบัติการ (ฉบับแก้ไข)", "revise_action": "resubmit"}),
        ("director", {"director_decision": "approve"}),
        ("web_admin", SOURCE),
        ("ict_head", {"ict_decision": "approve"}),
        ("web_admin", {}),
    ]),
    "publishing_returned_withdrawn": ("staff", "publishing", PUBLISHING_REQUEST, [
        ("director", {"director_decision": "return", "director_reason": "ข้อมูลไม่ครบ"}),
        ("staff", {"revise_action": "withdraw"}),
    ]),
    "complaint_accepted_to_resolution": ("legal_officer", "complaint", COMPLAINT, [
        ("legal_officer", {"screening_outcome": "accept"}),
        ("director", {"director_instruction": "สืบสวนข้อเท็จจริง", "action_type": "fact_finding"}),
        ("legal_officer", {"initial_action_note": "แจ้งโรงเรียนแล้ว",
                           "parties_notified_on": "2026-12-09",
                           "notice_to": "accused_unit"}),
        ("legal_officer", {"follow_up_date": "2026-12-20", "follow_up_note": "รอผล",
                           "resolved": False}),
        ("legal_officer", {"follow_up_date": "2027-01-20", "follow_up_note": "ได้ผลแล้ว",
                           "resolved": True}),
        ("legal_head", {"result_summary": "มีมูล ลงโทษทางวินัย", "review_decision": "approve"}),
        ("legal_officer", {"notified_on": "2027-01-25", "notify_method": "letter",
                           "result_message": "ดำเนินการตามเรื่องร้องเรียนแล้ว"}),
    ]),
    "complaint_not_considered": ("legal_officer", "complaint", COMPLAINT, [
        ("legal_officer", {"screening_outcome": "not_considered",
                           "not_considered_reason": "time_barred"}),
        ("legal_officer", {"notified_on": "2026-12-10", "notify_method": "letter",
                           "result_message": "ดำเนินการตามเรื่องร้องเรียนแล้ว"}),
    ]),
    "complaint_forwarded": ("legal_officer", "complaint", COMPLAINT, [
        ("legal_officer", {"screening_outcome": "forward", "forward_to": "สพฐ."}),
        ("legal_officer", {"forwarded_to": "สพฐ.", "forward_letter_no": "ศธ 04001/123",
                           "forwarded_on": "2026-12-08"}),
        ("legal_officer", {"notified_on": "2026-12-09", "notify_method": "email",
                           "result_message": "ดำเนินการตามเรื่องร้องเรียนแล้ว"}),
    ]),
}
