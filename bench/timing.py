"""What the benchmarks share for timing: rounds of calls, percentiles, rounding.

Imported by the scripts beside it (``python bench/x.py`` puts this folder on the path).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any


def sig3(value: float) -> float:
    return float(f"{value:.3g}")


def nearest_rank(sorted_values: list[float], p: float) -> float:
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


def measure_rounds(fns: dict[str, Callable[[], Any]], repeat: int, budget_s: float, *,
                   min_rounds: int, warm: bool = True,
                   seen: Callable[[str, Any], None] | None = None) -> dict[str, list[float]]:
    """Milliseconds per call: up to ``repeat`` rounds, each calling every function once in
    turn, so a load that comes and goes on the machine falls on all of them alike. After
    ``min_rounds``, stops early when another round would likely overrun ``budget_s``.
    ``seen(name, result)`` is told what each call returned."""
    if warm:
        for fn in fns.values():
            fn()  # templates, compiled statements, parsed forms, pooled connection
    samples: dict[str, list[float]] = {name: [] for name in fns}
    began = time.perf_counter()
    for round_ in range(repeat):
        elapsed = time.perf_counter() - began
        if round_ >= min_rounds and elapsed + elapsed / round_ > budget_s:
            break
        for name, fn in fns.items():
            started = time.perf_counter()
            result = fn()
            samples[name].append((time.perf_counter() - started) * 1000)
            if seen is not None:
                seen(name, result)
    return samples
