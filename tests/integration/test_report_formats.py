"""The six-monthly complaints report as PDF and XLSX, on the known data set of
tests/integration/report_data.py, through the engine, the CLI and the web page."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import openpyxl
import pytest
from click.testing import CliRunner

from engine.core import clock
from engine.core.config import Settings
from engine.core.office import load_office
from engine.documents.complaint_report import (
    BUCKETS,
    CASE_COLUMNS,
    WHOLE_YEAR,
    CaseLine,
    ComplaintReport,
    ReportNotes,
    case_rows,
    month_label,
    period_bounds,
)
from engine.documents.report_files import report_file
from engine.documents.report_pdf import BAR_RGB, report_pdf
from engine.documents.report_xlsx import CASES_SHEET, NOTES_SHEET, SUMMARY_SHEET, report_xlsx
from engine.services.complaints.report_notes import save_report_notes
from engine.services.complaints.reports import complaint_report
from engine.thai.digits import thai_digits
from tests import pdf_text as pdf_text_module
from tests.pdf_image import render_pages, table_cells
from tests.pdf_text import pdf_pages, pdf_text, squash
from tests.samples import COMPLAINT, SECRETS
from tests.web_client import html

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
        assert squash(thai_digits(expected)) in text, expected  # office.toml: thai
    for kind in ("bribery", "procurement"):
        assert squash(first_half.type_titles[kind]) in text
    # Every month on the chart's axis, a zero month included.
    for key in first_half.months:
        assert squash(thai_digits(month_label(key, short=True))) in text
    # One filled bar, in the bar colour, per month with complaints (Oct, Dec, Mar).
    content = b"".join(page.get_contents().get_data() for page in pdf_pages(pdf))
    bar_colour = " ".join(f"{c / 255:.4f}" for c in BAR_RGB).encode()
    assert bar_colour + b" rg" in content
    # Filled rectangles drawn in the bar colour (the tables' heading rows are filled too).
    fill, bars = b"", 0
    for line in content.splitlines():
        if line.endswith(b" rg"):
            fill = line[:-3]
        bars += line.endswith(b" re f") and fill == bar_colour
    assert bars == 3
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
    for row in case_rows(report, date_style="medium"):  # the PDF abbreviates months
        assert squash(thai_digits("".join(str(value) for value in row))) in everything, row
    # 13 cases, and the count by type; wrapped onto several lines in both tables.
    assert everything.count(squash(long_title)) == 14
    lines = [squash(line) for page in pages for line in page.extract_text().splitlines()]
    assert not any(squash(long_title) in line for line in lines)
    first = next(i for i, text in enumerate(texts) if squash("รายการเรื่อง") in text)
    final = case_rows(report, date_style="medium")[-1]
    last_row = squash(thai_digits("".join(str(value) for value in final)))
    last = next(i for i, text in enumerate(texts) if last_row in text)
    assert last - first >= 2
    for page, text in zip(pages[first:last + 1], texts[first:last + 1], strict=True):
        assert squash("".join(CASE_COLUMNS)) in text
        fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
        assert any(f.endswith("+Laksaman") for f in fonts)
        assert any(f.endswith("+LaksamanBold") for f in fonts)


def test_xlsx_report(runtime, first_half):
    data = report_xlsx(first_half, runtime.office, created=CREATED)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [SUMMARY_SHEET, CASES_SHEET, NOTES_SHEET] == [
        "สรุป", "รายการเรื่อง", "ปัญหาและข้อเสนอแนะ"]
    # Nothing written yet: the notes sheet says so.
    notes = [[cell.value for cell in row] for row in workbook[NOTES_SHEET].iter_rows()]
    assert notes[1] == ["ปัญหาและอุปสรรค", "(ยังไม่ได้เขียน)"]
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
    assert squash(thai_digits("รับเรื่องทั้งหมด 3")) in squash(pdf_text(out.read_bytes()))
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

    text = " ".join(CliRunner().invoke(main, ["report", "complaints", "--help"]).output.split())
    assert "[csv|xlsx|pdf]" in text and "never to a terminal" in text
    assert "--half [1|2|year]" in text and "--memo" in text


def test_web_downloads(web_data_set, browser):
    head = browser("legal_head")
    page = head.get("/reports/complaints?fiscal_year=2570&half=1").get_data(as_text=True)
    for fmt in ("pdf", "xlsx", "csv"):
        assert f"fiscal_year=2570&amp;half=1&amp;format={fmt}" in page
    pdf = head.get("/reports/complaints?fiscal_year=2570&half=1&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="complaints-2570-1.pdf"'
    assert squash(thai_digits("รับเรื่องทั้งหมด 3")) in squash(pdf_text(pdf.get_data()))
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


# ---- issue 16: Thai digits, marks inside the cells, no broken units, ITA evidence --------

#: Titles whose marks reach furthest above ("ที่", "ผู้", "ปี่", "ฟื้น", "น้ำ") and below
#: ("ฎุ", "ฏู", "ญุ") the line, in every table of the report.
STACKED_TITLES = {"above": "ที่ผู้ปี่ฟื้นน้ำ", "below": "ฎุฏูญุ ฐู", "plain": "อื่น ๆ"}


def stacked_report() -> ComplaintReport:
    cases = [CaseLine(instance_id=201 + n, received_on=date(2026, 10, 5) + timedelta(days=9 * n),
                      channel=("website", "letter", "in_person")[n % 3],
                      complaint_type=("above", "below", "plain")[n % 3],
                      status=BUCKETS[n % 4], triage_working_days=n % 5)
             for n in range(14)]
    return ComplaintReport(2570, 1, date(2026, 10, 1), date(2027, 3, 31), cases=cases,
                           type_titles=STACKED_TITLES)


def pdftotext_lines(pdf: bytes, page: int | None = None) -> list[str]:
    """poppler's text (of one page, from 1), line by line."""
    return [line.strip() for line in
            pdf_text_module.poppler_text(pdf, first=page, last=page).splitlines()]


def poppler_text(pdf: bytes, page: int | None = None) -> str:
    """pdftotext's text squashed (plain()): pypdf mangles sara am in some of these lines."""
    return plain("".join(pdftotext_lines(pdf, page)))


def plain(text: str) -> str:
    """squash(), with sara am and its decomposed form (nikhahit + sara aa) alike."""
    return squash(text).replace("ำ", "า")


def test_no_glyph_of_a_table_row_touches_or_crosses_its_cell_borders():
    """From the rendered page: every ruled cell of every table (counts, months, cases) has
    its ink clear of its four rules, with the tallest and lowest Thai marks in it."""
    pdf = report_pdf(stacked_report(), load_office(Settings()), created=CREATED)
    pages = render_pages(pdf)
    cells = [(number, page, cell) for number, page in enumerate(pages, start=1)
             for cell in table_cells(page)]
    inked = [(number, cell) for number, page, cell in cells if cell.ink(page)]
    # 4 count tables (6 + 4 + 4 + 7 rows of 2 cells) and the case list (15 rows of 6):
    # the rules were found, so the check below looked at every table.
    assert len(inked) >= 2 * (6 + 4 + 4 + 7) + 6 * 15, len(inked)
    touching = [(number, cell, cell.touching(page)[:3]) for number, page, cell in cells
                if cell.touching(page)]
    assert touching == []


def test_pdf_digits_are_the_offices(runtime, first_half):
    """office.toml says thai: dates, counts, the chart and page numbers in Thai digits;
    the telephone number as typed; the CSV and spreadsheet cells stay numbers."""
    assert runtime.office.digits == "thai"
    pdf = report_pdf(first_half, runtime.office, created=CREATED)
    text = squash(pdf_text(pdf))
    for expected in ("1 ตุลาคม 2569", "ปีงบประมาณ พ.ศ. 2570", "รับเรื่องทั้งหมด 3",
                     "พฤศจิกายน 2569 0", "เฉลี่ย 2.0 วันทำการ", "จัดทำเมื่อ 2 เมษายน 2570 10:00 น."):
        assert squash(thai_digits(expected)) in text, expected
        assert squash(expected) not in text, expected
    assert squash(f"โทร. {runtime.office.phone}") in text
    lines = pdftotext_lines(pdf)
    pages = [line for line in lines if line.startswith("หน้า")]
    assert pages and all(not any(c.isascii() and c.isdigit() for c in line) for line in pages)
    assert pages[-1] == f"หน้า {thai_digits(str(len(pages)))}/{thai_digits(str(len(pages)))}"
    summary = sheet_pairs(openpyxl.load_workbook(io.BytesIO(
        report_xlsx(first_half, runtime.office, created=CREATED)))[SUMMARY_SHEET])
    assert summary["รับเรื่องทั้งหมด"] == 3
    assert "รับเรื่องทั้งหมด,3" in report_file(first_half, "csv", None).content.decode("utf-8")


def test_arabic_digits_when_the_office_says_so(runtime, first_half):
    office = dataclasses.replace(runtime.office, digits="arabic")
    text = squash(pdf_text(report_pdf(first_half, office, created=CREATED)))
    assert squash("รับเรื่องทั้งหมด 3") in text and squash("1 ตุลาคม 2569") in text


@pytest.mark.parametrize("half", [1, 2, WHOLE_YEAR])
def test_no_line_breaks_inside_a_unit(half):
    """Headings and cells never end a line inside "รอบ 6 เดือน", "12 เดือน" or วันทำการ."""
    start, end = period_bounds(2570, half)
    report = stacked_report()
    report = dataclasses.replace(report, half=half, start=start, end=end)
    lines = [plain(line) for line in pdftotext_lines(
        report_pdf(report, load_office(Settings()), created=CREATED, memo=True))]
    lines = [line for line in lines if line]
    assert len(lines) > 50
    for line, after in zip(lines, lines[1:], strict=False):
        assert not line.endswith("วนทา"), line  # วันทำ | การ
        number_ends = line.endswith(("รอบ6", "รอบ๖", "รอบ12", "รอบ๑๒"))
        assert not (number_ends or (line[-1:].isdigit() and after.startswith("เดอน"))), \
            (line, after)  # รอบ 6 | เดือน


def test_twelve_month_title(runtime, people, data_set):
    report = complaint_report(runtime, people.legal_head, 2570, WHOLE_YEAR)
    assert (report.start, report.end) == (date(2026, 10, 1), date(2027, 9, 30))
    pdf = report_pdf(report, runtime.office, created=CREATED)
    lines = [squash(line) for line in pdftotext_lines(pdf)]
    assert squash("รอบ ๑๒ เดือน ปีงบประมาณ พ.ศ. ๒๕๗๐") in lines
    assert squash("(๑ ตุลาคม ๒๕๖๙ – ๓๐ กันยายน ๒๕๗๐)") in lines
    assert squash(thai_digits("รับเรื่องทั้งหมด 4")) in squash(pdf_text(pdf))
    assert report_file(report, "pdf", runtime.office).filename == "complaints-2570-year.pdf"


ACTING = ("นายรอง รักษาการ", "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1")
PROBLEMS = "ผู้ร้องเรียนบางรายไม่ระบุพยานหลักฐาน ทำให้การพิจารณาเบื้องต้นใช้เวลานานขึ้น"
ADVICE = "ควรประชาสัมพันธ์ช่องทางการร้องเรียนทางเว็บไซต์ของสำนักงานให้มากขึ้น"


def act_for_the_director(rt, kind: str = "acting"):
    from engine.core.models import ActingAppointment
    from engine.services.admin.users import add_user

    deputy = add_user(rt, "deputy", ["staff"], "DIR", display_name=ACTING[0],
                      position=ACTING[1])
    with rt.db.write() as session:
        session.add(ActingAppointment(user_id=deputy.id, role="director", kind=kind,
                                      starts_on=date(2027, 4, 1), ends_on=date(2027, 4, 30),
                                      reference="คำสั่ง สพป. ที่ 12/2570", created_by="admin"))
    return deputy


def test_notes_sign_off_and_memo_from_the_pdf(runtime, people, data_set):
    """The head of Legal Affairs' section is printed with them as ผู้เสนอ; the Director's
    ทราบ block names the acting official with รักษาราชการแทน…; the memo comes first,
    unnumbered, in the บันทึกข้อความ layout; every font is embedded."""
    act_for_the_director(runtime)
    with clock.frozen(CREATED):
        save_report_notes(runtime, people.legal_head, 2570, 1, PROBLEMS, ADVICE)
        report = complaint_report(runtime, people.legal_head, 2570, 1)
    pdf = report_pdf(report, runtime.office, created=CREATED, memo=True)
    count = len(pdf_pages(pdf))
    pages = [poppler_text(pdf, n) for n in range(1, count + 1)]
    memo, body = pages[0], "".join(pages[1:])
    for expected in ("ปัญหา อุปสรรค และข้อเสนอแนะ", "ปัญหาและอุปสรรค", PROBLEMS, "ข้อเสนอแนะ",
                     ADVICE, "ผู้เสนอ", f"({people.legal_head.display_name})", "ทราบ", "ลงนาม",
                     f"({ACTING[0]})", ACTING[1],
                     f"รักษาราชการแทน{runtime.office.head_title}"):
        assert plain(thai_digits(expected)) in body, expected
    for expected in ("บันทึกข้อความ", "ส่วนราชการ", "กลุ่มกฎหมายและคดี",
                     f"โทร. {runtime.office.phone}", "วันที่ 2 เมษายน 2570", "เรื่อง",
                     f"เรียน {runtime.office.head_title}", "รับเรื่องร้องเรียนทั้งสิ้น 3 เรื่อง",
                     "จึงเรียนมาเพื่อโปรดพิจารณา", f"({people.legal_head.display_name})"):
        wanted = expected if runtime.office.phone in expected else thai_digits(expected)
        assert plain(wanted) in memo, expected
    assert plain("หน้า") not in memo and plain(f"หน้า ๑/{thai_digits(str(count - 1))}") in pages[1]
    assert plain("บันทึกข้อความ") not in body
    without = report_pdf(report, runtime.office, created=CREATED)
    assert len(pdf_pages(without)) == len(pages) - 1
    fonts = pdf_text_module.fonts_embedded(pdf)
    assert fonts and all(embedded for _name, embedded in fonts), fonts


def test_delegated_deputy_signs_with_the_delegation_line(runtime, people, data_set):
    act_for_the_director(runtime, kind="delegated")
    with clock.frozen(CREATED):
        report = complaint_report(runtime, people.legal_head, 2570, 1)
    text = poppler_text(report_pdf(report, runtime.office, created=CREATED))
    assert plain(thai_digits(f"ปฏิบัติราชการแทน{runtime.office.head_title}")) in text


def test_unwritten_notes_print_lines_to_write_on_and_a_blank_proposer(runtime, people,
                                                                       data_set):
    with clock.frozen(CREATED):
        report = complaint_report(runtime, people.legal_head, 2570, 1)
    assert report.notes is None
    lines = pdftotext_lines(report_pdf(report, runtime.office, created=CREATED))
    dotted = [line for line in lines if line and set(line) == {"."}]
    assert len(dotted) >= 2 * 3
    assert any(line.startswith("(") and not line.strip("( )") for line in lines)
    text = squash("".join(lines))
    assert squash("ผู้อำนวยการกลุ่มกฎหมายและคดี") in text
    assert squash(f"({people.legal_head.display_name})") not in text
    # The director of the data set acknowledges in their own right: no capacity line.
    assert squash("รักษาราชการแทน") not in text


def test_web_notes_form_and_downloads(web_data_set, browser, sqlite_runtime):
    head = browser("legal_head")
    page = head.get("/reports/complaints?fiscal_year=2570&half=1").get_data(as_text=True)
    assert 'name="problems"' in page and 'name="csrf_token"' in page
    assert "memo=1" in page and 'value="year"' in page
    too_long = head.post("/reports/complaints/notes", {
        "fiscal_year": "2570", "half": "1", "problems": "ก" * 1001, "recommendations": ""})
    assert too_long.status_code == 400 and "ยาวเกิน 1,000 ตัวอักษร" in html(too_long)
    saved = head.post("/reports/complaints/notes", {
        "fiscal_year": "2570", "half": "1", "problems": PROBLEMS, "recommendations": ADVICE})
    assert saved.status_code == 302
    pdf = head.get("/reports/complaints?fiscal_year=2570&half=1&format=pdf&memo=1")
    assert pdf.status_code == 200
    memo, rest = poppler_text(pdf.get_data(), 1), poppler_text(pdf.get_data())
    assert plain("บันทึกข้อความ") in memo and plain(PROBLEMS) in rest
    year = head.get("/reports/complaints?fiscal_year=2570&half=year&format=csv")
    assert year.status_code == 200
    assert year.headers["Content-Disposition"] == 'attachment; filename="complaints-2570-year.csv"'
    assert "รอบ 12 เดือน" in year.get_data(as_text=True)
    director = browser("director")
    shown = director.get("/reports/complaints?fiscal_year=2570&half=1").get_data(as_text=True)
    assert PROBLEMS in shown and 'name="problems"' not in shown
    assert director.post("/reports/complaints/notes", {
        "fiscal_year": "2570", "half": "1", "problems": "x", "recommendations": ""}
    ).status_code == 403
    bare = head.client.post("/reports/complaints/notes", data={
        "fiscal_year": "2570", "half": "1", "problems": "x"})
    assert bare.status_code == 400


def test_cli_whole_year_with_memo(cli_on, tmp_path):
    out = tmp_path / "year.pdf"
    from webui.cli import main

    result = CliRunner().invoke(main, ["report", "complaints", "--fiscal-year", "2570",
                                       "--half", "year", "--format", "pdf", "--memo",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    memo, report = poppler_text(out.read_bytes(), 1), poppler_text(out.read_bytes(), 2)
    assert plain("บันทึกข้อความ") in memo and plain("รอบ ๑๒ เดือน") in report
    refused = CliRunner().invoke(main, ["report", "complaints", "--fiscal-year", "2570",
                                        "--half", "1", "--memo"])
    assert refused.exit_code == 2 and "--memo" in refused.output


def test_xlsx_carries_the_problems_and_recommendations_as_text(runtime, first_half):
    """What the head of Legal Affairs wrote goes into the workbook as text cells, a
    formula typed into it included (never evaluated)."""
    from dataclasses import replace

    from engine.documents.signature import Signature

    written = ReportNotes(problems="=HYPERLINK(\"http://x\")\nผู้ร้องเรียนส่งเอกสารไม่ครบ",
                          recommendations="ประชาสัมพันธ์ช่องทางร้องเรียน",
                          written_by=Signature("นายวิชัย", "ผู้อำนวยการกลุ่มกฎหมายและคดี"),
                          written_on=date(2027, 4, 2))
    data = report_xlsx(replace(first_half, notes=written), runtime.office, created=CREATED)
    sheet = openpyxl.load_workbook(io.BytesIO(data))[NOTES_SHEET]
    rows = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert rows["ปัญหาและอุปสรรค"].value == written.problems
    assert rows["ปัญหาและอุปสรรค"].data_type == "s"  # a string, not a formula
    assert rows["ข้อเสนอแนะ"].value == "ประชาสัมพันธ์ช่องทางร้องเรียน"
