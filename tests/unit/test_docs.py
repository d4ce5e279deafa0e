"""The documentation stays true to the tree and self-contained.

Every repository path (``engine/core/db.py``, ``processes/*.bpmn``) and every dotted
module name (``engine.workflow.cases.load_case``) that README.md or docs/*.md writes must
exist; every link between the pages must lead to a file and a heading that exist; and no
page, nor any file under engine/ or webui/, may send the reader to documents outside the
repository (the old design notes beside the clone). Each check is a function from text
to problems, so the last test shows each one catching what it looks for.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: The top-level folders whose paths the pages name.
TOP = ("engine", "webui", "processes", "bench", "tests", "docs", ".ci")
#: A path starts at one of TOP (not inside a longer word, a URL or a relative path) and
#: runs over path characters; ``<kind>`` and ``*`` are placeholders, ``…`` any folders.
_TOPS = "|".join(re.escape(t) for t in TOP)
PATH = re.compile(rf"(?<![\w./-])((?:{_TOPS})/[\w./*<>…-]*)")
MODULE = re.compile(r"(?<![\w./-])((?:engine|webui)(?:\.[A-Za-z_]\w*)+)")
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.M)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
#: What points outside the repository: the shared folder beside the clone, the old notes.
OUTSIDE = re.compile(r"\.\./shared|design\.md", re.I)


def _ignored_prefixes() -> list[str]:
    """Folders .gitignore names (e.g. tests/artifacts/, written by the browser tests)."""
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip("/") for line in lines
            if line.strip() and not line.startswith("#") and "*" not in line]


def _exists(path: str) -> bool:
    if any(path == p or path.startswith(p + "/") for p in _ignored_prefixes()):
        return True
    pattern = re.sub(r"<[^>/]*>", "*", path).replace("…", "**").rstrip("/")
    if "*" in pattern:
        return next(ROOT.glob(pattern), None) is not None
    return (ROOT / pattern).exists()


def missing_paths(text: str) -> list[str]:
    """Repository paths the text names that are not in the tree."""
    found = (match.rstrip(".,;:") for match in PATH.findall(text))
    return sorted({path for path in found if not _exists(path)})


def _resolves(dotted: str) -> bool:
    """A module, or a module and one name it defines."""
    try:
        importlib.import_module(dotted)
        return True
    except ImportError:
        pass
    module, _, name = dotted.rpartition(".")
    try:
        return hasattr(importlib.import_module(module), name)
    except ImportError:
        return False


def missing_modules(text: str) -> list[str]:
    """Dotted ``engine.…``/``webui.…`` names the text gives that do not import."""
    return sorted({name for name in MODULE.findall(text) if not _resolves(name)})


def anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: lower case, punctuation dropped, spaces to -."""
    text = heading.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    return {anchor(h) for h in HEADING.findall(FENCE.sub("", text))}


def broken_links(text: str, folder: Path) -> list[str]:
    """Relative links (``PROCEDURES.md#clause``, ``#logs``) to a missing file or heading."""
    problems = []
    for target in LINK.findall(FENCE.sub("", text)):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        file_part, _, fragment = target.partition("#")
        page = (folder / file_part).resolve() if file_part else None
        if page is not None and not page.exists():
            problems.append(target)
            continue
        if fragment:
            headings = anchors(page.read_text(encoding="utf-8") if page else text)
            if fragment not in headings:
                problems.append(target)
    return problems


def outside_references(text: str) -> list[str]:
    return sorted({match.group(0) for match in OUTSIDE.finditer(text)})


def _code_files() -> list[Path]:
    files = [p for folder in ("engine", "webui") for p in sorted((ROOT / folder).rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts]
    return [p for p in files if b"\0" not in p.read_bytes()]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_are_docs() -> None:
    names = {_name(p) for p in DOCS}
    assert {"README.md", "docs/ARCHITECTURE.md", "docs/GLOSSARY.md"} <= names


@pytest.mark.parametrize("doc", DOCS, ids=_name)
def test_every_repository_path_exists(doc: Path) -> None:
    assert missing_paths(doc.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("doc", DOCS, ids=_name)
def test_every_module_named_exists(doc: Path) -> None:
    assert missing_modules(doc.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("doc", DOCS, ids=_name)
def test_links_between_the_pages_resolve(doc: Path) -> None:
    assert broken_links(doc.read_text(encoding="utf-8"), doc.parent) == []


def test_nothing_points_outside_the_repository() -> None:
    found = {}
    for path in [*DOCS, *_code_files()]:
        hits = outside_references(path.read_text(encoding="utf-8", errors="replace"))
        if hits:
            found[_name(path)] = hits
    assert found == {}


def test_the_checks_catch_what_they_look_for(tmp_path: Path) -> None:
    text = (
        "See `engine/core/db.py`, `processes/*.bpmn`, `processes/letters/<kind>.toml` and\n"
        "`engine/workflow/no_such_module.py`; not /public/items or ../engine/x.py.\n"
        "`engine.workflow.cases.load_case` exists, `engine.workflow.cases.no_such` does not,\n"
        "nor `engine.nowhere`. The notes were in ../shared/DESIGN.md.\n"
        "# A heading\n[here](#a-heading) [there](#no-heading) [gone](MISSING.md)\n"
    )
    assert missing_paths(text) == ["engine/workflow/no_such_module.py"]
    assert missing_modules(text) == ["engine.nowhere", "engine.workflow.cases.no_such"]
    assert outside_references(text) == ["../shared", "DESIGN.md"]
    assert broken_links(text, tmp_path) == ["#no-heading", "MISSING.md"]
    assert anchor("The 3-working-day window and the `BPMN` helpers") == (
        "the-3-working-day-window-and-the-bpmn-helpers")
    assert _exists("tests/artifacts/shot.png")  # ignored by git, written by the tests
