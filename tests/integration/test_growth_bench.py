"""bench/growth.py keeps running: its fill and one round of every path at tiny sizes.

No time is asserted (the figures of a test run mean nothing); what is asserted is that the
bench filled what it says, timed every path at each size and classified each one.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

from engine.core.config import REPO_ROOT

BENCH = REPO_ROOT / "bench" / "growth.py"


def _bench_module():
    spec = importlib.util.spec_from_file_location("growth_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_growth_fills_times_every_path_and_classifies_it(tmp_path):
    done = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "100,200", "--repeat", "1",
         "--slow-repeat", "1", "--no-plots"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    paths = _bench_module().PATHS
    assert result["bench"] == "growth" and result["backend"] == "sqlite"
    assert result["sizes"] == [100, 200]
    for size in ("100", "200"):
        figures = result["per_size"][size]
        assert figures["cases"] == int(size) and figures["open"] == int(size) // 4
        assert set(paths) | {"baseline", "baseline_heavy"} == set(figures["ms"])
        assert all(m["runs"] >= 1 and m["p50"] > 0 for m in figures["ms"].values())
        # The rare word's search finds its few items at every size; the common one more.
        assert figures["rows"]["public_search_rare"] == 5
        assert figures["rows"]["public_search"] > 0 and figures["rows"]["search_code"] == 1
    assert result["growth_detail"]["public_search_rare"]["rows_ratio_last"] == 1.0
    assert set(result["growth"]) == set(paths)
    assert set(result["growth"].values()) <= {"flat", "log", "linear"}


def test_growth_classes():
    classify = _bench_module().classify
    sizes = [1_000, 10_000, 100_000]
    assert classify(sizes, [2.0, 2.1, 2.2])["class"] == "flat"
    assert classify(sizes, [2.0, 2.6, 3.2])["class"] == "log"
    linear = classify(sizes, [2.0, 20.0, 200.0])
    assert linear["class"] == "linear" and linear["exponent"] == 1.0
    assert classify([1_000], [2.0])["class"] == "unknown"
