"""Read generated PDFs back in tests, robustly for shaped Thai.

pypdf gives shaped Thai back with its marks (above and below vowels, tone marks) in the
order the glyphs were drawn, sometimes with control characters from decomposed sara am;
lines wrap wherever fpdf2 broke them. So comparisons drop the marks, whitespace, zero-width
spaces and control characters on both sides; consonants, leading vowels, digits and ASCII
still have to match in order.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

_MARKS = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_NOISE = re.compile(r"[\x00-\x1f\u200b\s]")


def squash(text: str) -> str:
    """Text without Thai marks, whitespace, zero-width spaces or control characters."""
    return _NOISE.sub("", _MARKS.sub("", text.replace("\u00a0", " ")))


def pdf_pages(pdf: bytes) -> list:
    return list(PdfReader(io.BytesIO(pdf)).pages)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pdf_pages(pdf))


# -- poppler: the PDF read back as a viewer, an indexer or a printer would ------------

def _poppler(tool: str, pdf: bytes, *args: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        to_stdout = ["-"] if tool == "pdftotext" else []
        return subprocess.run([tool, *args, str(path), *to_stdout], check=True,  # noqa: S603
                              capture_output=True, timeout=60).stdout


def poppler_text(pdf: bytes, *, layout: bool = False, raw: bool = False,
                 first: int | None = None, last: int | None = None) -> str:
    """What ``pdftotext`` reads from the PDF (pages ``first``..``last``, 1-based): in its
    reading order, or as laid out (``layout``), or in the order it was drawn (``raw``: the
    lines of one column, a sign-off block, stay together)."""
    args = ["-enc", "UTF-8"] + (["-layout"] if layout else []) + (["-raw"] if raw else [])
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    return _poppler("pdftotext", pdf, *args).decode("utf-8")


def poppler_pages(pdf: bytes) -> list[str]:
    """Each page's text, as pdftotext reads it (pages are split by form feeds)."""
    return poppler_text(pdf).split("\f")[:-1]


def poppler_fonts(pdf: bytes) -> list[dict[str, str]]:
    """``pdffonts``'s table: name and emb/sub/uni ("yes"/"no"). The type may hold spaces,
    so the flags are read from the right."""
    out = _poppler("pdffonts", pdf).decode("utf-8")
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name, type (one or two words), encoding, emb, sub, uni, object, generation
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def poppler_png(pdf: bytes, page: int = 1, dpi: int = 100) -> bytes:
    """The page rendered by ``pdftoppm`` as PNG bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l",  # noqa: S603, S607
                        str(page), "-singlefile", str(path), str(Path(folder) / "page")],
                       check=True, capture_output=True, timeout=60)
        return (Path(folder) / "page.png").read_bytes()


def poppler_lines(pdf: bytes, page: int = 1) -> list[tuple[float, float, float, float, str]]:
    """Each text line of a page as pdftotext lays it out: (x_min, x_max, y_min, y_max,
    text), in points from the page's top left."""
    html = _poppler("pdftotext", pdf, "-bbox-layout", "-enc", "UTF-8", "-f", str(page),
                    "-l", str(page)).decode("utf-8")
    lines = []
    for match in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                             r'yMax="([\d.]+)"[^>]*>(.*?)</line>', html, re.S):
        words = re.findall(r"<word[^>]*>(.*?)</word>", match.group(5), re.S)
        lines.append((float(match.group(1)), float(match.group(3)), float(match.group(2)),
                      float(match.group(4)), " ".join(words)))
    return lines


def page_count(pdf: bytes) -> int:
    """``Pages:`` as ``pdfinfo`` reports it."""
    info = _poppler("pdfinfo", pdf).decode("utf-8")
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]


def fonts_embedded(pdf: bytes) -> list[tuple[str, bool]]:
    """Each font ``pdffonts`` lists: its name, and whether it is embedded."""
    return [(font["name"], font["emb"] == "yes") for font in poppler_fonts(pdf)]

