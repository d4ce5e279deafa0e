"""The letter templates under ``processes/letters/``: load, check and fill them.

A template is a TOML file per letter kind, kept with the process files so the Legal
Affairs group can reword a letter without touching code. Texts use ``string.Template``
placeholders (``$case_number``). A placeholder the kind does not know, or a field the
template needs that the caller left out, is an error naming it: a letter never goes out
with ``$something`` printed in it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template

from engine.core.errors import InvalidData
from engine.core.office import OfficeIdentity

LETTERS_DIR = "letters"
DEFAULT_CLOSING = "ขอแสดงความนับถือ"
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class LetterKind:
    #: The letter's Thai name (used as the PDF's subject).
    title: str
    #: Fields the caller passes; each one a template uses must be given and not blank.
    fields: tuple[str, ...]
    #: Fields that may be blank (still given).
    may_be_blank: frozenset[str] = frozenset()
    #: Fields govflow builds from the others (see ``_derived``).
    derived: tuple[str, ...] = ()


LETTER_KINDS: dict[str, LetterKind] = {
    # Seed 5.1: to the accused or the unit concerned, after screening.
    "initial_action_notice": LetterKind(
        title="หนังสือแจ้งการดำเนินการเบื้องต้นเกี่ยวกับเรื่องร้องเรียน",
        fields=("recipient", "case_number", "received_on", "director_order", "action"),
    ),
    # Seed 5.3: to the complainant once the case is resolved.
    "result_notice": LetterKind(
        title="หนังสือแจ้งผลการดำเนินการเรื่องร้องเรียน",
        fields=("recipient", "case_number", "tracking_code", "received_on", "outcome",
                "result_summary"),
        may_be_blank=frozenset({"tracking_code"}),
        derived=("tracking_sentence",),
    ),
}

#: Filled in from office.toml for every kind.
OFFICE_FIELDS = ("office_name", "office_short_name", "head_title")
#: Optional for every kind: who signs, when not the head (e.g. an acting official).
SIGNER_FIELDS = ("signer_name", "signer_title")

REQUIRED_KEYS = ("subject", "recipient", "body", "contact_unit")
OPTIONAL_KEYS = ("reference", "closing", "signer_title")


@dataclass(frozen=True)
class FilledLetter:
    """A template with every placeholder filled: the texts the PDF prints."""

    kind: str
    subject: str
    recipient: str
    reference: str
    paragraphs: list[str]
    closing: str
    signer_name: str
    signer_title: str
    contact_unit: str


def template_path(processes_dir: Path, kind: str) -> Path:
    return processes_dir / LETTERS_DIR / f"{kind}.toml"


def _allowed(kind: LetterKind) -> set[str]:
    return {*kind.fields, *kind.derived, *OFFICE_FIELDS, *SIGNER_FIELDS}


def _problems(kind_name: str, raw: Mapping[str, object]) -> dict[str, str]:
    """Each thing wrong with a template's contents: key or $placeholder → message."""
    kind = LETTER_KINDS[kind_name]
    problems: dict[str, str] = {}
    for key in REQUIRED_KEYS:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            problems[key] = f"ต้องมีข้อความ {key} / {key} is required"
    for key, value in raw.items():
        known = key in REQUIRED_KEYS or key in OPTIONAL_KEYS
        if not known:
            problems[key] = (f"ไม่รู้จักคีย์ {key} (ใช้ได้: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)})"
                             f" / unknown key {key}")
        if not isinstance(value, str):
            # An unknown key keeps its own message; a known one must hold text.
            if known:
                problems[key] = f"{key} ต้องเป็นข้อความ / {key} must be a string"
            continue
        template = Template(value)
        if not template.is_valid():
            problems[key] = (f"{key} มีเครื่องหมาย $ ที่ไม่ใช่ตัวแปร (ใช้ $$ แทน $) / {key} has "
                             "a $ that starts no placeholder (write $$ for a dollar sign)")
        for name in template.get_identifiers():
            if name not in _allowed(kind):
                problems[name] = (
                    f"ตัวแปร ${name} ใน {key} ไม่มีในหนังสือประเภทนี้ (ใช้ได้: "
                    f"{', '.join('$' + f for f in sorted(_allowed(kind)))}) / unknown "
                    f"placeholder ${name} in {key}")
    return problems


def _read(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidData(f"ไม่พบแม่แบบหนังสือ {path} / letter template {path} not found",
                          {"kind": str(path.name)}) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidData(f"แม่แบบหนังสือ {path} อ่านไม่ได้ / {path} is not valid TOML: {exc}",
                          {"kind": str(path.name)}) from None


def _kind(kind: str) -> LetterKind:
    if kind not in LETTER_KINDS:
        raise InvalidData(f"ไม่รู้จักหนังสือประเภท {kind} / unknown letter kind {kind} "
                          f"(known: {', '.join(LETTER_KINDS)})", {"kind": kind})
    return LETTER_KINDS[kind]


@dataclass(frozen=True)
class _Checked:
    """A template file read and checked, with the placeholders its texts use."""

    stamp: tuple[int, ...]
    texts: dict[str, str]
    needed: frozenset[str]


#: Checked templates by path, valid while the file's inode, size, mtime and ctime are
#: unchanged: a letter step fills its template on every completion, and reading, parsing
#: and checking the file each time was most of the letter's cost. An edited file (written
#: in place or replaced) is read again.
_checked: dict[Path, _Checked] = {}


def _stamp(path: Path) -> tuple[int, ...] | None:
    try:
        info = path.stat()
    except OSError:
        return None  # _read says what is wrong
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _load_checked(processes_dir: Path, kind: str) -> _Checked:
    _kind(kind)
    path = template_path(processes_dir, kind)
    stamp = _stamp(path)
    hit = _checked.get(path)
    if hit is not None and stamp is not None and hit.stamp == stamp:
        return hit
    raw = _read(path)
    problems = _problems(kind, raw)
    if problems:
        halves = [message.partition(" / ") for message in problems.values()]
        raise InvalidData(
            f"แม่แบบหนังสือ {path.name} ไม่ถูกต้อง: {'; '.join(h[0] for h in halves)} / "
            f"letter template {path.name} is not valid: {'; '.join(h[2] for h in halves)}",
            problems)
    texts = {key: str(value) for key, value in raw.items()}
    checked = _Checked(stamp or (), texts, frozenset(
        name for text in texts.values() for name in Template(text).get_identifiers()))
    if stamp is not None:
        _checked[path] = checked
    return checked


def load_template(processes_dir: Path, kind: str) -> dict[str, str]:
    """The template's texts, checked; InvalidData naming each problem otherwise."""
    return dict(_load_checked(processes_dir, kind).texts)


def check_letter_templates(processes_dir: Path) -> list[str]:
    """One line per problem in processes/letters/ (an empty list when all is well)."""
    problems: list[str] = []
    folder = processes_dir / LETTERS_DIR
    for kind in LETTER_KINDS:
        path = template_path(processes_dir, kind)
        try:
            raw = _read(path)
        except InvalidData as exc:
            problems.append(exc.message)
            continue
        problems += [f"{path.name}: {message}" for message in _problems(kind, raw).values()]
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            if path.stem not in LETTER_KINDS:
                problems.append(f"{path.name}: ไม่รู้จักหนังสือประเภท {path.stem} (ใช้ได้: "
                                f"{', '.join(LETTER_KINDS)}) / no letter kind {path.stem}")
    return problems


def _derived(values: Mapping[str, str]) -> dict[str, str]:
    code = values.get("tracking_code", "").strip()
    # Empty when there is no tracking code, so "เลขที่ 12$tracking_sentence นั้น" still reads.
    return {"tracking_sentence": f" (รหัสติดตามเรื่อง {code})" if code else ""}


def fill_letter(office: OfficeIdentity, kind: str, fields: Mapping[str, str], *,
                processes_dir: Path) -> FilledLetter:
    """The template of ``kind`` filled with ``fields``; InvalidData names what is missing."""
    letter_kind = _kind(kind)
    checked = _load_checked(processes_dir, kind)
    texts = checked.texts
    given = {name: str(value).strip() for name, value in fields.items() if value is not None}
    needed = set(checked.needed)
    # A derived field needs the fields it is built from.
    if "tracking_sentence" in needed:
        needed.add("tracking_code")
    missing = {
        name: "ต้องระบุ / required" for name in letter_kind.fields
        if name in needed and (name not in given or (
            not given[name] and name not in letter_kind.may_be_blank))
    }
    if missing:
        raise InvalidData(f"ข้อมูลสำหรับหนังสือไม่ครบ: {', '.join(missing)} / the letter "
                          f"needs: {', '.join(missing)}", missing)
    values = {
        "office_name": office.name,
        "office_short_name": office.short_name or office.name,
        "head_title": office.head_title,
        "signer_name": "",
        "signer_title": "",
        **given,
    }
    values.update(_derived(values))
    filled = {key: Template(text).substitute(values).strip() for key, text in texts.items()}
    paragraphs = [p.strip() for p in _BLANK_LINE.split(filled["body"]) if p.strip()]
    return FilledLetter(
        kind=kind,
        subject=filled["subject"],
        recipient=filled["recipient"],
        reference=filled.get("reference", ""),
        paragraphs=paragraphs,
        closing=filled.get("closing") or DEFAULT_CLOSING,
        signer_name=values["signer_name"],
        signer_title=(values["signer_title"] or filled.get("signer_title")
                      or office.head_title),
        contact_unit=filled["contact_unit"],
    )
