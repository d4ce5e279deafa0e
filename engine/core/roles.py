"""The roles of the office (บทบาท), with the Thai names people see."""

from __future__ import annotations

ROLES: dict[str, str] = {
    "admin": "ผู้ดูแลระบบ",
    "director": "ผู้อำนวยการ สพป.",
    "legal_officer": "นิติกร กลุ่มกฎหมายและคดี",
    "legal_head": "ผู้อำนวยการกลุ่มกฎหมายและคดี",
    "web_admin": "เจ้าหน้าที่ดูแลเว็บไซต์",
    "ict_head": "ผู้อำนวยการกลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร",
    "staff": "เจ้าหน้าที่หน่วยงานเจ้าของข้อมูล",
    "process_owner": "ผู้ดูแลกระบวนงาน",
}


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(
            f"ไม่รู้จักบทบาท '{role}' / unknown role '{role}'; use one of: {', '.join(ROLES)}"
        )
    return role
