"""Timing helpers: run a callable over inputs, collect wall times, summarise percentiles."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (p in 0–100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class Timings:
    """Wall times in milliseconds, with a few facts about each call."""

    ms: list[float]
    extra: list[Any]

    def summary(self) -> dict[str, float | int]:
        values = sorted(self.ms)
        if not values:
            return {"n": 0}
        return {
            "n": len(values),
            "p50": round(percentile(values, 50), 2),
            "p95": round(percentile(values, 95), 2),
            "p99": round(percentile(values, 99), 2),
            "mean": round(sum(values) / len(values), 2),
            "max": round(values[-1], 2),
        }


def time_calls(
    func: Callable[[T], Any], inputs: Iterable[T], *, warmup: int = 0, budget_s: float = 0
) -> Timings:
    """Call ``func`` on each input (after ``warmup`` untimed calls on the first inputs).

    With ``budget_s`` > 0 the run stops once that much time is spent (at least 5 calls).
    """
    inputs = list(inputs)
    for item in inputs[:warmup]:
        func(item)
    ms: list[float] = []
    extra: list[Any] = []
    started = time.perf_counter()
    for item in inputs:
        t0 = time.perf_counter()
        result = func(item)
        ms.append((time.perf_counter() - t0) * 1000)
        extra.append(result)
        if budget_s and len(ms) >= 5 and time.perf_counter() - started > budget_s:
            break
    return Timings(ms, extra)


def peak_rss_kb() -> int:
    """This process's peak resident set size in kB (VmHWM, else getrusage)."""
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def machine() -> dict[str, Any]:
    """CPU, memory and load of the machine the benchmark runs on."""
    info: dict[str, Any] = {"cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as handle:
            info["mem_gb"] = round(int(handle.readline().split()[1]) / 1024**2, 1)
    except OSError:
        pass
    info["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    return info
