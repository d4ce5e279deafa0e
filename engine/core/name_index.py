"""The blind index of names: finding complaints by the complainant's or accused person's
name without decrypting names in bulk, and without keeping any name in plain text.

(ดัชนีชื่อแบบปิดตา: ค้นหาเรื่องร้องเรียนจากชื่อผู้ร้องเรียนหรือผู้ถูกร้องเรียน โดยไม่ถอดรหัสชื่อ
ทีละมาก และไม่เก็บชื่อเป็นข้อความธรรมดา)

A name is normalised (:func:`normalise_name`), cut into terms (:func:`index_terms`: the
whole name, each word, and every 3-character piece of the name), and each term is kept
only as a keyed hash: HMAC-SHA256 under the name-index key
(:func:`engine.core.keys.name_index_key`, separate from the data key), truncated to 128
bits. A search cuts the term it is given the same way and asks for the cases that hold
*all* of its hashes (:func:`instances_matching_name`).

Why 3-character pieces (trigrams): Thai writes a name with no break inside it, so a
fragment a clerk remembers ("ใจดี" of "สมชาย ใจดีมาก") must match anywhere in a word, not
only at its start. Pieces of 2 characters are so common in Thai that most names share
them, and an AND of them still lets many names through; pieces of 4 would refuse a
3-character fragment. Three is the same n the subject search uses (SQLite FTS5
``trigram``, PostgreSQL ``pg_trgm``), so both searches accept fragments of the same
length. Characters are Unicode code points after normalisation, so a Thai vowel or tone
mark counts as one.

What the index gives away, to someone who reads the database but has no key: how many
terms a case's names have, and which cases share a term (equal hashes), never a name
or a term. Anyone holding the name-index key can test a guessed name, which is why the
key is kept apart from the database and from the data key.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from engine.core.errors import InvalidData
from engine.core.models import PersonalNameTerm

#: Characters in one index piece (see the module's docstring for why three).
NGRAM_SIZE = 3
#: The shortest search term, in characters without spaces: one whole piece.
MIN_TERM_LENGTH = NGRAM_SIZE
#: The longest search term read; a longer one is refused rather than cut silently.
MAX_TERM_LENGTH = 200
#: Bytes of HMAC-SHA256 kept per term (32 hex characters): collisions are out of reach
#: for the few million terms an office will ever hold, and the column stays short.
HASH_BYTES = 16

#: The index's fields (ผู้ร้องเรียน complainant, ผู้ถูกร้องเรียน accused) and, per process, the
#: personal field each one is read from.
COMPLAINANT = "complainant"
ACCUSED = "accused"
INDEX_FIELDS: tuple[str, ...] = (COMPLAINANT, ACCUSED)
NAME_FIELDS: Mapping[str, Mapping[str, str]] = {
    "complaint": {COMPLAINANT: "complainant_name", ACCUSED: "accused_name"},
}

#: The error key of a refused search term (a form's or an API's field).
TERM_FIELD = "name"

_table = cast(Table, PersonalNameTerm.__table__)
_DELETE_TERMS = delete(_table).where(_table.c.instance_id == bindparam("iid"))
_INSERT_TERMS = insert(_table)

# ---- normalisation -------------------------------------------------------------------

#: Characters that do not show but change the bytes: zero-width space, (non-)joiners,
#: word joiner, byte-order mark, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
#: Sara am typed as nikhahit + sara aa (with a tone mark between, or not): one character.
_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
#: Sara ae typed as two sara e (เเ), which looks the same on screen: one character (แ).
_TWO_SARA_E = "\u0e40\u0e40"

#: Titles written before a name, longest first so "นางสาว" goes before "นาง". These may be
#: written joined to the name ("นายสมชาย"), so they are taken off even without a space.
_JOINED_TITLES = (
    "ผู้ช่วยศาสตราจารย์", "รองศาสตราจารย์", "ศาสตราจารย์", "ท่านผู้หญิง", "คุณหญิง",
    "นายแพทย์", "แพทย์หญิง", "ทันตแพทย์หญิง", "ทันตแพทย์", "เภสัชกรหญิง", "เภสัชกร",
    "เด็กชาย", "เด็กหญิง", "นางสาว", "นาย", "นาง", "ว่าที่",
    "จ่าสิบเอก", "จ่าสิบโท", "จ่าสิบตรี", "สิบเอก", "สิบโท", "สิบตรี",
    "ร้อยเอก", "ร้อยโท", "ร้อยตรี", "พันเอก", "พันโท", "พันตรี", "พลเอก", "พลโท", "พลตรี",
)
#: Titles taken off only when a space follows: joined, they begin real names
#: ("คุณากร", "พระพร").
_SPACED_TITLES = ("คุณ", "พระ", "miss", "prof", "mrs", "mr", "ms", "dr")
_TITLE = re.compile(
    # Thai abbreviations: Thai letters each group closed by a dot (น.ส. ด.ช. ดร. ผศ.ดร.
    # พ.ต.อ.); names hold no dots, so the pattern cannot eat one.
    r"(?:[ก-ฮ]{1,4}\.)+\s*"
    "|(?:" + "|".join(map(re.escape, _JOINED_TITLES)) + r")\s*"
    "|(?:" + "|".join(map(re.escape, _SPACED_TITLES)) + r")(?:\.\s*|\s+)"
)
#: Anything that is not a letter, a mark or a digit separates words ("O'Brien" = "o brien").
_SEPARATOR = re.compile(r"[^\w\u0e00-\u0e7f]+|_")


def normalise_name(text: str) -> str:
    """The form of a name that the index and a search both use.

    NFC; invisible characters dropped; Thai digits as Arabic digits; sara am and sara ae
    typed as two characters (ํ + า, เ + เ) as one; Latin case folded; titles before the
    name taken off (นาย นาง นางสาว น.ส. ด.ช. ด.ญ. ดร. ผศ. พ.ต.อ. ว่าที่ร้อยตรี Mr. Dr. …,
    several in a row too); punctuation as spaces; runs of spaces as one. A name that is
    nothing but a title keeps it.
    """
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_THAI_DIGITS)
    text = _SARA_AM.sub("\\1\u0e33", text).replace(_TWO_SARA_E, "\u0e41").casefold().strip()
    while (title := _TITLE.match(text)) and title.end() < len(text):
        text = text[title.end():]
    return " ".join(_SEPARATOR.sub(" ", text).split())


def _pieces(word: str) -> set[str]:
    return {word[i:i + NGRAM_SIZE] for i in range(len(word) - NGRAM_SIZE + 1)}


def index_terms(name: str) -> set[str]:
    """The terms one name is indexed by, in plain text (they live only in memory here).

    ``n:`` the whole normalised name; ``w:`` each word; ``g:`` each piece of
    :data:`NGRAM_SIZE` characters of the name written without its spaces, so a fragment
    is found inside a word, and across the space when a person types the name joined.
    """
    normal = normalise_name(name)
    if not normal:
        return set()
    words = normal.split(" ")
    return ({f"n:{normal}"} | {f"w:{word}" for word in words}
            | {f"g:{piece}" for piece in _pieces("".join(words))})


def term_hash(key: bytes, field: str, term: str) -> str:
    """The keyed hash kept for one term of one field (the field is hashed in, so a name
    given as accused in one case and complainant in another does not link the two)."""
    # hmac.digest: the one-shot C implementation (a case has some fifty terms).
    return hmac.digest(key, f"{field}\x1f{term}".encode(), "sha256")[:HASH_BYTES].hex()


# ---- search terms --------------------------------------------------------------------

def _searched(term: str) -> str:
    return normalise_name(term[:MAX_TERM_LENGTH + 1])


def term_is_searchable(term: str) -> bool:
    """Is ``term`` long enough to search names by? At least :data:`MIN_TERM_LENGTH`
    characters once normalised (titles, spaces and punctuation not counted), and no more
    than :data:`MAX_TERM_LENGTH`."""
    normal = _searched(term)
    return (len(term) <= MAX_TERM_LENGTH
            and len(normal.replace(" ", "")) >= MIN_TERM_LENGTH)


def require_searchable(term: str) -> str:
    """``term`` normalised, or :class:`InvalidData` on :data:`TERM_FIELD` saying what to
    type instead (the term itself is never quoted back: it may be a name)."""
    if len(term) > MAX_TERM_LENGTH:
        raise InvalidData(
            "คำค้นชื่อยาวเกินไป / the name to search for is too long",
            {TERM_FIELD: f"พิมพ์ไม่เกิน {MAX_TERM_LENGTH} ตัวอักษร / type at most "
                         f"{MAX_TERM_LENGTH} characters"})
    if not term_is_searchable(term):
        raise InvalidData(
            "คำค้นชื่อสั้นเกินไป / the name to search for is too short",
            {TERM_FIELD: f"พิมพ์ชื่อหรือส่วนของชื่ออย่างน้อย {MIN_TERM_LENGTH} ตัวอักษร "
                         f"(ไม่นับคำนำหน้าชื่อและช่องว่าง) เช่น ใจดี / type at least "
                         f"{MIN_TERM_LENGTH} characters of the name (titles and spaces not "
                         "counted), e.g. ใจดี"})
    return _searched(term)


def query_terms(term: str, *, exact: bool = False) -> set[str]:
    """The plain terms a name must hold to match ``term`` (refused if not searchable).

    Each word of ``term`` with :data:`NGRAM_SIZE` or more characters gives its pieces, so
    it matches as a fragment anywhere in the name; a shorter word ("Li", "Wu") must be a
    whole word of the name. ``exact``: the whole name must equal ``term``.
    """
    normal = require_searchable(term)
    if exact:
        return {f"n:{normal}"}
    wanted: set[str] = set()
    for word in normal.split(" "):
        if len(word) >= NGRAM_SIZE:
            wanted |= {f"g:{piece}" for piece in _pieces(word)}
        else:
            wanted.add(f"w:{word}")
    return wanted


def name_matches(term: str, name: str, *, exact: bool = False) -> bool:
    """Does one name, already decrypted for a reader who may see it, match ``term`` by
    the index's own rule? For weeding out the rare false positive of the AND of pieces
    (every piece present, not in that order) in rows that are shown anyway."""
    normal = require_searchable(term)
    target = normalise_name(name)
    if exact:
        return target == normal
    joined, words = target.replace(" ", ""), set(target.split(" "))
    return all(word in joined if len(word) >= NGRAM_SIZE else word in words
               for word in normal.split(" "))


def _fields(fields: Collection[str] | None) -> tuple[str, ...]:
    if fields is None:
        return INDEX_FIELDS
    unknown = set(fields) - set(INDEX_FIELDS)
    if unknown:
        raise InvalidData(
            "ค้นชื่อได้เฉพาะผู้ร้องเรียนหรือผู้ถูกร้องเรียน / names are searched as complainant "
            "or accused only",
            {"fields": f"ใช้ได้ / allowed: {', '.join(INDEX_FIELDS)}"})
    return tuple(f for f in INDEX_FIELDS if f in fields)


def name_match_subquery(key: bytes, term: str, *, fields: Collection[str] | None = None,
                        exact: bool = False) -> Select[tuple[int]]:
    """``SELECT instance_id`` of the cases whose name in any of ``fields`` holds every
    term of :func:`query_terms` — to use as ``ProcessInstance.id.in_(…)`` beside other
    filters and the visibility scope, in one query. Raises as :func:`require_searchable`.
    """
    wanted = query_terms(term, exact=exact)
    chosen = _fields(fields)
    hashes = {term_hash(key, field, plain) for field in chosen for plain in wanted}
    # The field is in each hash, so counting distinct hashes per (case, field) is an AND
    # of the terms within one name: a fragment of the accused person's first name and of
    # the complainant's surname do not add up to a match.
    return (
        select(_table.c.instance_id)
        .where(_table.c.term_hash.in_(sorted(hashes)), _table.c.field.in_(chosen))
        .group_by(_table.c.instance_id, _table.c.field)
        .having(func.count(func.distinct(_table.c.term_hash)) == len(wanted))
    )


def instances_matching_name(session: Session, key: bytes, term: str, *,
                            fields: Collection[str] | None = None,
                            exact: bool = False) -> set[int]:
    """The ids of the cases whose complainant or accused name matches ``term``.

    The contract, for the search page and the API:

    - ``key`` is :func:`engine.core.keys.name_index_key` (``Runtime.name_index_key``).
    - ``term`` is what the person typed. It is normalised as names are (titles, case,
      Thai digits, spaces). Each word of 3 or more characters matches as a fragment
      anywhere in the name (every 3-character piece of it must be in the name); a shorter
      word must be a whole word of the name; all words must match (AND), in any order.
      ``exact=True``: the whole normalised name must equal ``term``.
    - ``fields``: a subset of :data:`INDEX_FIELDS` (``"complainant"``, ``"accused"``);
      None means both. A case matches when one of its names matches on its own.
    - A term shorter than :data:`MIN_TERM_LENGTH` characters (titles and spaces not
      counted) or longer than :data:`MAX_TERM_LENGTH` raises :class:`InvalidData` on
      the field :data:`TERM_FIELD`, with a Thai and English message; check first with
      :func:`term_is_searchable`. An unknown field raises :class:`InvalidData` too.
    - Nothing is decrypted and nothing is recorded here: the caller scopes the ids to
      what the actor may see, records the search in the privacy log (never the term),
      and must not log ``term``. A match can, rarely, be a false positive (all pieces
      present but apart); :func:`name_matches` on a decrypted row tells.
    - Cases of processes without name fields are never returned.
    """
    return set(session.scalars(name_match_subquery(key, term, fields=fields, exact=exact)))


# ---- writing the index ---------------------------------------------------------------

def name_hashes(key: bytes, process_key: str, personal: Mapping[str, Any]
                ) -> set[tuple[str, str]]:
    """(field, term hash) for every name ``personal`` holds for ``process_key``."""
    rows: set[tuple[str, str]] = set()
    for field, source in NAME_FIELDS.get(process_key, {}).items():
        value = personal.get(source)
        if isinstance(value, str):
            rows |= {(field, term_hash(key, field, plain)) for plain in index_terms(value)}
    return rows


def replace_name_terms(session: Session, key: bytes, instance_id: int, process_key: str,
                       personal: Mapping[str, Any], *, new_case: bool = False) -> int:
    """Make the case's index rows those of ``personal`` (its decrypted personal data), in
    the caller's transaction: call it wherever personal data is sealed or changed, and
    when reindexing. Returns the number of rows written."""
    # Statements built once: every new complaint runs them. A case inserted in this
    # transaction (``new_case``) has no rows to delete.
    if not new_case:
        session.execute(_DELETE_TERMS, {"iid": instance_id})
    rows = [{"instance_id": instance_id, "field": field, "term_hash": digest}
            for field, digest in sorted(name_hashes(key, process_key, personal))]
    if rows:
        session.execute(_INSERT_TERMS, rows)
    return len(rows)


def indexed_processes() -> Iterable[str]:
    """The process keys whose cases carry names in the index."""
    return NAME_FIELDS.keys()
