"""Load (and crash) test of govflow scaled out: gunicorn workers and schedulers on PostgreSQL.

On loopback, for ``--seconds`` (default 300):

* ``--staff`` (50) simulated clerks in six roles work their inboxes over the API: the
  tasks already theirs first, else claim one from the group inbox (409 when another
  clerk won it) and complete it with valid data; staff also start publishing requests;
* citizens file complaints on the website channel at ``--rate`` per second (20), open
  loop (the next one is sent on time whatever the last one's latency);
* a legal officer starts cases of a tiny process whose deadline comes 2–20 s later,
  so the schedulers fire timers and raise escalations (mailed to the officers) during
  the load.

The app runs as documented: ``gunicorn -w 4 --threads 4 webui.wsgi:app`` and two
``govflow scheduler`` processes, one fresh PostgreSQL database, rate-limit counters in
Redis with the public limit raised (any 429 is counted apart), and a real SMTP server.

With ``--crash`` a chaos thread kill -9s a random gunicorn worker (its master starts
another) or a scheduler (restarted after a moment) every 2–6 s.

Afterwards the schedulers are given time to catch up, and the run counts lost or
doubled work (tests/load/load_checks.py): complaints, completions, tasks and timers against
each case's workflow (``govflow check``), escalations, letters and mail by Message-ID.

The baseline, measured in the same run, is ``GET /healthz`` (one trivial query) on the
same cluster before the load starts. The run itself is tests/load/load_run.py, which the
test suite also drives (shorter) in tests/load/test_load_and_crash.py.

Usage: ``.venv/bin/python bench/load_test.py [--seconds 300] [--staff 50] [--rate 20]
[--crash] [--keep]``. The last line printed is one JSON object; exit 1 when an
unexpected error occurred or any work was lost or doubled.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make tests/ importable
    sys.path.insert(0, str(ROOT))

from tests.load.load_run import run  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--rate", type=float, default=20, help="complaints per second")
    parser.add_argument("--timer-cases", type=float, default=0.5,
                        help="cases per second whose deadline comes during the run")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--schedulers", type=int, default=2)
    parser.add_argument("--crash", action="store_true", help="kill -9 workers and schedulers")
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args(argv)
    result = run(args.seconds, args.staff, args.rate, args.timer_cases, args.workers,
                 args.schedulers, args.crash, args.drain_timeout, args.keep)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
