"""Summaries of timing samples."""

from __future__ import annotations

import math
import statistics


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank (with 15 samples, the slowest)."""
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "p95": p95(values), "samples": values}
