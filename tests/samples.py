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
