"""What a bot author would otherwise write: rapidfuzz brute force and plain SQLite FTS5 (bm25).

Both run over the same passages our index holds (as `corpus.parse` cuts them) and answer the
same queries, scored with the same accuracy rules as ours.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import NamedTuple

from benchmarks.measure import (
    latency_summary,
    load_queries,
    peak_rss_mib,
    quote_is_right,
    rss_mib,
    topic_precision,
    tree_bytes,
)

TOKEN = re.compile(r"\w+")


class Row(NamedTuple):
    source: str
    start: int
    end: int
    text: str


def load_rows(corpus: Path) -> list[Row]:
    """Every passage of the corpus, parsed as the core parses it."""
    from bot.config import load_config
    from corpus.parse import parse_source

    specs = load_config(corpus / "corpusbot.yaml").source_specs()
    speakers = frozenset(s.speaker for s in specs)
    rows: list[Row] = []
    for spec in specs:
        parsed = parse_source(spec, known_speakers=speakers)
        rows.extend(Row(p.source, p.start, p.end, p.text) for p in parsed.passages)
    return rows


def fts_match(text: str, joiner: str) -> str:
    """An FTS5 MATCH string: every token double-quoted (no syntax injection), joined."""
    tokens = TOKEN.findall(text)
    return joiner.join(f'"{t}"' for t in tokens) or '""'


def run_fts5(corpus: Path, limit: int, budget: float = float("inf")) -> dict:
    """Build an FTS5 (unicode61) table of the passages, then answer topics (AND of tokens) and
    quotes (OR of tokens), bm25-ranked (`ORDER BY rank LIMIT 10`). Each kind stops after
    `budget` seconds; `n` says how many queries ran."""
    rows = load_rows(corpus)
    queries = load_queries(corpus)
    path = corpus / "alternatives" / "fts5.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    began = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE f USING fts5(text, tokenize='unicode61 remove_diacritics 2')")
    db.executemany(
        "INSERT INTO f(rowid, text) VALUES (?, ?)", ((i, r.text) for i, r in enumerate(rows))
    )
    db.execute("INSERT INTO f(f) VALUES ('optimize')")
    db.commit()
    build_s = time.perf_counter() - began
    sql = "SELECT rowid FROM f WHERE f MATCH ? ORDER BY rank LIMIT 10"

    def ask(text: str, joiner: str) -> tuple[list[int], float]:
        began = time.perf_counter()
        found = [rowid for (rowid,) in db.execute(sql, (fts_match(text, joiner),))]
        return found, (time.perf_counter() - began) * 1000

    topic_ms, precision = [], []
    for query in queries["topic"][:limit]:
        if sum(topic_ms) > budget * 1000:
            break
        found, ms = ask(query["query"], " AND ")
        topic_ms.append(ms)
        precision.append(topic_precision([rows[i].text for i in found], query))
    quote_ms, right = [], 0
    for query in queries["quote"][:limit]:
        if sum(quote_ms) > budget * 1000:
            break
        found, ms = ask(query["query"], " OR ")
        quote_ms.append(ms)
        if found:
            row = rows[found[0]]
            right += quote_is_right(row.source, row.start, row.end, query)
    db.close()
    return {
        "build_s": round(build_s, 3),
        "index_bytes": tree_bytes(path),
        "topic": {**latency_summary(topic_ms), "accuracy": mean(precision)},
        "quote": {**latency_summary(quote_ms), "accuracy": round(right / len(quote_ms), 4)},
        "peak_rss_mib": peak_rss_mib(),
    }


def run_rapidfuzz(corpus: Path, limit: int, budget: float) -> dict:
    """Brute force over every passage, as the python-telegram-bot group's help bot searches:
    `extractOne` with `token_set_ratio` for quotes, `extract(limit=10)` with `partial_ratio` for
    topics. Each kind stops after `budget` seconds; `n` says how many queries ran."""
    from rapidfuzz import fuzz, process, utils

    rows = load_rows(corpus)
    queries = load_queries(corpus)
    baseline = rss_mib()
    began = time.perf_counter()
    choices = [utils.default_process(r.text) for r in rows]
    build_s = time.perf_counter() - began
    topic_ms, precision = [], []
    spent = 0.0
    for query in queries["topic"][:limit]:
        if spent > budget:
            break
        began = time.perf_counter()
        found = process.extract(
            utils.default_process(query["query"]),
            choices,
            scorer=fuzz.partial_ratio,
            processor=None,
            limit=10,
        )
        ms = (time.perf_counter() - began) * 1000
        spent += ms / 1000
        topic_ms.append(ms)
        precision.append(topic_precision([rows[i].text for _, _, i in found], query))
    quote_ms, right = [], 0
    spent = 0.0
    for query in queries["quote"][:limit]:
        if spent > budget:
            break
        began = time.perf_counter()
        best = process.extractOne(
            utils.default_process(query["query"]),
            choices,
            scorer=fuzz.token_set_ratio,
            processor=None,
        )
        ms = (time.perf_counter() - began) * 1000
        spent += ms / 1000
        quote_ms.append(ms)
        if best is not None:
            row = rows[best[2]]
            right += quote_is_right(row.source, row.start, row.end, query)
    return {
        "build_s": round(build_s, 3),
        "list_rss_mib": round(rss_mib() - baseline, 1),
        "topic": {**latency_summary(topic_ms), "accuracy": mean(precision)},
        "quote": {**latency_summary(quote_ms), "accuracy": round(right / len(quote_ms), 4)},
        "peak_rss_mib": peak_rss_mib(),
    }


def mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else float("nan")
