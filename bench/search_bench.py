"""How fast the case search answers with 10,000 cases.

Fills a fresh database (SQLite by default; ``--database-url`` for PostgreSQL) in bulk with
N cases: half complaints, each with encrypted names in the blind index and one in three
with a website tracking code; half publishing requests. Titles are Thai phrases with no
spaces inside words, as people write them. Then times, in interleaved rounds
(bench/timing.py), the service a search page calls, as the Director (who sees every case)
or, for names, a legal officer:

* ``by_code``: a tracking code (unique index);
* ``by_subject``: a fragment from inside a Thai word of the subject (trigram index:
  FTS5 ``trigram`` on SQLite, ``pg_trgm`` on PostgreSQL) found in one case in eight, and
  ``by_subject_rare`` one found in a single case;
* ``by_name``: a fragment of an accused person's name (blind index; the privacy-log
  entry and the reads of the page's rows are written each time, as in real use);
* ``baseline``: a plain indexed query on the same data, the same tracking-code lookup in
  bare SQL with no scope, no ORM and no views: the floor;
* ``subject_scan`` and ``subject_scan_rare``: the two fragments as a plain
  ``LIKE '%…%'`` over every title in bare SQL, what reading the titles costs without the
  trigram index (and without scope, count, order or views).

Usage: ``.venv/bin/python bench/search_bench.py [-n 10000] [--repeat 30]
[--database-url postgresql+psycopg://…]``. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from engine.core.actors import Actor
from engine.core.config import Settings
from engine.core.models import PersonalNameTerm, ProcessInstance, ProcessVersion, TrackingCode
from engine.core.name_index import name_hashes
from engine.core.schema import upgrade
from engine.services.admin.processes import deploy
from engine.services.admin.users import add_user
from engine.services.search.cases import search_cases
from engine.services.search.filters import CaseFilters
from engine.workflow.runtime import Runtime

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import measure_rounds, nearest_rank, sig3  # noqa: E402

WHAT = ("ร้องเรียนการจัดซื้อ", "ขอเผยแพร่ประกาศ", "แจ้งเบาะแสการเบิกจ่าย", "รายงานผลการจัดจ้าง",
        "ร้องเรียนการใช้รถราชการ", "ขอเผยแพร่แผนปฏิบัติการ")
THINGS = ("ครุภัณฑ์คอมพิวเตอร์", "อาหารกลางวันนักเรียน", "วัสดุการศึกษา", "ซ่อมแซมอาคารเรียน",
          "ค่าตอบแทนครูอัตราจ้าง", "งบประมาณโครงการ", "ชุดนักเรียน", "หนังสือเรียน")
WHERE = ("โรงเรียนบ้านหนองบัว", "โรงเรียนวัดป่าสัก", "โรงเรียนบ้านโคกกลาง", "โรงเรียนอนุบาลเมือง",
         "กลุ่มนโยบายและแผน", "กลุ่มบริหารงานบุคคล")
FIRST = ("สมชาย", "สมศรี", "ประเสริฐ", "วันเพ็ญ", "บุญเรือน", "ณัฐพล", "กาญจนา", "ธีรวัฒน์",
         "พิมพ์ชนก", "อนุชา", "สุภาพร", "วิชัย")
LAST = ("ใจดี", "ศรีสวัสดิ์", "บุญมา", "ทองคำ", "แก้วประเสริฐ", "มั่นคง", "สุขเจริญ", "พรหมมา",
        "รัตนวงศ์", "ชัยมงคล", "อินทร์แก้ว", "วงศ์ไทย")
SUBJECT_FRAGMENT = "ภัณฑ์คอม"  # from inside ครุภัณฑ์คอมพิวเตอร์: about one case in eight
RARE_FRAGMENT = "งที่ 4321"  # from "ครั้งที่ 4321": one case
SEARCHED_SURNAME = "มัธยัสถ์"  # given to a few accused only
SCAN = "SELECT id FROM process_instance WHERE (title || '') LIKE :pattern"


def _title(rng: random.Random, i: int) -> str:
    return f"{rng.choice(WHAT)}{rng.choice(THINGS)}{rng.choice(WHERE)} ครั้งที่ {i}"


def _accused(rng: random.Random, i: int) -> str:
    last = SEARCHED_SURNAME + "ยิ่ง" if i % 997 == 0 else rng.choice(LAST)
    return f"นาย{rng.choice(FIRST)} {last}"


def fill(rt: Runtime, n: int, seed: int = 15) -> list[str]:
    """Insert ``n`` cases in bulk (set-up, not measured); return the tracking codes."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    codes: list[str] = []
    with rt.db.write() as session:
        versions = dict(session.execute(
            select(ProcessVersion.process_key, ProcessVersion.id)
            .where(ProcessVersion.is_current.is_(True))).tuples().all())
        cases, terms, tracking = [], [], []
        for i in range(1, n + 1):
            key = "complaint" if i % 2 else "publishing"
            personal = ({"accused_name": _accused(rng, i),
                         "complainant_name": f"นาง{rng.choice(FIRST)} {rng.choice(LAST)}"}
                        if key == "complaint" else {})
            cases.append({
                "id": i, "process_key": key, "version_id": versions[key], "status":
                "running" if i % 5 else "completed", "title": _title(rng, i), "revision": 1,
                "serializer_version": "1.5", "state": "", "created_at": now - timedelta(hours=i),
                "updated_at": now, "received_on": date(2026, 10, 1) + timedelta(days=i % 60),
                "personal_data": rt.cipher.encrypt(personal),
            })
            terms += [{"instance_id": i, "field": field, "term_hash": digest}
                      for field, digest in name_hashes(rt.name_index_key, key, personal)]
            if key == "complaint" and i % 3 == 1:
                code = f"GF69-{chr(65 + i % 26)}{i % 1000:03d}-{rng.randrange(10**4):04d}"
                codes.append(code)
                tracking.append({"instance_id": i, "code": code, "secret_hash": "0" * 64,
                                 "created_at": now})
        conn = session.connection()
        conn.execute(insert(ProcessInstance.__table__), cases)
        conn.execute(insert(PersonalNameTerm.__table__), terms)
        conn.execute(insert(TrackingCode.__table__), tracking)
    return codes


def _percentiles(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    out = {}
    for name, values in samples.items():
        ordered = sorted(values)
        out[name] = {"p50": sig3(nearest_rank(ordered, 0.5)),
                     "p95": sig3(nearest_rank(ordered, 0.95)), "runs": len(ordered)}
    return out


def run(n: int, repeat: int, budget_s: float, database_url: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        rt = Runtime(Settings(instance_dir=Path(tmp) / "instance", database_url=database_url))
        try:
            upgrade(rt.db)
            deploy(rt)
            director: Actor = add_user(rt, "director", ["director"], "DIR")
            officer: Actor = add_user(rt, "nitikorn", ["legal_officer"], "LEGAL")
            codes = fill(rt, n)
            code = codes[len(codes) // 2]
            found: dict[str, int] = {}

            def service(actor: Actor, **conditions: Any) -> Callable[[], int]:
                return lambda: search_cases(rt, actor, CaseFilters(**conditions))["total"]

            def sql(statement: str, **params: Any) -> Callable[[], int]:
                def call() -> int:
                    with rt.db.engine.connect() as connection:
                        return len(connection.execute(text(statement), params).all())
                return call

            fns = {
                "by_code": service(director, tracking_code=code),
                "by_subject": service(director, text=SUBJECT_FRAGMENT),
                "by_subject_rare": service(director, text=RARE_FRAGMENT),
                "by_name": service(officer, name=SEARCHED_SURNAME),
                "baseline": sql("SELECT i.id, i.title, i.status FROM process_instance i "
                                "JOIN tracking_code t ON t.instance_id = i.id "
                                "WHERE t.code = :code", code=code),
                # (title || '') is not the indexed column: PostgreSQL's trigram index,
                # which serves LIKE too, cannot answer it, so both backends read every row.
                "subject_scan": sql(SCAN, pattern=f"%{SUBJECT_FRAGMENT}%"),
                "subject_scan_rare": sql(SCAN, pattern=f"%{RARE_FRAGMENT}%"),
            }
            samples = measure_rounds(fns, repeat, budget_s, min_rounds=5,
                                     seen=lambda name, result: found.__setitem__(name, result))
            backend = rt.db.engine.dialect.name
        finally:
            rt.close()
    return {"bench": "search", "n": n, "backend": backend, "found": found,
            "ms": _percentiles(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="cases to fill (default 10000)")
    parser.add_argument("--repeat", type=int, default=30, help="rounds at most (default 30)")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds for the rounds")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL URL; default: a fresh SQLite file")
    args = parser.parse_args()
    print(json.dumps(run(args.n, args.repeat, args.budget, args.database_url),
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
