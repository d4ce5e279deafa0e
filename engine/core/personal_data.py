"""Personal data of complainants and of the accused (PDPA; the complaints
measure keeps the identities of the complainant and of the accused confidential).

Which fields are personal, and who may read them, is decided here by role, never by
the lane mapping a process owner edits. The fields are taken out of the workflow
state before it is saved and kept encrypted on the instance row.

The complainant's and the accused's fields are always personal. A process that keeps
personal data may mark more in its forms: a property with ``"x-personal": true`` (the
form editor ticks it by default for a new field of a complaint form) is personal too,
and ``"x-personal": false`` says a field is not; the marks of other processes' forms
change nothing, as only the Legal Affairs group and the Director read personal data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from engine.core.errors import GovflowError

#: Start-form fields that identify the complainant or the accused, per process.
PERSONAL_FIELDS: Mapping[str, tuple[str, ...]] = {
    "complaint": (
        "complainant_name",
        "complainant_address",
        "complainant_phone",
        "complainant_email",
        "accused_name",
        "accused_position",
        "accused_unit",
    ),
}

#: Roles that may read personal data: the Legal Affairs group and the Director.
PRIVILEGED_ROLES = frozenset({"legal_officer", "legal_head", "director"})

MASK = "•••"


#: The form keyword that marks a field as personal data (true) or not (false).
MARK = "x-personal"


def personal_fields(process_key: str,
                    forms: Iterable[Mapping[str, Any]] = ()) -> tuple[str, ...]:
    """The personal fields of ``process_key``: the fixed ones, then the fields its
    ``forms`` (JSON Schemas, e.g. ``bundle.forms.values()``) mark ``"x-personal": true``.
    Empty for a process that keeps no personal data, whatever its forms say."""
    fixed = PERSONAL_FIELDS.get(process_key, ())
    if not fixed:
        return ()
    marked = {name: None for schema in forms
              for name, prop in ((schema or {}).get("properties") or {}).items()
              if isinstance(prop, Mapping) and prop.get(MARK) is True and name not in fixed}
    return fixed + tuple(marked)


def may_read_personal_data(roles: Iterable[str]) -> bool:
    return not PRIVILEGED_ROLES.isdisjoint(roles)


def split_personal(process_key: str, data: Mapping[str, Any],
                   forms: Iterable[Mapping[str, Any]] = ()
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (data safe to keep in the workflow, personal data to encrypt)."""
    fields = personal_fields(process_key, forms)
    personal = {k: v for k, v in data.items() if k in fields and v not in (None, "")}
    rest = {k: v for k, v in data.items() if k not in fields}
    return rest, personal


def derived_flags(process_key: str, personal: Mapping[str, Any]) -> dict[str, bool]:
    """Facts a gateway may need without seeing the data itself."""
    if process_key != "complaint":
        return {}
    contact = ("complainant_address", "complainant_phone", "complainant_email")
    return {
        "complainant_identified": bool(personal.get("complainant_name")),
        "complainant_contactable": any(personal.get(k) for k in contact),
    }


class PersonalDataCipher:
    """Encrypts a dict of personal fields with Fernet (AES-128-CBC + HMAC-SHA256)."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def encrypt(self, personal: Mapping[str, Any]) -> bytes | None:
        if not personal:
            return None
        return self._fernet.encrypt(json.dumps(personal, ensure_ascii=False).encode("utf-8"))

    def decrypt(self, blob: bytes | None) -> dict[str, Any]:
        if not blob:
            return {}
        personal: dict[str, Any] = json.loads(self.decrypt_bytes(blob))
        return personal

    def encrypt_bytes(self, data: bytes) -> bytes:
        """Files that may identify people (complaint evidence, letters)."""
        return self._fernet.encrypt(data)

    def decrypt_bytes(self, blob: bytes) -> bytes:
        try:
            return self._fernet.decrypt(blob)
        except InvalidToken as exc:
            raise GovflowError(
                "ถอดรหัสข้อมูลส่วนบุคคลไม่ได้: กุญแจ GOVFLOW_DATA_KEY ไม่ตรงกับที่ใช้เข้ารหัส / "
                "personal data cannot be decrypted: GOVFLOW_DATA_KEY differs from the key used."
            ) from exc


def mask_personal(process_key: str, data: Mapping[str, Any],
                  forms: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """A copy of ``data`` with every personal field masked (for roles without access)."""
    fields = personal_fields(process_key, forms)
    return {k: (MASK if k in fields and v not in (None, "") else v) for k, v in data.items()}
