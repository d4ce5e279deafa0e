"""Line-break opportunities in Thai text.

Thai writes no spaces between words, so a line may break between any two words, and
never inside one. ``break_positions()`` says where: after a space (but not at the space
before a number: "เขต 1", "พ.ศ. 2569"), and between Thai words. The documents' own line
breaker (``engine.documents.pdf``) breaks there and puts nothing into the text.
``breakable()`` marks the same places with ZERO WIDTH SPACE (U+200B) for fpdf2's own
wrapping (table cells), which breaks only at spaces; the drawn lines' text layer leaves
them out (ActualText).

Word boundaries come from libthai (Debian ``libthai0``, the dictionary Pango and
LibreOffice use), called through ctypes. Without it we fall back to boundaries between
syllable-like clusters: never before a combining mark or a following vowel, never after
a leading vowel — uglier breaks, but no broken characters.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import threading
from functools import cache

ZWSP = "\u200b"
NBSP = "\u00a0"
#: WORD JOINER: no break here, drawn as nothing (kept out of the text layer too).
WORD_JOINER = "\u2060"
#: Characters that only say where a line may or may not break: never drawn.
INVISIBLE = frozenset({ZWSP, WORD_JOINER, "\u00ad"})
# A number stays on the line of the word before it: "เขต 1", "พ.ศ. 2569", "เลขที่ 12/2570".
_SPACE_BEFORE_NUMBER = re.compile(r" (?=[0-9\u0e50-\u0e59])")
_THAI_RUN = re.compile(r"[\u0e01-\u0e5b]+")
# Marks drawn above or below their consonant, vowels that follow it (ะ า ำ ๅ), and the
# repetition and abbreviation signs (ๆ ฯ) that belong to the word before them.
_NO_BREAK_BEFORE = frozenset(
    "\u0e2f\u0e46\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e45"
    "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)
# Vowels written before the consonant they follow in speech: เ แ โ ใ ไ.
_NO_BREAK_AFTER = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")
# libthai's dictionary splits some words people read as one: "ผู้|อำนวย|การ", "เว็บ|ไซต์",
# "หน่วย|งาน". A line never breaks inside these office terms (longest first, so
# "รองผู้อำนวยการ" wins over "ผู้อำนวยการ").
KEEP_TOGETHER = ("ผู้อำนวยการ", "เว็บไซต์", "หน่วยงาน", "ดำเนินการ", "มิชอบ", "คืบหน้า",
                 "ร้องเรียน", "ปฏิบัติการ", "งบประมาณ", "สารสนเทศ", "วันทำการ",
                 "ประถมศึกษา", "มัธยมศึกษา", "การศึกษา", "รักษาราชการแทน",
                 "ปฏิบัติราชการแทน", "ราชการ", "ข้อเท็จจริง", "ปีงบประมาณ", "วันที่", "เลขที่",
                 "ไปรษณีย์อิเล็กทรอนิกส์", "ชำนาญการ", "นักวิชาการ", "ทะเบียนรับ", "ทะเบียนส่ง", "ลงวันที่")
_KEEP_TOGETHER = re.compile("|".join(sorted(map(re.escape, KEEP_TOGETHER), key=len,
                                            reverse=True)))
#: Words that stay on the line of the number before them: "6 เดือน", "3 วันทำการ",
#: "1 ตุลาคม 2569" (a date never splits), "15 วัน", "2 เรื่อง".
AFTER_NUMBER = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
    "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
    "พ.ย.", "ธ.ค.",
    "เดือน", "วัน", "ปี", "สัปดาห์", "ชั่วโมง", "นาที", "เรื่อง", "ราย", "ครั้ง", "ฉบับ",
    "คน", "บาท", "หน้า", "แห่ง",
)
_AFTER_NUMBER = re.compile(r"[0-9\u0e50-\u0e59] +(?=" + "|".join(
    sorted(map(re.escape, AFTER_NUMBER), key=len, reverse=True)) + ")")
# libthai's break object keeps a cache inside, so one call at a time.
_lock = threading.Lock()


class _LibThai:
    def __init__(self, lib: ctypes.CDLL) -> None:
        lib.th_brk_new.restype = ctypes.c_void_p
        lib.th_brk_new.argtypes = [ctypes.c_char_p]
        lib.th_brk_wc_find_breaks.restype = ctypes.c_int
        lib.th_brk_wc_find_breaks.argtypes = [
            ctypes.c_void_p, ctypes.c_wchar_p, ctypes.POINTER(ctypes.c_int), ctypes.c_size_t]
        self._lib = lib
        self._brk = lib.th_brk_new(None)  # None: the system dictionary
        if not self._brk:
            raise OSError("th_brk_new failed")

    def breaks(self, run: str) -> list[int]:
        positions = (ctypes.c_int * (len(run) + 1))()
        with _lock:
            count = self._lib.th_brk_wc_find_breaks(self._brk, run, positions, len(run) + 1)
        return [p for p in positions[:max(count, 0)] if 0 < p < len(run)]


@cache
def _libthai() -> _LibThai | None:
    name = ctypes.util.find_library("thai") or "libthai.so.0"
    try:
        return _LibThai(ctypes.CDLL(name))
    except (OSError, AttributeError):
        return None


def _cluster_breaks(run: str) -> list[int]:
    return [i for i in range(1, len(run))
            if run[i] not in _NO_BREAK_BEFORE and run[i - 1] not in _NO_BREAK_AFTER]


def _word_breaks(run: str) -> list[int]:
    """Where a Thai run may break: libthai's word boundaries, never inside an office term."""
    libthai = _libthai()
    cuts = libthai.breaks(run) if libthai is not None else _cluster_breaks(run)
    inside = {i for m in _KEEP_TOGETHER.finditer(run) for i in range(m.start() + 1, m.end())}
    return [cut for cut in cuts if cut not in inside]


def _with_breaks(match: re.Match[str]) -> str:
    run = match.group(0)
    pieces, start = [], 0
    for cut in _word_breaks(run):
        pieces.append(run[start:cut])
        start = cut
    pieces.append(run[start:])
    return ZWSP.join(pieces)


def breakable(text: str) -> str:
    """text with ZERO WIDTH SPACE between Thai words, so lines wrap between words, and
    no break before a number."""
    return _SPACE_BEFORE_NUMBER.sub(NBSP, _THAI_RUN.sub(_with_breaks, text))


def break_positions(text: str) -> list[int]:
    """The indexes ``i`` (0 < i < len(text)) before which a line of ``text`` may break.

    After a run of spaces (the spaces stay at the end of the line before); not where the
    next character is a digit, nor between a number and a month or unit word after it
    (AFTER_NUMBER); between Thai words; at a ZERO WIDTH SPACE already in the
    text; never next to a WORD JOINER.
    """
    positions: set[int] = set()
    for match in _THAI_RUN.finditer(text):
        positions.update(match.start() + cut for cut in _word_breaks(match.group(0)))
    for i in range(1, len(text)):
        before, here = text[i - 1], text[i]
        if before == ZWSP or (before == " " and here != " " and not _is_digit(here)):
            positions.add(i)
    glued = {m.end() for m in _AFTER_NUMBER.finditer(text)}
    return sorted(i for i in positions if i not in glued
                  and text[i - 1] != WORD_JOINER and text[i] != WORD_JOINER)


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9" or "\u0e50" <= char <= "\u0e59"


def cluster_starts(text: str) -> list[bool]:
    """For each character, whether it starts a new written cell: not a mark above or
    below, not a following vowel (ะ า ำ), not after a leading vowel (เ แ โ ใ ไ). Thai
    distributed justification adds its space before such characters only."""
    return [i > 0 and text[i] not in _NO_BREAK_BEFORE and text[i - 1] not in _NO_BREAK_AFTER
            for i in range(len(text))]


def split_words(text: str) -> list[str]:
    """``text`` cut at every place a line may break (spaces stay with the word before)."""
    cuts = [0, *break_positions(text), len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
