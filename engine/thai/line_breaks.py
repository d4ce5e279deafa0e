"""Line-break opportunities in Thai text, for fpdf2's word wrapping.

Thai writes no spaces between words, and fpdf2 breaks lines only at spaces (or, with no
space in sight, at any character, which can strand a vowel or tone mark at the start of
a line). So we insert ZERO WIDTH SPACE (U+200B), which fpdf2 treats as a break
opportunity and draws as nothing, between Thai words.

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
                 "ร้องเรียน", "ปฏิบัติการ", "งบประมาณ", "สารสนเทศ", "วันทำการ")
_KEEP_TOGETHER = re.compile("|".join(sorted(map(re.escape, KEEP_TOGETHER), key=len,
                                            reverse=True)))
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


def _with_breaks(match: re.Match[str]) -> str:
    run = match.group(0)
    libthai = _libthai()
    cuts = libthai.breaks(run) if libthai is not None else _cluster_breaks(run)
    inside = {i for m in _KEEP_TOGETHER.finditer(run) for i in range(m.start() + 1, m.end())}
    cuts = [cut for cut in cuts if cut not in inside]
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(run[start:cut])
        start = cut
    pieces.append(run[start:])
    return ZWSP.join(pieces)


def breakable(text: str) -> str:
    """text with ZERO WIDTH SPACE between Thai words, so lines wrap between words, and
    no break before a number."""
    return _SPACE_BEFORE_NUMBER.sub(NBSP, _THAI_RUN.sub(_with_breaks, text))
