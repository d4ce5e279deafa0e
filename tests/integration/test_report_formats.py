"""The six-monthly complaints report as PDF and XLSX, on the known data set of
tests/integration/report_data.py, through the engine, the CLI and the web page."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import openpyxl
import pytest
from click.testing import CliRunner

from engine.core.config import Settings
from engine.core.office import load_office
from engine.documents.complaint_report import (
    BUCKETS,
    CASE_COLUMNS,
    CaseLine,
    ComplaintReport,
    case_rows,
    month_label,
)
from engine.documents.report_files import report_file
from engine.documents.report_pdf import BAR_RGB, report_pdf
from engine.documents.report_xlsx import CASES_SHEET, SUMMARY_SHEET, report_xlsx
from engine.services.complaints.reports import complaint_report
from tests.pdf_text import pdf_pages, pdf_text, squash
from tests.samples import COMPLAINT, SECRETS

pytest_plugins = ("tests.integration.report_data", "tests.web_support")

CREATED = datetime(2027, 4, 2, 3, 0, tzinfo=UTC)
FIRST_HALF_MONTHS = ["ตุลาคม 2569", "พฤศจิกายน 2569", "ธันวาคม 2569", "มกราคม 2570",
                     "กุมภาพันธ์ 2570", "มีนาคม 2570"]


def sheet_pairs(sheet) -> dict[str, object]:
    """Column A → column B for every row of a sheet (the count tables)."""
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True, max_col=2)
            if row[0] is not None}


@pytest.fixture
def first_half(runtime, people, data_set):
    return complaint_report(runtime, people.legal_head, 2570, 1)


def test_months_cover_the_whole_half(first_half):
    assert list(first_half.months) == ["2026-10", "2026-11", "2026-12", "2027-01",
                                       "2027-02", "2027-03"]
    assert first_half.months["2026-11"] == 0 and first_half.months["2026-12"] == 1
    assert [month_label(m) for m in first_half.months] == FIRST_HALF_MONTHS
    assert month_label("2026-10", short=True) == "ต.ค. 69"


def test_pdf_report(runtime, first_half):
    pdf = report_pdf(first_half, runtime.office, created=CREATED)
    text = squash(pdf_text(pdf))
    for expected in (runtime.office.name, "ปีงบประมาณ พ.ศ. 2570", "1 ตุลาคม 2569",
                     "31 มีนาคม 2570", "รับเรื่องทั้งหมด 3", "ไม่รับไว้พิจารณา 1",
                     "ส่งต่อหน่วยงานอื่น 1", "ดำเนินการแล้วเสร็จ 0", "เว็บไซต์ 1",
                     "ยื่นด้วยตนเอง 1", "พฤศจิกายน 2569 0", "มีนาคม 2570 1",
                     "เฉลี่ย 2.0 วันทำการ", "สูงสุด 2 วันทำการ", "ITA/OIT",
                     "จัดทำเมื่อ 2 เมษายน 2570 10:00 น."):
        assert squash(expected) in text, expected
    for kind in ("bribery", "procurement"):
        assert squash(first_half.type_titles[kind]) in text
    # Every month on the chart's axis, a zero month included.
    for key in first_half.months:
        assert squash(month_label(key, short=True)) in text
    # One filled bar, in the bar colour, per month with complaints (Oct, Dec, Mar).
    content = b"".join(page.get_contents().get_data() for page in pdf_pages(pdf))
    bar_colour = " ".join(f"{c / 255:.4f}" for c in BAR_RGB).encode()
    assert bar_colour + b" rg" in content
    assert content.count(b" re f\n") == 3
    # No personal data, no complaint subject.
    raw = pdf_text(pdf)
    assert not any(secret in raw for secret in SECRETS)
    assert squash(COMPLAINT["subject"]) not in text
    fonts = {str(f.get_object()["/BaseFont"]) for page in pdf_pages(pdf)
             for f in page["/Resources"]["/Font"].values()}
    assert any(f.endswith("Laksaman") for f in fonts)
    assert any(f.endswith("LaksamanBold") for f in fonts)


def test_pdf_case_list_over_several_pages():
    """The case list is drawn by hand, each distinct text shaped once and then repeated:
    every row still shows all its values in order, a long type title wraps onto several
    lines and is shown in full, and each page of the list repeats the heading row and
    lists the fonts it uses."""
    long_title = ("ยักยอกหรือใช้จ่ายเงินงบประมาณ/ทรัพย์สินของทางราชการโดยมิชอบ "
                  "และเรียกรับสินบนหรือผลประโยชน์อื่นใดในการจัดซื้อจัดจ้างของหน่วยงาน")
    channels = ("website", "letter", "in_person")
    cases = [CaseLine(instance_id=101 + n, received_on=date(2026, 10, 1) + timedelta(days=n),
                      channel=channels[n % 3], complaint_type="long" if n % 7 == 0 else "other",
                      status=BUCKETS[n % 4], triage_working_days=n % 6 if n % 5 else None)
                 for n in range(90)]
    report = ComplaintReport(2570, 1, date(2026, 10, 1), date(2027, 3, 31), cases=cases,
                             type_titles={"long": long_title, "other": "อื่น ๆ"})
    office = load_office(Settings())
    pdf = report_pdf(report, office, created=CREATED)
    assert pdf == report_pdf(report, office, created=CREATED)
    pages = pdf_pages(pdf)
    texts = [squash(page.extract_text()) for page in pages]
    everything = "".join(texts)
    for row in case_rows(report):
        assert squash("".join(str(value) for value in row)) in everything, row
    # 13 cases, and the count by type; wrapped onto several lines in both tables.
    assert everything.count(squash(long_title)) == 14
    lines = [squash(line) for page in pages for line in page.extract_text().splitlines()]
    assert not any(squash(long_title) in line for line in lines)
    first = next(i for i, text in enumerate(texts) if squash("รายการเรื่อง") in text)
    assert len(pages) - first >= 3
    for page, text in zip(pages[first:], texts[first:], strict=True):
        assert squash("".join(CASE_COLUMNS)) in text
        fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
        assert any(f.endswith("+Laksaman") for f in fonts)
        assert any(f.endswith("+LaksamanBold") for f in fonts)


def test_xlsx_report(runtime, first_half):
    data = report_xlsx(first_half, runtime.office, created=CREATED)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [SUMMARY_SHEET, CASES_SHEET] == ["สรุป", "รายการเรื่อง"]
    summary = sheet_pairs(workbook[SUMMARY_SHEET])
    assert summary["รับเรื่องทั้งหมด"] == 3
    assert summary["ไม่รับไว้พิจารณา"] == 1 and summary["ส่งต่อหน่วยงานอื่น"] == 1
    assert summary["อยู่ระหว่างดำเนินการ"] == 1 and summary["ดำเนินการแล้วเสร็จ"] == 0
    assert summary["เว็บไซต์"] == 1 and summary["หนังสือ"] == 1
    assert [summary[month] for month in FIRST_HALF_MONTHS] == [1, 0, 1, 0, 0, 1]
    assert summary["เฉลี่ย"] == 2.0 and summary["สูงสุด"] == 2
    assert workbook.properties.creator == runtime.office.name
    cases = list(workbook[CASES_SHEET].iter_rows(values_only=True))
    assert cases[0][:2] == ("เลขที่", "วันที่รับเรื่อง")
    assert [row[1] for row in cases[1:]] == ["1 ตุลาคม 2569", "4 ธันวาคม 2569",
                                             "31 มีนาคม 2570"]
    assert [row[4] for row in cases[1:]] == ["ไม่รับไว้พิจารณา", "ส่งต่อหน่วยงานอื่น",
                                             "อยู่ระหว่างดำเนินการ"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode("utf-8")
        strings = archive.read("xl/sharedStrings.xml").decode("utf-8")
    assert "<c:barChart>" in chart and "สรุป" in chart
    assert not any(secret in strings for secret in SECRETS)
    assert COMPLAINT["subject"] not in strings


def test_an_empty_half_says_so(runtime, people):
    report = complaint_report(runtime, people.legal_head, 2571, 1)
    pdf = report_pdf(report, runtime.office, created=CREATED)
    assert squash("ไม่มีเรื่องร้องเรียน") in squash(pdf_text(pdf))
    data = report_xlsx(report, runtime.office, created=CREATED)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert "ไม่มีเรื่องร้องเรียน" in sheet_pairs(workbook[SUMMARY_SHEET])
    assert "xl/charts/chart1.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_report_file_names_and_types(runtime, first_half):
    csv = report_file(first_half, "csv", None)
    assert csv.content.startswith(b"\xef\xbb\xbf") and csv.filename == "complaints-2570-1.csv"
    pdf = report_file(first_half, "pdf", runtime.office)
    assert pdf.content.startswith(b"%PDF-") and pdf.mimetype == "application/pdf"
    xlsx = report_file(first_half, "xlsx", runtime.office)
    assert xlsx.content.startswith(b"PK") and xlsx.filename.endswith(".xlsx")
    with pytest.raises(ValueError):
        report_file(first_half, "docx", runtime.office)


@pytest.fixture
def cli_on(sqlite_runtime, web_data_set, tmp_path, monkeypatch):
    """The CLI on the same SQLite database as sqlite_runtime, with the data set in it."""
    monkeypatch.setenv("GOVFLOW_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("GOVFLOW_DATABASE_URL", "")
    from webui.cli import main

    return lambda *args: CliRunner().invoke(main, ["report", "complaints", "--fiscal-year",
                                                   "2570", "--half", "1", *args])


def test_cli_formats(cli_on, tmp_path):
    out = tmp_path / "report.pdf"
    result = cli_on("--format", "pdf", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert squash("รับเรื่องทั้งหมด 3") in squash(pdf_text(out.read_bytes()))
    piped = cli_on("--format", "xlsx")  # CliRunner's stdout is not a terminal
    assert piped.exit_code == 0, piped.output
    summary = sheet_pairs(openpyxl.load_workbook(io.BytesIO(piped.stdout_bytes))["สรุป"])
    assert summary["รับเรื่องทั้งหมด"] == 3
    csv = tmp_path / "report.csv"
    assert cli_on("-o", str(csv)).exit_code == 0
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "พฤศจิกายน 2569,0" in csv.read_text(encoding="utf-8-sig")


def test_cli_keeps_binary_off_a_terminal(cli_on, monkeypatch):
    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("webui.cli.reports.sys", SimpleNamespace(stdout=SimpleNamespace(
        isatty=terminal.isatty, buffer=terminal)))
    result = cli_on("--format", "pdf")
    assert result.exit_code == 2 and "-o FILE" in result.output
    assert terminal.getvalue() == b""


def test_cli_help_explains_formats():
    from webui.cli import main

    text = CliRunner().invoke(main, ["report", "complaints", "--help"]).output
    assert "[csv|xlsx|pdf]" in text and "never to a terminal" in text


def test_web_downloads(web_data_set, browser):
    head = browser("legal_head")
    page = head.get("/reports/complaints?fiscal_year=2570&half=1").get_data(as_text=True)
    for fmt in ("pdf", "xlsx", "csv"):
        assert f"fiscal_year=2570&amp;half=1&amp;format={fmt}" in page
    pdf = head.get("/reports/complaints?fiscal_year=2570&half=1&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="complaints-2570-1.pdf"'
    assert squash("รับเรื่องทั้งหมด 3") in squash(pdf_text(pdf.get_data()))
    xlsx = browser("director").get("/reports/complaints?fiscal_year=2570&half=1&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    summary = sheet_pairs(openpyxl.load_workbook(io.BytesIO(xlsx.get_data()))["สรุป"])
    assert summary["รับเรื่องทั้งหมด"] == 3
    staff = browser("staff")
    for fmt in ("pdf", "xlsx", "csv"):
        assert staff.get(f"/reports/complaints?fiscal_year=2570&half=1&format={fmt}") \
            .status_code == 403


def test_missing_fonts_are_explained_not_a_traceback(web_data_set, browser, cli_on,
                                                     monkeypatch):
    from engine.core.errors import FontsMissing
    from engine.documents import pdf as pdf_module

    def no_fonts():
        raise FontsMissing("ไม่พบฟอนต์ภาษาไทย Laksaman.ttf ติดตั้งด้วยคำสั่ง apt-get install "
                           "fonts-thai-tlwg / install Debian's fonts-thai-tlwg")

    monkeypatch.setattr(pdf_module, "find_thai_fonts", no_fonts)
    page = browser("legal_head").get("/reports/complaints?fiscal_year=2570&half=1&format=pdf")
    text = page.get_data(as_text=True)
    assert page.status_code == 500 and "apt-get install fonts-thai-tlwg" in text
    assert "Traceback" not in text
    result = cli_on("--format", "pdf", "-o", "/dev/null")
    assert result.exit_code == 1 and "fonts-thai-tlwg" in result.output
