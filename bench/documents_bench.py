"""How long govflow takes to make its documents: the two Thai letters, the six-monthly
report as PDF and XLSX, and Thai word breaking, each against a baseline in the same run.

* ``letters``: ``render_letter`` for ``initial_action_notice`` and ``result_notice`` with
  realistic Thai fields (a body of several long paragraphs) and the parts the workflow
  gives (an acting signer, urgency and secrecy marks, a reference, two enclosures),
  against a ``baseline``: a
  bare fpdf2 A4 page with the same Laksaman font and the same texts written with
  ``multi_cell``, WITHOUT text shaping and without word breaking (no emblem, no layout):
  what the simplest approach would cost. ``ratio`` = letter p50 / baseline p50.
  ``letter_breakdown_p50_ms`` climbs from that baseline to the letter for the first kind:
  + the bold face registered (``ThaiDocument`` registers and embeds it, used or not),
  + HarfBuzz text shaping, then the real letter (word breaks, text regions, emblem).
* ``report``: a half (ครึ่งปีแรก ปีงบประมาณ 2570) with 1,000 cases built in memory
  (``ComplaintReport`` / ``CaseLine`` spread over the 6 months, channels, types and
  statuses; no database), rendered by ``report_pdf`` and ``report_xlsx``, against
  ``report_csv`` of the same data as the baseline; ms and bytes for each.
* ``breakable``: ``breakable()`` on one long Thai paragraph, in characters per second,
  against a baseline that only scans the same text with the same Thai-run regex.

Every document has a fixed creation time, so the repetitions must give the same bytes;
``deterministic`` says whether they did.

Usage, from the repository root (nothing else to install; the Laksaman font comes from
Debian's fonts-thai-tlwg and word breaks from libthai0, as for the application)::

    .venv/bin/python bench/documents_bench.py            # ~40–55 s
    .venv/bin/python bench/documents_bench.py --quick    # ~10–15 s, fewer repetitions
    .venv/bin/python bench/documents_bench.py --profile  # + cProfile of one letter and
                                                         #   one report PDF, on stderr

One report PDF alone takes ~8–12 s, so ``--quick`` renders it once and the full run two
or three times. Times are ``time.perf_counter`` per call, p50 and p95 (nearest rank) in
ms over the repetitions (``n``). A document and its baseline are called in alternation,
round after round, so background load falls on both alike; each measurement also stops
at a time budget, so ``n`` may be lower than asked on a slow machine. Stdout gets
exactly one JSON line; the readable summary goes to stderr. Exits 1 when a document is
not what it should be.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import hashlib
import io
import json
import pstats
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from timing import measure_rounds, nearest_rank, sig3

from engine.core.config import REPO_ROOT, Settings
from engine.core.office import OfficeIdentity, load_office
from engine.documents.complaint_report import BUCKETS, CaseLine, ComplaintReport, report_csv
from engine.documents.fonts import FAMILY, find_thai_fonts
from engine.documents.letter_templates import FilledLetter, fill_letter
from engine.documents.letters import LEFT, RIGHT, TOP, render_letter
from engine.documents.pdf import BODY_PT, LINE_MM
from engine.documents.report_pdf import report_pdf
from engine.documents.report_xlsx import report_xlsx
from engine.documents.signature import Signature
from engine.thai import line_breaks as thai_wrap
from engine.thai.dates import fiscal_half_bounds, format_thai_date
from engine.thai.line_breaks import NBSP, ZWSP, breakable
from engine.thai.workdays import BANGKOK

PROCESSES_DIR = REPO_ROOT / "processes"
ISSUED_ON = date(2026, 12, 9)
LETTER_NUMBER = "1234"
#: The parts of a letter the workflow gives besides its template's fields: an acting
#: signer, the marks, a reference and two enclosures.
SIGNER = Signature("นายชาญกฤต น้าใจดี",
                   "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1",
                   "acting", "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1")
REFERENCE = "หนังสือของท่าน ลงวันที่ 1 ธันวาคม 2569 (ทะเบียนรับที่ 12/2569)"
ENCLOSURES = ("สำเนาคำสั่งแต่งตั้งคณะกรรมการสืบสวนข้อเท็จจริง", "สำเนารายงานการสืบสวน")
LETTER_PARTS: dict[str, Any] = {"signature": SIGNER, "urgency": "urgent",
                                "secrecy": "confidential", "reference": REFERENCE,
                                "enclosures": ENCLOSURES}
REPORT_CREATED = datetime(2027, 4, 1, 9, 0, tzinfo=BANGKOK)
FISCAL_YEAR, HALF = 2570, 1
CASES = 1_000
SEED = 2570

#: Realistic fields: long enough that each letter's body is several full paragraphs.
LETTER_FIELDS: dict[str, dict[str, str]] = {
    "initial_action_notice": {
        "recipient": "ผู้อำนวยการโรงเรียนบ้านหนองบัววิทยา",
        "case_number": "ร.0123/2570",
        "received_on": "4 ธันวาคม 2569",
        "director_order": (
            "กลุ่มกฎหมายและคดีตรวจสอบข้อเท็จจริงเบื้องต้นเกี่ยวกับการจัดซื้อวัสดุการศึกษาและ"
            "ครุภัณฑ์คอมพิวเตอร์ของโรงเรียนในปีงบประมาณ พ.ศ. 2569 ว่ามีการแบ่งซื้อแบ่งจ้าง"
            "เพื่อหลีกเลี่ยงวิธีการจัดซื้อจัดจ้างที่กฎหมายกำหนดหรือไม่ และรายงานผลภายใน 30 วัน"
        ),
        "action": (
            "ขอให้โรงเรียนจัดส่งสำเนาเอกสารการจัดซื้อจัดจ้าง ได้แก่ บันทึกรายงานขอซื้อขอจ้าง "
            "ใบสั่งซื้อสั่งจ้าง ใบส่งของ ใบตรวจรับพัสดุ และหลักฐานการเบิกจ่ายเงิน ตั้งแต่เดือน"
            "ตุลาคม 2568 ถึงเดือนกันยายน 2569 ให้สำนักงานเขตพื้นที่การศึกษาภายใน 15 วันนับแต่"
            "วันที่ได้รับหนังสือฉบับนี้ ทั้งนี้ หากมีข้อเท็จจริงเพิ่มเติมหรือเอกสารหลักฐานอื่นที่"
            "เกี่ยวข้อง โปรดชี้แจงเป็นหนังสือมาพร้อมกัน เพื่อประกอบการพิจารณาของคณะกรรมการ"
            "ตรวจสอบข้อเท็จจริงต่อไป โดยขอให้ระบุชื่อและหมายเลขโทรศัพท์ของผู้ประสานงานของ"
            "โรงเรียนไว้ด้วย"
        ),
    },
    "result_notice": {
        "recipient": "นางสาวสมศรี ใจดีงาม",
        "case_number": "ร.0123/2570",
        "tracking_code": "K7M2-Q9PX",
        "received_on": "4 ธันวาคม 2569",
        "outcome": (
            "เรื่องร้องเรียนมีมูลบางส่วน เนื่องจากพบว่าโรงเรียนได้จัดซื้อวัสดุการศึกษาโดยแบ่ง"
            "ซื้อเป็นหลายครั้งในระยะเวลาใกล้เคียงกัน ซึ่งไม่เป็นไปตามระเบียบกระทรวงการคลัง"
            "ว่าด้วยการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ. 2560"
        ),
        "result_summary": (
            "คณะกรรมการตรวจสอบข้อเท็จจริงได้ตรวจสอบเอกสารการจัดซื้อจัดจ้างของโรงเรียนย้อนหลัง"
            "หนึ่งปีงบประมาณ และสอบถามผู้เกี่ยวข้องจำนวน 6 ราย แล้วรายงานผลต่อผู้อำนวยการ"
            "สำนักงานเขตพื้นที่การศึกษา ซึ่งได้สั่งการให้ดำเนินการทางวินัยแก่ผู้เกี่ยวข้องตาม"
            "ระเบียบ ให้โรงเรียนปรับปรุงขั้นตอนการจัดซื้อจัดจ้างให้ถูกต้อง และให้หน่วยตรวจสอบ"
            "ภายในติดตามผลการปรับปรุงภายใน 90 วัน พร้อมทั้งจัดอบรมเจ้าหน้าที่พัสดุของโรงเรียน"
            "ในสังกัดทุกแห่งในภาคเรียนถัดไป"
        ),
    },
}

#: How the 1,000 cases spread (weights), roughly as an office's complaints do.
CHANNEL_WEIGHTS = {"letter": 5, "website": 4, "in_person": 1}
STATUS_WEIGHTS = {"completed": 5, "in_progress": 3, "not_considered": 1, "forwarded": 1}


class BenchError(RuntimeError):
    """A document came out wrong, or the set-up failed."""


@dataclass
class Timing:
    """Per-call milliseconds, with what the last call returned and whether every call
    returned the same thing."""

    samples: list[float]
    result: Any
    same_every_time: bool

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    def summary(self) -> dict[str, float]:
        ordered = sorted(self.samples)
        return {"p50": round(self.p50, 3), "p95": round(nearest_rank(ordered, 0.95), 3),
                "n": len(ordered)}


def _fingerprint(value: Any) -> Any:
    if isinstance(value, bytes | str):
        data = value.encode("utf-8") if isinstance(value, str) else value
        return hashlib.sha256(data).hexdigest()
    return value


def measure(fns: dict[str, Callable[[], Any]], repeat: int, budget_s: float,
            warm: bool = True, min_rounds: int = 3) -> dict[str, Timing]:
    """Up to ``repeat`` rounds, each calling every function once in turn, so a load that
    comes and goes on the machine falls on all of them alike. After ``min_rounds``, stops
    early when another round would likely overrun ``budget_s``."""
    prints: dict[str, set[Any]] = {name: set() for name in fns}
    results: dict[str, Any] = {}

    def seen(name: str, result: Any) -> None:
        results[name] = result
        prints[name].add(_fingerprint(result))

    samples = measure_rounds(fns, repeat, budget_s, min_rounds=min_rounds, warm=warm, seen=seen)
    return {name: Timing(samples[name], results[name], len(prints[name]) == 1)
            for name in fns}


def pdf_pages(content: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", content))


def check_pdf(name: str, content: bytes) -> int:
    pages = pdf_pages(content)
    if not content.startswith(b"%PDF-") or pages < 1:
        raise BenchError(f"{name}: not a PDF with pages ({len(content)} bytes)")
    return pages


# -------------------------------------------------------------------------- letters


def letter_texts(office: OfficeIdentity, letter: FilledLetter) -> list[str]:
    """What the letter prints, in order, as plain lines and paragraphs."""
    texts = [f"ที่ {office.letter_prefix}/{LETTER_NUMBER}", office.name, office.address,
             format_thai_date(ISSUED_ON), f"เรื่อง {letter.subject}",
             f"เรียน {letter.recipient}"]
    if letter.reference:
        texts.append(f"อ้างถึง {letter.reference}")
    texts += [f"อ้างถึง {REFERENCE}", *(f"สิ่งที่ส่งมาด้วย {e}" for e in ENCLOSURES)]
    texts += letter.paragraphs
    texts += [letter.closing, *SIGNER.lines(), letter.contact_unit, f"โทร. {office.phone}"]
    if office.fax:
        texts.append(f"โทรสาร {office.fax}")
    if office.email:
        texts.append(f"ไปรษณีย์อิเล็กทรอนิกส์ {office.email}")
    return texts


def bare_page(texts: list[str], *, bold: bool = False, shaping: bool = False) -> bytes:
    """The baseline: fpdf2, A4, Laksaman 16 pt, multi_cell per text; no word breaks. With
    ``bold`` the bold face is registered too (and so embedded); with ``shaping``, HarfBuzz
    shapes the Thai as ThaiDocument does."""
    fonts = find_thai_fonts()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font(FAMILY, "", str(fonts.regular))
    if bold:
        pdf.add_font(FAMILY, "B", str(fonts.bold))
    if shaping:
        pdf.set_text_shaping(True)
        pdf.set_lang("th")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_creation_date(datetime.combine(ISSUED_ON, datetime.min.time(), tzinfo=BANGKOK))
    pdf.add_page()
    pdf.set_font(FAMILY, "", BODY_PT)
    for text in texts:
        pdf.multi_cell(0, LINE_MM, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def bench_letters(office: OfficeIdentity, repeat: int, budget_s: float
                  ) -> tuple[dict[str, Any], dict[str, Any], dict[str, bool]]:
    results: dict[str, Any] = {}
    same: dict[str, bool] = {}
    breakdown: dict[str, Any] = {}
    for kind, fields in LETTER_FIELDS.items():
        letter = fill_letter(office, kind, fields, processes_dir=PROCESSES_DIR)
        texts = letter_texts(office, letter)

        def render(kind: str = kind, fields: dict[str, str] = fields) -> bytes:
            return render_letter(office, kind, fields, issued_on=ISSUED_ON,
                                 letter_number=LETTER_NUMBER, processes_dir=PROCESSES_DIR,
                                 **LETTER_PARTS)

        variants: dict[str, Callable[[], Any]] = {
            "letter": render, "baseline": lambda texts=texts: bare_page(texts)}
        if not breakdown:  # the first kind only: the steps from the baseline to the letter
            variants["bold"] = lambda texts=texts: bare_page(texts, bold=True)
            variants["shaped"] = lambda texts=texts: bare_page(texts, bold=True, shaping=True)
        timings = measure(variants, repeat, budget_s)
        rendered, baseline = timings["letter"], timings["baseline"]
        pages = check_pdf(kind, rendered.result)
        check_pdf(f"{kind} baseline", baseline.result)
        results[kind] = {
            "ms": rendered.summary(),
            "baseline_ms": baseline.summary(),
            "ratio": sig3(rendered.p50 / baseline.p50),
            "bytes": len(rendered.result),
            "baseline_bytes": len(baseline.result),
            "pages": pages,
            "paragraphs": len(letter.paragraphs),
            "body_chars": sum(len(p) for p in letter.paragraphs),
        }
        same[kind] = rendered.same_every_time
        if not breakdown:
            breakdown = {"kind": kind,
                         "baseline": round(baseline.p50, 2),
                         "plus_bold_font_registered": round(timings["bold"].p50, 2),
                         "plus_text_shaping": round(timings["shaped"].p50, 2),
                         "letter": round(rendered.p50, 2)}
    return results, breakdown, same


# --------------------------------------------------------------------------- report


def complaint_types() -> dict[str, str]:
    """complaint_type code → Thai title, from the list the start form refers to."""
    raw = json.loads((PROCESSES_DIR / "lists" / "complaint_types.json")
                     .read_text(encoding="utf-8"))
    return {option["const"]: option["title"] for option in raw["oneOf"]}


def build_report(cases: int, seed: int = SEED) -> ComplaintReport:
    """A half-year with ``cases`` complaints spread over its months, channels, types and
    statuses, as complaint_report would return it (ordered by received date, then id)."""
    start, end = fiscal_half_bounds(FISCAL_YEAR, HALF)
    titles = complaint_types()
    rng = random.Random(seed)
    days = (end - start).days + 1
    received = sorted(start + timedelta(days=rng.randrange(days)) for _ in range(cases))
    channels, channel_w = zip(*CHANNEL_WEIGHTS.items(), strict=True)
    statuses, status_w = zip(*STATUS_WEIGHTS.items(), strict=True)
    report = ComplaintReport(FISCAL_YEAR, HALF, start, end, type_titles=titles)
    for number, on in enumerate(received, start=1):
        status = rng.choices(statuses, status_w)[0]
        # A case still in progress may not be screened yet; screened cases took 0–5 days.
        screened = status != "in_progress" or rng.random() < 0.7
        report.cases.append(CaseLine(
            instance_id=number, received_on=on,
            channel=rng.choices(channels, channel_w)[0],
            complaint_type=rng.choice(list(titles)), status=status,
            triage_working_days=rng.randint(0, 5) if screened else None,
        ))
    if set(STATUS_WEIGHTS) != set(BUCKETS):
        raise BenchError(f"status buckets changed: {BUCKETS}")
    if any(count == 0 for count in report.months.values()):
        raise BenchError(f"a month without cases: {report.months}")
    return report


def bench_report(office: OfficeIdentity, report: ComplaintReport, args: argparse.Namespace
                 ) -> tuple[dict[str, Any], dict[str, bool]]:
    # Warm the table and chart code on a small half first: a full PDF costs seconds.
    small = ComplaintReport(report.fiscal_year, report.half, report.start, report.end,
                            cases=report.cases[:30], type_titles=report.type_titles)
    report_pdf(small, office, created=REPORT_CREATED)

    pdf = measure({"pdf": lambda: report_pdf(report, office, created=REPORT_CREATED)},
                  args.pdf_repeat, args.pdf_budget, warm=False, min_rounds=1)["pdf"]
    timings = measure({
        "xlsx": lambda: report_xlsx(report, office, created=REPORT_CREATED),
        # As report_file writes it: UTF-8 with a byte-order mark.
        "csv": lambda: ("\ufeff" + report_csv(report)).encode("utf-8"),
    }, args.repeat, args.budget)
    xlsx, csv_ = timings["xlsx"], timings["csv"]

    pages = check_pdf("report PDF", pdf.result)
    if not xlsx.result.startswith(b"PK"):
        raise BenchError("report XLSX: not a zip file")
    rows = list(csv.reader(io.StringIO(csv_.result.decode("utf-8-sig"))))
    listed = sum(1 for row in rows if row and row[0].isdigit() and len(row) == 6)
    if listed != len(report.cases):
        raise BenchError(f"report CSV: {listed} case rows, expected {len(report.cases)}")

    def entry(timing: Timing, **extra: Any) -> dict[str, Any]:
        return {"ms": timing.summary(), "bytes": len(timing.result), **extra}

    return {
        "cases": len(report.cases),
        "months": len(report.months),
        "pdf": entry(pdf, pages=pages,
                     ms_per_case=round(pdf.p50 / len(report.cases), 3)),
        "xlsx": entry(xlsx),
        "csv": entry(csv_),
        "pdf_vs_csv": sig3(pdf.p50 / csv_.p50),
        "xlsx_vs_csv": sig3(xlsx.p50 / csv_.p50),
    }, {"report_pdf": pdf.same_every_time, "report_xlsx": xlsx.same_every_time,
        "report_csv": csv_.same_every_time}


# ------------------------------------------------------------------------ breakable

_THAI_RUN = re.compile(r"[\u0e01-\u0e5b]+")


def long_paragraph(office: OfficeIdentity, min_chars: int = 4_000) -> str:
    """The letters' paragraphs run together into one paragraph of at least min_chars."""
    pieces: list[str] = []
    for kind, fields in LETTER_FIELDS.items():
        pieces += fill_letter(office, kind, fields, processes_dir=PROCESSES_DIR).paragraphs
    text = " ".join(pieces)
    while len(text) < min_chars:
        text = f"{text} {' '.join(pieces)}"
    return text


def bench_breakable(office: OfficeIdentity, budget_s: float) -> dict[str, Any]:
    text = long_paragraph(office)
    broken = breakable(text)
    if broken.replace(ZWSP, "").replace(NBSP, " ") != text:
        raise BenchError("breakable() changed the text, not only the break opportunities")
    breaks = broken.count(ZWSP)
    if breaks < len(text) // 40:
        raise BenchError(f"breakable() found only {breaks} breaks in {len(text)} characters")
    # Enough calls per measurement to fill the budget (each call is ~ms).
    started = time.perf_counter()
    breakable(text)
    one_s = max(time.perf_counter() - started, 1e-6)
    repeat = max(5, int(budget_s / one_s))
    timings = measure({"breakable": lambda: breakable(text),
                       "scan": lambda: _THAI_RUN.sub(lambda m: m.group(0), text)},
                      repeat, budget_s)
    timed, scan = timings["breakable"], timings["scan"]
    libthai = thai_wrap._libthai() is not None  # the module's own choice of breaker
    return {
        "chars": len(text),
        "breaks": breaks,
        "word_breaker": "libthai" if libthai else "clusters",
        "ms": timed.summary(),
        "chars_per_s": sig3(len(text) / (timed.p50 / 1000)),
        "baseline_regex_scan_chars_per_s": sig3(len(text) / (scan.p50 / 1000)),
        "ratio": sig3(timed.p50 / scan.p50),
    }


# ----------------------------------------------------------------------------- main


def profile(office: OfficeIdentity, report: ComplaintReport) -> None:
    kind, fields = next(iter(LETTER_FIELDS.items()))
    jobs: list[tuple[str, Callable[[], Any]]] = [
        (f"render_letter({kind})",
         lambda: render_letter(office, kind, fields, issued_on=ISSUED_ON,
                               letter_number=LETTER_NUMBER, processes_dir=PROCESSES_DIR,
                               **LETTER_PARTS)),
        (f"report_pdf({len(report.cases)} cases)",
         lambda: report_pdf(report, office, created=REPORT_CREATED)),
    ]
    for label, job in jobs:
        profiler = cProfile.Profile()
        profiler.runcall(job)
        out = io.StringIO()
        out.write(f"=== {label}: top 25 by cumulative time ===\n")
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue(), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions (~10–15 s): 3 per letter, 1 report PDF")
    parser.add_argument("--cases", type=int, default=CASES,
                        help=f"cases in the half-year report (default {CASES:,})")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile one letter and one report PDF (stderr)")
    args = parser.parse_args(argv)
    if args.cases < 1:
        parser.error("--cases must be ≥ 1")
    # Repetitions and per-measurement time budgets (s).
    if args.quick:
        args.repeat, args.budget, args.pdf_repeat, args.pdf_budget = 3, 2.0, 1, 0.0
        breakable_budget = 0.3
    else:
        args.repeat, args.budget, args.pdf_repeat, args.pdf_budget = 20, 10.0, 3, 25.0
        breakable_budget = 1.0

    began = time.perf_counter()
    try:
        office = load_office(Settings(processes_dir=PROCESSES_DIR))
        report = build_report(args.cases)
        letters, breakdown, same = bench_letters(office, args.repeat, args.budget)
        reports, same_reports = bench_report(office, report, args)
        words = bench_breakable(office, breakable_budget)
    except BenchError as exc:
        print(f"documents_bench: FAILED: {exc}", file=sys.stderr)
        return 1
    total_s = time.perf_counter() - began
    if args.profile:
        profile(office, report)

    log = sys.stderr
    print(f"letters ({'quick' if args.quick else 'full'} run):", file=log)
    for kind, r in letters.items():
        print(f"  {kind:<22} p50 {r['ms']['p50']:7.1f} ms  p95 {r['ms']['p95']:7.1f} ms  "
              f"{r['bytes']:,} B, {r['pages']} p.  | baseline p50 "
              f"{r['baseline_ms']['p50']:6.1f} ms  {r['baseline_bytes']:,} B  "
              f"| ratio {r['ratio']}×", file=log)
    print("  p50 from baseline to letter (" + breakdown["kind"] + "): " + " → ".join(
        f"{k} {v} ms" for k, v in breakdown.items() if k != "kind"), file=log)
    print(f"report, {reports['cases']:,} cases over {reports['months']} months:", file=log)
    for fmt in ("pdf", "xlsx", "csv"):
        r = reports[fmt]
        print(f"  {fmt:<5} p50 {r['ms']['p50']:9.1f} ms  p95 {r['ms']['p95']:9.1f} ms  "
              f"(n={r['ms']['n']})  {r['bytes']:,} B", file=log)
    print(f"  pdf {reports['pdf_vs_csv']}× csv, xlsx {reports['xlsx_vs_csv']}× csv; pdf "
          f"{reports['pdf']['pages']} pages", file=log)
    print(f"breakable ({words['word_breaker']}): {words['chars']:,} chars, {words['breaks']} "
          f"breaks, {words['chars_per_s']:,.0f} chars/s (regex scan alone "
          f"{words['baseline_regex_scan_chars_per_s']:,.0f} chars/s)", file=log)
    print(f"total {total_s:.1f} s", file=log)

    print(json.dumps({
        "quick": args.quick,
        "letters": letters,
        "letter_breakdown_p50_ms": breakdown,
        "report": reports,
        "breakable": words,
        "deterministic": {**same, **same_reports},
        "total_s": round(total_s, 1),
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
