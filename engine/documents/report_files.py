"""The complaints report in each downloadable format, for the CLI and the web alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.core.office import OfficeIdentity
from engine.documents.complaint_report import ComplaintReport, period_key, report_csv

#: Format → (file extension, MIME type).
REPORT_FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": ("pdf", "application/pdf"),
}


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    mimetype: str
    filename: str


def report_file(report: ComplaintReport, fmt: str, office: OfficeIdentity | None, *,
                created: datetime | None = None, memo: bool = False) -> ReportFile:
    """The report as a file. CSV is UTF-8 with a byte-order mark, so spreadsheet programs
    read the Thai; PDF and XLSX carry the office's header and need ``office``. ``memo``
    puts the cover memo (บันทึกข้อความ) before the PDF report; other formats have none."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}")
    extension, mimetype = REPORT_FORMATS[fmt]
    filename = f"complaints-{report.fiscal_year}-{period_key(report.half)}.{extension}"
    if fmt == "csv":
        return ReportFile(("\ufeff" + report_csv(report)).encode("utf-8"), mimetype, filename)
    if office is None:
        raise ValueError(f"the {fmt} report needs the office's identity")
    # Imported here: CSV needs neither fpdf2 nor XlsxWriter.
    if fmt == "pdf":
        from engine.documents.report_pdf import report_pdf

        return ReportFile(report_pdf(report, office, created=created, memo=memo), mimetype,
                          filename)
    from engine.documents.report_xlsx import report_xlsx

    return ReportFile(report_xlsx(report, office, created=created), mimetype, filename)
