"""E-mail addresses and header text: the rules every entry point and the mailer share.

An address is one mailbox, checked by ``email-validator`` (syntax only, with
``check_deliverability=False``: govflow runs without DNS). A line break or a list would
let one person's input add recipients or headers to a message, so both are refused with
their own message. Header text from any other source (a BPMN task name wrapped by the
modeller, an office name) is made one line by :func:`header_text` before it is sent.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from engine.core.errors import InvalidData

#: The longest address RFC 5321 allows in a path (the columns hold 300).
MAX_EMAIL_LENGTH = 254


def email_problem(value: object) -> str | None:
    """What is wrong with ``value`` as one e-mail address (Thai / English), or None."""
    if not isinstance(value, str) or not value:
        return "กรุณากรอกอีเมล / enter an e-mail address"
    if "\r" in value or "\n" in value:
        return "อีเมลต้องอยู่ในบรรทัดเดียว ห้ามขึ้นบรรทัดใหม่ / the address must be on one line"
    if "," in value or ";" in value:
        return ("กรอกอีเมลได้เพียงหนึ่งที่อยู่ ไม่ใช่รายการ / one address only, not a list "
                "(no comma or semicolon)")
    if len(value) > MAX_EMAIL_LENGTH:
        return f"อีเมลยาวเกิน {MAX_EMAIL_LENGTH} ตัวอักษร / longer than {MAX_EMAIL_LENGTH} characters"
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return "อีเมลไม่ถูกต้อง ใช้รูปแบบ name@example.org / not a valid e-mail address"
    return None


def is_email(value: object) -> bool:
    return email_problem(value) is None


def checked_email(value: str, field: str = "email") -> str:
    """``value`` when it is one valid address; else InvalidData naming ``field``."""
    problem = email_problem(value)
    if problem is not None:
        raise InvalidData(f"อีเมลในช่อง {field} ไม่ถูกต้อง / the e-mail address in {field} "
                          "is invalid", {field: problem})
    return value


def header_text(value: str) -> str:
    """``value`` on one line: line breaks (CR, LF and Unicode's) and other control
    characters become spaces and runs of spaces one space, so text from anywhere can
    sit in a header."""
    text = "".join(" " if ord(c) < 32 or ord(c) == 127 else c
                   for c in " ".join(str(value).splitlines()))
    return " ".join(word for word in text.split(" ") if word)
