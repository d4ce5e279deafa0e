"""The office's identity (ข้อมูลส่วนราชการ): the name, address, phone and logo that head
every letter and report govflow prints.

It lives in a TOML file (``processes/office.toml`` unless ``GOVFLOW_OFFICE_FILE`` says
otherwise) so an office sets it once, without touching code. A missing or incomplete
file is a start-up error that names what to fix.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.core.config import Settings
from engine.core.errors import OfficeConfigError
from engine.thai.digits import DIGIT_STYLES, DigitStyle

#: Keys every office file must give, with what each is for (Thai first).
REQUIRED_KEYS = {
    "name": "ชื่อส่วนราชการ / office name",
    "address": "ที่อยู่ / postal address",
    "phone": "หมายเลขโทรศัพท์ / phone",
    "logo": "ไฟล์ตราสัญลักษณ์ (PNG หรือ JPEG) / logo file (PNG or JPEG)",
    "head_title": "ตำแหน่งหัวหน้าส่วนราชการที่ลงนามในหนังสือ / the head's title for signatures",
}


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


@dataclass(frozen=True)
class OfficeIdentity:
    """ข้อมูลส่วนราชการ: who the letters and reports come from."""

    name: str
    address: str
    phone: str
    logo: Path
    head_title: str
    short_name: str = ""
    email: str = ""
    website: str = ""
    #: The prefix of outgoing letter numbers, e.g. "ศธ 04xxx" (เลขที่หนังสือออก).
    letter_prefix: str = ""
    #: โทรสาร: the fax number printed on letters, as typed ("" when the office has none).
    fax: str = ""
    #: ตราครุฑ: the emblem at the head of external letters (``emblem`` in the file;
    #: the logo when not given).
    emblem: Path | None = None
    #: เลขไทย or Arabic digits in the PDF documents (``digits = "thai" | "arabic"``).
    digits: DigitStyle = "thai"

    @property
    def emblem_image(self) -> Path:
        return self.emblem or self.logo

    @property
    def logo_bytes(self) -> bytes:
        return self.logo.read_bytes()


def load_office(settings: Settings) -> OfficeIdentity:
    """Read the office file named by the settings; raise with what to fix."""
    path = settings.resolved_office_file
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OfficeConfigError(
            f"ไม่พบไฟล์ข้อมูลส่วนราชการ {path} (ตั้งค่า GOVFLOW_OFFICE_FILE) / "
            f"office file {path} not found; set GOVFLOW_OFFICE_FILE or create it"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OfficeConfigError(
            f"ไฟล์ข้อมูลส่วนราชการ {path} อ่านไม่ได้ / {path} is not valid TOML: {exc}"
        ) from None
    section = raw.get("office")
    office: dict[str, Any] = section if isinstance(section, dict) else {}
    missing = [f"{key} ({meaning})" for key, meaning in REQUIRED_KEYS.items()
               if not isinstance(office.get(key), str) or not office[key].strip()]
    if missing:
        raise OfficeConfigError(
            f"ไฟล์ {path} ส่วน [office] ขาดค่า / [office] in {path} lacks: " + ", ".join(missing)
        )
    logo = _image(path, office["logo"], "ตราสัญลักษณ์ / logo")
    emblem = office.get("emblem")
    if emblem is not None and (not isinstance(emblem, str) or not emblem.strip()):
        raise OfficeConfigError(f"ไฟล์ {path}: emblem ต้องเป็นชื่อไฟล์ภาพ / emblem in {path} "
                                "must name an image file")
    digits = office.get("digits", "thai")
    if digits not in DIGIT_STYLES:
        raise OfficeConfigError(
            f"ไฟล์ {path}: digits ต้องเป็น \"thai\" (เลขไทย) หรือ \"arabic\" (เลขอารบิก) / "
            f"digits in {path} must be \"thai\" or \"arabic\", not {digits!r}")
    text = {key: str(value).strip() for key, value in office.items()
            if key not in _NOT_TEXT and key in OfficeIdentity.__dataclass_fields__}
    return OfficeIdentity(logo=logo, digits=digits,
                          emblem=_image(path, emblem, "ตราครุฑ / emblem") if emblem else None,
                          **text)


_NOT_TEXT = frozenset({"logo", "emblem", "digits"})


def _image(office_file: Path, name: str, what: str) -> Path:
    """An image named in the office file, relative to it; PNG or JPEG."""
    image = (office_file.parent / name).resolve()
    if not image.is_file() or not image.read_bytes()[:8].startswith(_IMAGE_MAGIC):
        thai, _, english = what.partition(" / ")
        raise OfficeConfigError(
            f"ไม่พบ{thai} {image} หรือไม่ใช่ไฟล์ PNG/JPEG / {english} {image} is missing "
            "or not a PNG or JPEG file"
        )
    return image

