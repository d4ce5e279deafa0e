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


# ---- poppler: the PDF as a viewer or an indexer reads it ---------------------------------

def _poppler(tool: str, pdf: bytes, *args: str) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return subprocess.run([tool, *args, file.name, *(["-"] if tool == "pdftotext" else [])],
                              check=True, capture_output=True, text=True).stdout


def poppler_text(pdf: bytes) -> str:
    """The text layer as ``pdftotext -raw`` gives it back: in the order it was drawn, so the
    lines of one column (a sign-off block) stay together."""
    return _poppler("pdftotext", pdf, "-raw", "-enc", "UTF-8")


def page_count(pdf: bytes) -> int:
    """``Pages:`` as ``pdfinfo`` reports it."""
    info = _poppler("pdfinfo", pdf)
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]


def fonts_embedded(pdf: bytes) -> list[tuple[str, bool]]:
    """Each font ``pdffonts`` lists: its name, and whether it is embedded ("emb" yes)."""
    rows = _poppler("pdffonts", pdf).splitlines()[2:]
    # Columns: name type encoding emb sub uni object ID; the type may hold spaces, so the
    # flags are read from the right.
    return [(row.split()[0], row.split()[-5] == "yes") for row in rows if row.strip()]


def page_images(pdf: bytes, dpi: int = 150) -> list:
    """Each page rendered by ``pdftoppm`` at ``dpi``, as a greyscale PIL image."""
    import subprocess
    import tempfile
    from pathlib import Path

    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source),
                        str(Path(folder) / "page")], check=True)
        return [Image.open(path).convert("L") for path in sorted(Path(folder).glob("page*.png"))]
