"""Material nobody here wrote: every corpus file validates to OK or to located messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from webui.cli import main as cli

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
FILES = sorted(
    p for p in CORPORA.rglob("*") if p.suffix in (".bpmn", ".xml") and "xsd" not in p.parts
) if CORPORA.is_dir() else []
LOCATED = re.compile(r"^(warning: )?[^:\s][^:]*(:\d+)?: \S")


@pytest.mark.skipif(not FILES, reason=f"shared corpora not found at {CORPORA} "
                    "(CI copies shared/ beside the clone)")
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_validate_ends_with_ok_or_located_messages(path: Path):
    result = CliRunner().invoke(cli, ["validate", "--lang", "en", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines, "validate printed nothing"
    for line in lines:
        assert line.endswith(": ผ่าน / ok") or LOCATED.match(line), line
    assert result.exit_code in (0, 1)
