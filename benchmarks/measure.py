"""Measuring helpers shared by the benchmark workers: memory, sizes, percentiles, accuracy."""

from __future__ import annotations

import json
import math
import re
import resource
from collections.abc import Sequence
from pathlib import Path


def _status_kib(field: str) -> float | None:
    """A `kB` field of /proc/self/status (Linux), or None elsewhere."""
    try:
        text = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return float(match.group(1)) if match else None


def peak_rss_mib() -> float:
    """The process's peak resident memory so far (VmHWM, else ru_maxrss), in MiB."""
    kib = _status_kib("VmHWM")
    if kib is None:
        kib = float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return round(kib / 1024, 1)


def rss_mib() -> float:
    """The process's resident memory now (VmRSS), in MiB; the peak where unavailable."""
    kib = _status_kib("VmRSS")
    return round(kib / 1024, 1) if kib is not None else peak_rss_mib()


def tree_bytes(path: Path) -> int:
    """Total size of the files under `path` (or of `path` itself)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of `values`; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def latency_summary(ms: Sequence[float]) -> dict[str, float]:
    """n, p50, p99, mean and max of latencies in milliseconds."""
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 3),
        "p99": round(percentile(ms, 99), 3),
        "mean": round(sum(ms) / len(ms), 3) if ms else math.nan,
        "max": round(max(ms), 3) if ms else math.nan,
    }


def load_queries(corpus: Path) -> dict:
    return json.loads((corpus / "queries.json").read_text(encoding="utf-8"))


def quote_is_right(source: str, start: int, end: int, truth: dict) -> bool:
    """A quote hit is right when its passage covers part of the true span in the same source
    (the line it came from, or the quotation inside that line)."""
    return source == truth["source"] and start < truth["end"] and end > truth["start"]


def topic_pattern(words: Sequence[str]) -> list[re.Pattern[str]]:
    return [re.compile(rf"(?<!\w){re.escape(w)}(?!\w)", re.IGNORECASE) for w in words]


def topic_precision(texts: Sequence[str], query: dict, k: int = 10) -> float:
    """Precision of the first `k` results: the share holding every intended word. When fewer
    than `k` passages hold them all, the denominator is that number."""
    patterns = topic_pattern(query["words"])
    relevant = sum(1 for text in texts[:k] if all(p.search(text) for p in patterns))
    wanted = min(k, max(1, query["truth_count"]))
    return min(1.0, relevant / wanted)
