"""``govflow report``: the six-monthly complaints report and the publication log."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from webui.cli.common import load_runtime


@click.group(help="Reports.")
def report() -> None:
    pass


@report.command("complaints", help="The six-monthly complaints report Legal Affairs gives "
                "the Director: counts by status, channel, type and month, triage times in "
                "working days, and the cases without personal data. --fiscal-year is "
                "Buddhist Era (e.g. 2570 = 1 Oct 2569 "
                "– 30 Sep 2570); --half 1 is 1 Oct–31 Mar, 2 is 1 Apr–30 Sep, year the "
                "cumulative 12-month report (รอบ 12 เดือน, 1 Oct–30 Sep). --format csv "
                "(default; UTF-8 with a byte-order mark in a file), xlsx (a สรุป sheet with a "
                "chart, a รายการเรื่อง sheet and the problems and recommendations on "
                "ปัญหาและข้อเสนอแนะ) or pdf (with the office's header, from "
                "office.toml, the head of Legal Affairs' problems and recommendations and the "
                "sign-off; --memo puts the cover memo to the Director first). Without -o, CSV "
                "goes to standard output; xlsx and pdf go there only when it is redirected "
                "or piped, never to a terminal.")
@click.option("--fiscal-year", "fiscal_year", type=int, required=True)
@click.option("--half", "half_key", type=click.Choice(["1", "2", "year"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), default="csv",
              show_default=True)
@click.option("--memo", is_flag=True, help="pdf only: the cover memo (บันทึกข้อความ) first")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write the report to this file")
def report_complaints(fiscal_year: int, half_key: str, fmt: str, memo: bool,
                      output: Path | None) -> None:
    from engine.documents.complaint_report import PERIOD_KEYS, report_csv
    from engine.documents.report_files import report_file
    from engine.services.complaints.reports import complaint_report

    if fmt != "csv" and output is None and sys.stdout.isatty():
        raise click.UsageError(f"ไฟล์ {fmt} เป็นข้อมูลไบนารี ระบุ -o FILE หรือส่งต่อด้วย > / "
                               f"{fmt} is binary: give -o FILE or redirect standard output")
    if memo and fmt != "pdf":
        raise click.UsageError("--memo ใช้กับ --format pdf เท่านั้น / --memo is for --format pdf")
    runtime = load_runtime()
    result = complaint_report(runtime, None, fiscal_year, PERIOD_KEYS[half_key])
    if fmt == "csv" and output is None:
        click.echo(report_csv(result), nl=False)
        return
    document = report_file(result, fmt, runtime.office if fmt != "csv" else None, memo=memo)
    if output is None:
        sys.stdout.buffer.write(document.content)
        sys.stdout.buffer.flush()
        return
    output.write_bytes(document.content)
    click.echo(f"wrote {output} ({len(result.cases)} cases)", err=True)


@report.command("publications", help="The publication log (ทะเบียนการเผยแพร่ข้อมูล): per "
                "publishing request, who asked, approved (with รักษาราชการแทน for an acting "
                "Director), checked, decided and published it, when (Buddhist Era), and the "
                "outcome. --from/--to are Bangkok dates the requests were made, DD/MM/YYYY "
                "in the Buddhist Era or YYYY-MM-DD in the Common Era; both optional. CSV; "
                "with -o the file is UTF-8 with a byte-order mark, so spreadsheet programs "
                "read the Thai.")
@click.option("--from", "date_from", default="", metavar="YYYY-MM-DD",
              help="requests made on or after this day")
@click.option("--to", "date_to", default="", metavar="YYYY-MM-DD",
              help="requests made on or before this day")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write the log to this file")
def report_publications(date_from: str, date_to: str, output: Path | None) -> None:
    from engine.services.publishing.register import (
        log_csv,
        log_csv_bytes,
        period_from,
        publication_log,
    )

    log = publication_log(load_runtime(), None, period_from(date_from, date_to))
    if output is None:
        click.echo(log_csv(log), nl=False)
        return
    output.write_bytes(log_csv_bytes(log))
    click.echo(f"wrote {output} ({len(log.records)} requests)", err=True)


