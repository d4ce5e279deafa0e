"""The roles of the office (บทบาท), with the Thai names people see and their English names."""

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

#: The same roles' English names.
ROLE_NAMES_EN: dict[str, str] = {
    "admin": "Administrator",
    "director": "Director of the Area Office",
    "legal_officer": "Legal officer",
    "legal_head": "Head of Legal Affairs",
    "web_admin": "Web administrator",
    "ict_head": "Head of ICT",
    "staff": "Staff of the data-owning unit",
    "process_owner": "Process owner",
}


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(
            f"ไม่รู้จักบทบาท '{role}' / unknown role '{role}'; use one of: {', '.join(ROLES)}"
        )
    return role
