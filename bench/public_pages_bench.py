"""How fast the public information pages (/public) answer with 5,000 publications.

Fills a fresh SQLite database (the embedded default) with N publications made in bulk,
spread unevenly over the categories the publishing request form lists (procurement
notices and news are busy, the office-profile categories hold a handful), with Thai
titles and details, mostly "published", some "superseded" (each pointing to the newer
item in its place) and some "withdrawn"; every fourth item has a file. Then times,
through the Flask test client (no sign-in, as the public sees them):

* ``index``: ``GET /public``, the categories with their counts of published items;
* ``category``: ``GET /public/<busiest category>``, its first page (20 items);
* ``search``: ``GET /public/<busiest>?q=<word>`` for a word in about one item in eight;
* ``search_miss``: the same with a word in no item (the whole category is read);
* ``feed``: ``GET /public/<busiest>/feed.atom`` (50 entries);
* ``item``: ``GET /public/items/<id>``, a published item with a file;
* ``baseline_sql``: the 20 newest published items of the busiest category as plain SQL
  on ``sqlite3`` (no ORM, no rendering), the floor every page is compared with;
* ``search_sql``: the search's count and first page as plain SQL (where search time goes);
* ``feed_changes_sql``: the feed's "when did this category last change" query as plain SQL;
* ``service_*``: the engine's side of some pages alone (no Flask, no template).

Each round calls every measurement once in turn, so a load that comes and goes on the
machine falls on all of them alike; rounds stop at ``--repeat`` or at the time budget.
The SQLite query plans of the pages' queries are reported too (``query_plans``). Last,
an index covering the feed's last-change query (``CANDIDATE``) is added to the temporary
database and the pages it could change are timed again (``with_candidate_index``); the
project's schema is not touched.

Usage: ``.venv/bin/python bench/public_pages_bench.py [-n 5000] [--quick]``
(~15 s with ``--quick``, ~60 s without). Stdout gets exactly one JSON line; the readable
summary goes to stderr. Exits 1 when a page does not answer as expected.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from timing import measure_rounds, nearest_rank

from engine.core.config import REPO_ROOT, Settings
from engine.core.models import (
    Attachment,
    ProcessInstance,
    ProcessVersion,
    Publication,
    PublicationFile,
)
from engine.core.schema import upgrade
from engine.services.admin.processes import deploy
from engine.services.publishing import website as public_info
from engine.services.publishing.requests import choices
from engine.workflow.runtime import Runtime

N = 5_000
SEED = 2026
#: The first item is published here; the rest follow over about three years.
FIRST_PUBLISHED = datetime(2023, 10, 2, 2, 30, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)
#: Share of each category (the rest is shared evenly by the others): procurement notices
#: and their results dominate a Thai office's public pages, then news.
WEIGHTS = {"1.3.6": 30.0, "1.3.7": 20.0, "1.3.1": 12.0, "1.3.2": 8.0, "1.3.3": 5.0,
           "1.3.5": 4.0, "1.2": 4.0, "1.3.4": 2.0, "1.3.8": 2.0, "1.4": 2.0}
SUPERSEDED_SHARE = 0.08
WITHDRAWN_SHARE = 0.04
FILE_EVERY = 4
#: An index tried at the end of the run, on the temporary database only: it covers the
#: feed's "when did this category last change" query, which no index serves (the listing
#: index leads with status, the query filters on category alone).
CANDIDATE = ("ix_bench_publication_changes",
             "category, published_at, superseded_at, withdrawn_at")
#: In about one procurement item in eight (the goods are drawn from eight).
SEARCH_WORD = "ครุภัณฑ์คอมพิวเตอร์"
SEARCH_MISS = "เรือดำน้ำ"

OFFICE = "สำนักงานคณะกรรมการพัฒนาระบบราชการจังหวัด"
UNITS = ("กลุ่มบริหารทั่วไป", "กลุ่มนิติการ", "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร",
         "กลุ่มยุทธศาสตร์และแผนงาน", "กลุ่มการเงินและบัญชี", "กลุ่มพัสดุ")
GOODS = ("ครุภัณฑ์คอมพิวเตอร์", "วัสดุสำนักงาน", "รถยนต์ส่วนกลาง ขนาด 1 ตัน",
         "เครื่องปรับอากาศแบบแยกส่วน", "ระบบกล้องโทรทัศน์วงจรปิด", "โต๊ะและเก้าอี้สำนักงาน",
         "จ้างเหมาทำความสะอาดอาคาร", "จ้างซ่อมแซมหลังคาอาคารสำนักงาน")
ACTIVITIES = ("วันต่อต้านคอร์รัปชันสากล", "ปลูกต้นไม้เฉลิมพระเกียรติ",
              "อบรมการใช้งานระบบสารบรรณอิเล็กทรอนิกส์", "ประชุมชี้แจงแนวทางการประเมิน ITA",
              "บริจาคโลหิตเพื่อสภากาชาดไทย", "จิตอาสาพัฒนาชุมชน", "สัมมนาธรรมาภิบาลในองค์กร")
POSITIONS = ("นักวิเคราะห์นโยบายและแผน", "นักวิชาการคอมพิวเตอร์", "นิติกร",
             "เจ้าพนักงานธุรการ", "นักจัดการงานทั่วไป")
SENTENCES = (
    "ผู้สนใจสามารถดูรายละเอียดและดาวน์โหลดเอกสารได้ทางเว็บไซต์ของหน่วยงาน",
    "สอบถามรายละเอียดเพิ่มเติมได้ที่{unit} ในวันและเวลาราชการ",
    "ทั้งนี้ หน่วยงานขอสงวนสิทธิ์ในการเปลี่ยนแปลงรายละเอียดโดยไม่ต้องแจ้งให้ทราบล่วงหน้า",
    "ข้อมูลนี้เผยแพร่ตามมาตรา 7 และมาตรา 9 แห่งพระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. 2540",
    "การดำเนินการเป็นไปตามระเบียบกระทรวงการคลังว่าด้วยการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ",
    "เพื่อให้การปฏิบัติราชการเป็นไปอย่างโปร่งใส ตรวจสอบได้ และเกิดประโยชน์สูงสุดต่อประชาชน",
)


class BenchError(RuntimeError):
    """A page did not answer as expected, or set-up failed."""


# --------------------------------------------------------------------------- fixtures


def thai_year(moment: datetime) -> int:
    return moment.year + 543


def text_for(code: str, title: str, rng: random.Random, k: int, when: datetime
             ) -> tuple[str, str]:
    """A title and details in the manner of the category."""
    unit = rng.choice(UNITS)
    year = thai_year(when)
    money = f"{rng.randrange(50, 5000) * 1000:,}"
    if code in ("1.3.6", "1.3.7"):
        goods = rng.choice(GOODS)
        title_text = (f"ประกาศ{OFFICE} เรื่อง ประกวดราคาซื้อ{goods} ด้วยวิธีประกวดราคา"
                      f"อิเล็กทรอนิกส์ (e-bidding) ครั้งที่ {k}/{year}" if code == "1.3.6" else
                      f"ประกาศผลผู้ชนะการเสนอราคา{goods} โดยวิธีเฉพาะเจาะจง "
                      f"เลขที่ {k}/{year}")
        lead = (f"ด้วย{OFFICE} มีความประสงค์จะจัดหา{goods} จำนวน {rng.randrange(1, 60)} "
                f"รายการ วงเงินงบประมาณ {money} บาท (รวมภาษีมูลค่าเพิ่ม) จากงบประมาณรายจ่าย"
                f"ประจำปีงบประมาณ พ.ศ. {year}")
    elif code == "1.3.5":
        position = rng.choice(POSITIONS)
        title_text = (f"ประกาศรับสมัครบุคคลเพื่อสรรหาและเลือกสรรเป็นพนักงานราชการทั่วไป "
                      f"ตำแหน่ง{position} ครั้งที่ {k}/{year}")
        lead = (f"รับสมัครตำแหน่ง{position} จำนวน {rng.randrange(1, 5)} อัตรา ค่าตอบแทนเดือนละ "
                f"{rng.choice(('18,000', '21,000', '15,000'))} บาท ผู้สนใจสมัครได้ตั้งแต่วันที่ "
                f"{rng.randrange(1, 28)} ถึงวันที่ {rng.randrange(1, 28)} ของเดือนถัดไป")
    elif code.startswith("1.3"):
        activity = rng.choice(ACTIVITIES)
        title_text = f"{OFFICE}จัดกิจกรรม{activity} ประจำปี {year} (ครั้งที่ {k})"
        lead = (f"ผู้บริหารและเจ้าหน้าที่{OFFICE}ร่วมกิจกรรม{activity} ณ ห้องประชุมชั้น "
                f"{rng.randrange(1, 9)} มีผู้เข้าร่วมกว่า {rng.randrange(20, 300)} คน")
    else:
        subject = title.split(" ", 1)[-1]
        title_text = f"{subject} ประจำปีงบประมาณ พ.ศ. {year} (ฉบับที่ {k})"
        lead = (f"{unit}เผยแพร่{subject} เพื่อให้ประชาชนและผู้มีส่วนได้ส่วนเสียเข้าถึงข้อมูล"
                f"ของหน่วยงานได้โดยสะดวก")
    rest = rng.sample(SENTENCES, rng.randrange(2, 5))
    details = " ".join([lead, *(s.format(unit=unit) for s in rest)])
    return title_text[:300], details


def fill(rt: Runtime, n: int, seed: int = SEED) -> dict[str, Any]:
    """Insert ``n`` publications (their cases, some files) in bulk; set-up, not measured.
    Returns what the checks need: the busiest category, expected counts, an item id."""
    rng = random.Random(seed)
    with rt.db.write() as session:
        version = session.execute(
            select(ProcessVersion.id, ProcessVersion.process_key)
            .where(ProcessVersion.is_current.is_(True),
                   ProcessVersion.process_key == "publishing")).one()
        definition = rt.definitions.by_id(session, version.id)
        categories = choices(definition.start_form, "category")
        codes = list(categories)
        spare = max(0.0, 100.0 - sum(WEIGHTS.get(c, 0.0) for c in codes))
        others = [c for c in codes if c not in WEIGHTS]
        weights = [WEIGHTS.get(c, spare / max(len(others), 1)) for c in codes]
        conn = session.connection()
        step = SPAN / n
        instances, rows = [], []
        serial: Counter[str] = Counter()
        for i in range(n):
            code = rng.choices(codes, weights)[0]
            serial[code] += 1
            when = FIRST_PUBLISHED + step * i + timedelta(minutes=rng.randrange(0, 600))
            title, details = text_for(code, categories[code], rng, serial[code], when)
            instances.append({
                "id": i + 1, "process_key": "publishing", "version_id": version.id,
                "status": "completed", "title": title, "revision": 1,
                "serializer_version": "1.5", "state": "", "created_at": when - timedelta(days=5),
                "updated_at": when, "ended_at": when, "received_on": (when - timedelta(days=5))
                .date(),
            })
            rows.append({
                "id": i + 1, "instance_id": i + 1, "status": "published", "category": code,
                "title": title, "details": details,
                "external_link": f"https://www.example.go.th/news/{i + 1}" if i % 3 == 0 else "",
                "legal_basis": "oia_s9" if code.startswith("1.3") else "oia_s7",
                "legal_basis_title": "มาตรา 9 พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. 2540"
                if code.startswith("1.3") else "มาตรา 7 พ.ร.บ.ข้อมูลข่าวสารของราชการ พ.ศ. 2540",
                "unit_id": None, "unit_name": rng.choice(UNITS),
                "source_owner": "หัวหน้ากลุ่มบริหารทั่วไป", "note": "ตรวจสอบแล้ว",
                "published_at": when, "published_by_id": None, "published_by": "webadmin",
                "published_by_display": "ผู้ดูแลเว็บไซต์", "replaces_id": None,
            })
        conn.execute(insert(ProcessInstance.__table__), instances)
        conn.execute(insert(Publication.__table__), rows)
        # A superseded item points to the next item of its category, which replaces it.
        last_in: dict[str, int] = {}
        replaced: list[dict[str, Any]] = []
        withdrawn: list[dict[str, Any]] = []
        for row in reversed(rows):
            newer = last_in.get(row["category"])
            last_in[row["category"]] = row["id"]
            roll = rng.random()
            if newer is not None and roll < SUPERSEDED_SHARE \
                    and rows[newer - 1]["replaces_id"] is None:
                row["status"] = "superseded"
                rows[newer - 1]["replaces_id"] = row["id"]
                replaced.append({"b_id": row["id"], "b_by": newer,
                                 "b_at": rows[newer - 1]["published_at"]})
            elif roll < SUPERSEDED_SHARE + WITHDRAWN_SHARE:
                row["status"] = "withdrawn"
                withdrawn.append({"b_id": row["id"],
                                  "b_at": row["published_at"] + timedelta(days=3)})
        table = Publication.__table__
        conn.execute(update(table).where(table.c.id == bindparam("b_id")).values(
            status="superseded", superseded_by_id=bindparam("b_by"),
            superseded_at=bindparam("b_at")), replaced)
        conn.execute(update(table).where(table.c.id == bindparam("b_new")).values(
            replaces_id=bindparam("b_old")),
            [{"b_new": r["b_by"], "b_old": r["b_id"]} for r in replaced])
        conn.execute(update(table).where(table.c.id == bindparam("b_id")).values(
            status="withdrawn", withdrawn_at=bindparam("b_at"), withdrawn_by="webadmin",
            withdrawn_by_display="ผู้ดูแลเว็บไซต์",
            withdrawn_reason="ข้อมูลคลาดเคลื่อน หน่วยงานเจ้าของข้อมูลขอถอน"), withdrawn)
        files = [{
            "id": i + 1, "instance_id": r["id"], "filename": f"ประกาศ-{r['id']}.pdf",
            "content_type": "application/pdf", "size": 180_000 + 37 * i,
            "sha256": uuid.uuid4().hex * 2, "stored_name": uuid.uuid4().hex, "sealed": False,
            "kind": "file", "uploaded_by_id": None, "uploaded_by": "staff",
            "at": r["published_at"] - timedelta(days=5),
        } for i, r in enumerate(rows[::FILE_EVERY])]
        conn.execute(insert(Attachment.__table__), files)
        conn.execute(insert(PublicationFile.__table__), [
            {"id": f["id"], "publication_id": f["instance_id"], "attachment_id": f["id"]}
            for f in files])
    published = [r for r in rows if r["status"] == "published"]
    per_category = Counter(r["category"] for r in published)
    busiest = per_category.most_common(1)[0][0]
    in_busiest = [r for r in published if r["category"] == busiest]
    with_file = next(r["id"] for r in reversed(in_busiest) if (r["id"] - 1) % FILE_EVERY == 0)
    return {
        "busiest": busiest,
        "categories": len(codes),
        "statuses": dict(Counter(r["status"] for r in rows)),
        "published_in_busiest": len(in_busiest),
        "all_in_busiest": sum(1 for r in rows if r["category"] == busiest),
        "search_hits": sum(1 for r in in_busiest
                           if SEARCH_WORD in r["title"] or SEARCH_WORD in r["details"]),
        "published_total": len(published),
        "item_id": with_file,
    }


# --------------------------------------------------------------------------- measuring


def measure(fns: dict[str, Callable[[], Any]], repeat: int, budget_s: float,
            min_rounds: int = 5) -> dict[str, dict[str, float]]:
    """Up to ``repeat`` rounds, each calling every function once in turn; after
    ``min_rounds``, stops when another round would likely overrun ``budget_s``."""
    samples = measure_rounds(fns, repeat, budget_s, min_rounds=min_rounds)
    out = {}
    for name, values in samples.items():
        values.sort()
        out[name] = {"p50_ms": round(statistics.median(values), 3),
                     "p95_ms": round(nearest_rank(values, 0.95), 3), "n": len(values)}
    return out


LIST_SQL = ("SELECT * FROM publication WHERE status = 'published' AND category = ? "
            "ORDER BY published_at DESC, id DESC LIMIT 20")
SEARCH_WHERE = ("status = 'published' AND category = ? AND (lower(title) LIKE ? ESCAPE '/' "
                "OR lower(details) LIKE ? ESCAPE '/')")
#: The queries the pages send (as the ORM writes them, give or take column lists), for
#: their SQLite plans.
PLANS = {
    "category_list": (LIST_SQL, ("c",)),
    "category_count": ("SELECT count(*) FROM publication WHERE status = 'published' "
                       "AND category = ?", ("c",)),
    "search_count": (f"SELECT count(*) FROM publication WHERE {SEARCH_WHERE}",
                     ("c", "%w%", "%w%")),
    "index_counts": ("SELECT category, count(*) FROM publication WHERE status = 'published' "
                     "GROUP BY category", ()),
    "used_categories": ("SELECT DISTINCT category FROM publication "
                        "WHERE status = 'published'", ()),
    "feed_changes": ("SELECT max(published_at), max(superseded_at), max(withdrawn_at) "
                     "FROM publication WHERE category = ?", ("c",)),
}


def query_plans(path: Path) -> dict[str, str]:
    connection = sqlite3.connect(path)
    try:
        return {name: "; ".join(row[3] for row in connection.execute(
                    f"EXPLAIN QUERY PLAN {sql}", params))
                for name, (sql, params) in PLANS.items()}
    finally:
        connection.close()


def sql_timers(path: Path, code: str) -> tuple[dict[str, Callable[[], Any]], sqlite3.Connection]:
    connection = sqlite3.connect(path)
    pattern = f"%{SEARCH_WORD}%"

    def baseline() -> Any:
        rows = connection.execute(LIST_SQL, (code,)).fetchall()
        if len(rows) != 20:
            raise BenchError(f"baseline found {len(rows)} rows")
        return rows

    def search() -> Any:
        connection.execute(f"SELECT count(*) FROM publication WHERE {SEARCH_WHERE}",
                           (code, pattern, pattern)).fetchone()
        return connection.execute(
            f"SELECT * FROM publication WHERE {SEARCH_WHERE} "
            "ORDER BY published_at DESC, id DESC LIMIT 20", (code, pattern, pattern)).fetchall()

    def feed_changes() -> Any:
        sql, _ = PLANS["feed_changes"]
        return connection.execute(sql, (code,)).fetchone()

    return {"baseline_sql": baseline, "search_sql": search,
            "feed_changes_sql": feed_changes}, connection


def page_timers(rt: Runtime, facts: dict[str, Any]) -> tuple[dict[str, Callable[[], Any]],
                                                               dict[str, int]]:
    """The pages, each checked once; returns the timers and the response sizes (bytes)."""
    from webui import create_app

    app = create_app(runtime=rt)
    app.config.update(TESTING=True, RATELIMIT_ENABLED=False)
    client = app.test_client()
    code = facts["busiest"]
    urls = {
        "index": "/public",
        "category": f"/public/{code}",
        "search": f"/public/{code}?q={SEARCH_WORD}",
        "search_miss": f"/public/{code}?q={SEARCH_MISS}",
        "feed": f"/public/{code}/feed.atom",
        "item": f"/public/items/{facts['item_id']}",
    }
    sizes: dict[str, int] = {}
    fns: dict[str, Callable[[], Any]] = {}
    for name, url in urls.items():
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code}")
        body = response.get_data()
        sizes[name] = len(body)
        check(name, body.decode("utf-8"), facts)

        def run(url: str = url) -> Any:
            response = client.get(url)
            if response.status_code != 200:
                raise BenchError(f"{url} answered {response.status_code}")
            return response.get_data()

        fns[name] = run
    return fns, sizes


def check(name: str, body: str, facts: dict[str, Any]) -> None:
    """Each page shows what the fixtures say it should."""
    wanted = {
        "index": f"ทั้งหมด {facts['published_total']} รายการ",
        "category": str(facts["published_in_busiest"]),
        "search": str(facts["search_hits"]),
        "search_miss": SEARCH_MISS,
        "item": f"ประกาศ-{facts['item_id']}.pdf",
    }.get(name)
    if name == "feed":
        entries = body.count("<entry>")
        if entries != min(public_info.FEED_SIZE, facts["published_in_busiest"]):
            raise BenchError(f"the feed has {entries} entries")
    elif wanted is not None and wanted not in body:
        raise BenchError(f"the {name} page does not show {wanted!r}")
    if name == "category" and body.count('<a href="/public/items/') != public_info.PAGE_SIZE:
        raise BenchError("the category page does not list a full first page")


def with_candidate_index(path: Path, fns: dict[str, Callable[[], Any]], repeat: int,
                         budget_s: float) -> dict[str, Any]:
    """:data:`CANDIDATE` added to this temporary database only: the plans that use it and
    the timings of the pages it could change."""
    connection = sqlite3.connect(path)
    try:
        connection.execute(f"CREATE INDEX {CANDIDATE[0]} ON publication ({CANDIDATE[1]})")
        connection.commit()
    finally:
        connection.close()
    plans = query_plans(path)
    return {"index": f"{CANDIDATE[0]} ON publication ({CANDIDATE[1]})",
            "query_plans": {k: v for k, v in plans.items() if CANDIDATE[0] in v},
            "timings": measure(fns, repeat, budget_s)}


def service_timers(rt: Runtime, facts: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """The engine's side of the busiest pages alone (ORM, no Flask, no template)."""
    code = facts["busiest"]
    return {
        "service_index": lambda: public_info.index(rt),
        "service_category": lambda: public_info.category(rt, code),
        "service_search": lambda: public_info.category(rt, code, q=SEARCH_WORD),
        "service_feed": lambda: public_info.feed(rt, code),
    }


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=N, help=f"publications (default {N:,})")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (~15 s)")
    args = parser.parse_args(argv)
    if args.n < 200:
        parser.error("-n must be ≥ 200 (the busiest category needs a full feed)")
    repeat, budget = (80, 9.0) if args.quick else (400, 44.0)
    began = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="govflow-public-") as tmp:
            settings = Settings(instance_dir=Path(tmp), processes_dir=REPO_ROOT / "processes")
            rt = Runtime(settings)
            try:
                upgrade(rt.db)
                deploy(rt)
                filled = time.perf_counter()
                facts = fill(rt, args.n)
                fill_s = time.perf_counter() - filled
                db_path = Path(tmp) / "govflow.db"
                plans = query_plans(db_path)
                sql, connection = sql_timers(db_path, facts["busiest"])
                pages, sizes = page_timers(rt, facts)
                services = service_timers(rt, facts)
                try:
                    timings = measure({**sql, **pages, **services}, repeat, budget)
                    again = ("baseline_sql", "feed_changes_sql", "index", "category", "feed",
                             "service_feed")
                    fns = {**sql, **pages, **services}
                    candidate = with_candidate_index(db_path, {k: fns[k] for k in again},
                                                     repeat, budget / 8)
                finally:
                    connection.close()
            finally:
                rt.close()
    except BenchError as exc:
        print(f"public_pages_bench: FAILED: {exc}", file=sys.stderr)
        return 1
    total_s = time.perf_counter() - began
    floor = max(timings["baseline_sql"]["p50_ms"], 0.001)
    ratios = {name: round(timings[name]["p50_ms"] / floor, 1)
              for name in timings if name != "baseline_sql"}

    log = sys.stderr
    print(f"public pages, {args.n:,} publications ({facts['statuses']}), busiest category "
          f"{facts['busiest']}: {facts['published_in_busiest']:,} published of "
          f"{facts['all_in_busiest']:,}; '{SEARCH_WORD}' in {facts['search_hits']}; "
          f"filled in {fill_s:.1f} s", file=log)
    for name, t in timings.items():
        size = f"{sizes[name]:>8,} B" if name in sizes else " " * 10
        ratio = f"{ratios[name]:>7}× baseline" if name in ratios else ""
        print(f"  {name:<17} p50 {t['p50_ms']:8.2f} ms  p95 {t['p95_ms']:8.2f} ms  "
              f"(n={t['n']})  {size}  {ratio}", file=log)
    for name, plan in plans.items():
        print(f"  plan {name:<16} {plan}", file=log)
    print(f"with {candidate['index']} added:", file=log)
    for name, t in candidate["timings"].items():
        print(f"  {name:<17} p50 {t['p50_ms']:8.2f} ms  p95 {t['p95_ms']:8.2f} ms  "
              f"(was p50 {timings[name]['p50_ms']:.2f} ms)", file=log)
    for name, plan in candidate["query_plans"].items():
        print(f"  plan {name:<16} {plan}", file=log)
    print(f"total {total_s:.1f} s", file=log)

    print(json.dumps({
        "quick": args.quick,
        "n_publications": args.n,
        "statuses": facts["statuses"],
        "categories": facts["categories"],
        "busiest_category": facts["busiest"],
        "published_in_busiest": facts["published_in_busiest"],
        "search_word": SEARCH_WORD,
        "search_hits": facts["search_hits"],
        "fill_s": round(fill_s, 2),
        "timings": timings,
        "vs_baseline_p50": ratios,
        "bytes": sizes,
        "query_plans": plans,
        "with_candidate_index": candidate,
        "total_s": round(total_s, 1),
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
