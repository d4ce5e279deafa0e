"""Find Debian's Laksaman font (regular and bold) for the PDF documents.

Laksaman is TLWG's derivative of TH Sarabun, the typeface Thai government letters use.
It comes from the Debian package ``fonts-thai-tlwg``; nothing is downloaded.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from engine.core.errors import FontsMissing

FAMILY = "Laksaman"
#: Where Debian installs the TLWG fonts.
DEBIAN_DIR = Path("/usr/share/fonts/truetype/tlwg")
_FILES = {"": "Laksaman.ttf", "B": "Laksaman-Bold.ttf"}
_FC_STYLES = {"": "Regular", "B": "Bold"}


@dataclass(frozen=True)
class ThaiFonts:
    regular: Path
    bold: Path

    def by_style(self) -> dict[str, Path]:
        """fpdf2 style letter → font file."""
        return {"": self.regular, "B": self.bold}


def _fc_match(style: str) -> Path | None:
    """Ask fontconfig, for systems that keep the TLWG fonts somewhere else."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        # A fixed argument list, no shell: the pattern is ours, not user input.
        found = subprocess.run(  # noqa: S603
            [fc_match, "-f", "%{file}", f"{FAMILY}:style={_FC_STYLES[style]}"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(found) if found else None
    # fc-match always answers with its closest font, e.g. DejaVu when Laksaman is absent.
    if path is None or not path.is_file() or not path.name.startswith(FAMILY):
        return None
    if style == "B" and "Bold" not in path.name:
        return None
    return path


@cache
def find_thai_fonts() -> ThaiFonts:
    """Laksaman regular and bold, or FontsMissing saying which package to install."""
    found: dict[str, Path] = {}
    for style, name in _FILES.items():
        candidate = DEBIAN_DIR / name
        path = candidate if candidate.is_file() else _fc_match(style)
        if path is None:
            raise FontsMissing(
                f"ไม่พบฟอนต์ภาษาไทย {name} ติดตั้งด้วยคำสั่ง apt-get install fonts-thai-tlwg / "
                f"Thai font {name} not found: install Debian's fonts-thai-tlwg "
                "(apt-get install fonts-thai-tlwg)"
            )
        found[style] = path
    return ThaiFonts(regular=found[""], bold=found["B"])
