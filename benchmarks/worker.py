"""One measurement per process, so each reports its own peak memory: build, serve, fts5, rapidfuzz.

`python -m benchmarks.worker serve --corpus benchmarks/out/10k --result r.json` writes a JSON
object to `--result`. `benchmarks.run` starts these and gathers the results.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import sys
import time
from pathlib import Path

from benchmarks.measure import (
    latency_summary,
    load_queries,
    peak_rss_mib,
    quote_is_right,
    rss_mib,
    topic_precision,
    tree_bytes,
)
from benchmarks.sampler import Sampler


def corpus_config(corpus: Path):  # -> bot.config.Config
    from bot.config import load_config

    return load_config(corpus / "corpusbot.yaml")


async def build(corpus: Path, profile: bool) -> dict:
    """Build the index from scratch with `Library.open` and report time, size and memory."""
    from corpus.library import Library

    config = corpus_config(corpus)
    index_dir = config.index.path.parent
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    sampler = Sampler() if profile else None
    began = time.perf_counter()
    with sampler or contextlib.nullcontext():
        library = await Library.open(config.source_specs(), config.index.path)
    seconds = time.perf_counter() - began
    report = library.report
    passages = sum(info.passages for info in report.sources)
    await library.close()
    result = {
        "seconds": round(seconds, 3),
        "passages": passages,
        "rate": round(passages / seconds),
        "rebuilt": report.rebuilt,
        "index_bytes": tree_bytes(index_dir),
        "peak_rss_mib": peak_rss_mib(),
    }
    if sampler:
        result["profile"] = sampler.report()
    return result


async def serve(corpus: Path, limit: int, profile: bool) -> dict:
    """Open the built index, then time /date, /topic and /quote lookups one at a time."""
    from corpus.library import Library

    config = corpus_config(corpus)
    queries = load_queries(corpus)
    baseline = rss_mib()
    began = time.perf_counter()
    library = await Library.open(config.source_specs(), config.index.path)
    startup = time.perf_counter() - began
    rebuilt = library.report.rebuilt
    after_open = rss_mib()
    sampler = Sampler() if profile else None
    result: dict = {"startup_s": round(startup, 4), "rebuilt_on_open": rebuilt}
    try:
        for query in queries["date"][:3]:  # warm-up: caches and lazy imports
            await library.find_date(query["query"])
        await library.find_date("Jun 1")  # a date without a year groups the days once (1 ms)
        for query in queries["topic"][:3]:
            await library.find_topic(query["query"])
        # A misspelt word loads the index's vocabulary once per process (15 ms at 1M).
        await library.find_topic("warmup misspelled wrod")
        for query in queries["quote"][:3]:
            await library.find_quote(query["query"])
        result["date"] = await time_dates(library, queries["date"][:limit], BOT_DATE_ROWS)
        result["date_100"] = await time_dates(library, queries["date"][:limit], 100)
        with sampler or contextlib.nullcontext():
            result["topic"] = await time_topics(library, queries["topic"][:limit])
        if sampler:
            result["topic_profile"] = sampler.report()
            sampler = Sampler()
        with sampler or contextlib.nullcontext():
            result["quote"] = await time_quotes(library, queries["quote"][:limit])
        if sampler:
            result["quote_profile"] = sampler.report()
        if "verify" in queries:
            result["verify"] = await time_verify(library, queries["verify"])
        result["topic_filtered"] = await time_filtered(library, queries["topic"][:limit])
        result["speakers"] = await time_speakers(library)
        result["timeline"] = await time_timelines(library, queries["topic"][: min(limit, 40)])
    finally:
        await library.close()
    result["rss_mib"] = {"before_open": baseline, "after_open": after_open, "peak": peak_rss_mib()}
    return result


# As the bot asks for /date: `replies.max_results` (30 by default) and one more, to say
# "the first 30" when there are more.
BOT_DATE_ROWS = 31


async def time_dates(library, queries: list[dict], rows: int) -> dict:
    ms, right = [], 0
    for query in queries:
        began = time.perf_counter()
        found = await library.find_date(query["query"], limit=rows)
        ms.append((time.perf_counter() - began) * 1000)
        right += date_is_right(found, query, rows)
    return {**latency_summary(ms), "accuracy": round(right / len(queries), 4)}


def date_is_right(found, query: dict, limit: int) -> bool:
    """Every hit on the asked days, and as many as there are (up to the limit)."""
    import datetime as dt

    first = dt.date.fromisoformat(query["first"])
    last = dt.date.fromisoformat(query["last"])
    for hit in found.hits:
        day = hit.passage.date.as_date() if hit.passage.date else None
        if day is None:
            return False
        if query["year_given"] and not first <= day <= last:
            return False
        if not query["year_given"] and (day.month, day.day) != (first.month, first.day):
            return False
    return len(found.hits) == min(limit, query["truth_count"])


async def time_topics(library, queries: list[dict]) -> dict:
    ms, precision = [], []
    for query in queries:
        began = time.perf_counter()
        # As the bot asks in a private chat: 30 results, the first page (3) marked.
        found = await library.find_topic(query["query"], limit=30, marked=3)
        ms.append((time.perf_counter() - began) * 1000)
        precision.append(topic_precision([h.passage.text for h in found.hits], query))
    return {**latency_summary(ms), "accuracy": round(sum(precision) / len(queries), 4)}


async def time_filtered(library, queries: list[dict]) -> dict:
    """/topic with filters (issue 13), as the bot asks: each topic query with `by:` one of
    the busiest speakers, or `since:` the corpus's middle month, or both, in turn."""
    speakers = sorted(await library.speakers(), key=lambda s: -s.passages)[:5]
    dated = [s for s in speakers if s.dated] or speakers
    middle = sorted(s.first for s in dated)[len(dated) // 2] // 100 if dated else 202501
    since = f"since:{middle // 100}-{middle % 100:02d}-01"
    ms, totals = [], []
    for i, query in enumerate(queries):
        who = speakers[i % len(speakers)].name.split()[-1] if speakers else ""
        extra = [f"by:{who}", since, f"by:{who} {since}"][i % 3]
        began = time.perf_counter()
        found = await library.find_topic(f"{query['query']} {extra}", limit=31, marked=3)
        ms.append((time.perf_counter() - began) * 1000)
        totals.append(found.total)
    return {**latency_summary(ms), "mean_total": round(sum(totals) / max(len(totals), 1), 1)}


async def time_speakers(library, rounds: int = 20) -> dict:
    """/speakers: the tally (made at build) sorted and rendered as the bot replies."""
    from bot.render import render_speakers
    from bot.router import ymd_date

    ms = []
    for _ in range(rounds):
        began = time.perf_counter()
        speakers = await library.speakers()
        rows = [
            (
                s.name,
                s.passages,
                s.dated,
                (ymd_date(s.first), ymd_date(s.last)) if s.dated else None,
            )
            for s in sorted(speakers, key=lambda s: (-s.passages, s.name))
        ]
        render_speakers(rows)
        ms.append((time.perf_counter() - began) * 1000)
    return {**latency_summary(ms), "speakers": len(speakers)}


async def time_timelines(library, queries: list[dict]) -> dict:
    """/timeline: the counts per period and the PNG (the first chart, which loads
    matplotlib, is timed apart as `first_ms`)."""
    from bot.chart import render_timeline_png

    words = [q["query"].split()[0] for q in queries]
    began = time.perf_counter()
    render_timeline_png(await library.timeline(words[0]))
    first = (time.perf_counter() - began) * 1000
    ms, sizes, matches = [], [], []
    for word in words:
        began = time.perf_counter()
        timeline = await library.timeline(word)
        png = render_timeline_png(timeline)
        ms.append((time.perf_counter() - began) * 1000)
        sizes.append(len(png))
        matches.append(timeline.total)
    return {
        **latency_summary(ms),
        "first_ms": round(first, 1),
        "png_bytes_max": max(sizes),
        "matches_max": max(matches),
    }


async def time_quotes(library, queries: list[dict]) -> dict:
    ms, right, verdicts = [], 0, {}
    for query in queries:
        began = time.perf_counter()
        found = await library.find_quote(query["query"])
        ms.append((time.perf_counter() - began) * 1000)
        verdicts[found.verdict] = verdicts.get(found.verdict, 0) + 1
        if found.hits:
            p = found.hits[0].passage
            right += quote_is_right(p.source, p.start, p.end, query)
    return {**latency_summary(ms), "accuracy": round(right / len(queries), 4), "verdicts": verdicts}


async def time_verify(library, queries: list[dict]) -> dict:
    """Per verification query kind: latency, the share given an expected verdict (and the
    right attribution for a named speaker) and the verdicts given; plus `altered_recall`
    over negation/number/name changes and `harmless_altered`, the share of harmless
    variants called altered."""
    by_kind: dict[str, dict] = {}
    for query in queries:
        began = time.perf_counter()
        found = await library.find_quote(query["query"])
        elapsed = (time.perf_counter() - began) * 1000
        kind = by_kind.setdefault(query["kind"], {"ms": [], "right": 0, "verdicts": {}})
        kind["ms"].append(elapsed)
        kind["verdicts"][found.verdict] = kind["verdicts"].get(found.verdict, 0) + 1
        right = found.verdict in query["expect"]
        if query.get("attribution"):
            right = right and found.attribution == query["attribution"]
        kind["right"] += right
    out: dict = {}
    for name, kind in by_kind.items():
        n = len(kind["ms"])
        out[name] = {
            **latency_summary(kind["ms"]),
            "accuracy": round(kind["right"] / n, 4),
            "verdicts": kind["verdicts"],
        }
    changed = [out[k] for k in ("negation", "number", "name") if k in out]
    total = sum(k["n"] for k in changed)
    altered = sum(k["verdicts"].get("altered", 0) for k in changed)
    out["altered_recall"] = round(altered / total, 4) if total else None
    if "harmless" in out:
        harmless = out["harmless"]
        out["harmless_altered"] = round(harmless["verdicts"].get("altered", 0) / harmless["n"], 4)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("build", "serve", "fts5", "rapidfuzz", "bot"))
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200, help="per kind")
    parser.add_argument("--budget", type=float, default=30.0, help="rapidfuzz, fts5: s per kind")
    parser.add_argument("--commands", type=int, default=2000, help="bot: commands sent")
    parser.add_argument("--rounds", type=int, default=5, help="bot: echo/bot rounds")
    parser.add_argument(
        "--fake", choices=("process", "inline"), default="process",
        help="bot: the fake Bot API in its own process (as Telegram is) or in the bot's",
    )  # fmt: skip
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    if args.kind == "build":
        result = asyncio.run(build(args.corpus, args.profile))
    elif args.kind == "serve":
        result = asyncio.run(serve(args.corpus, args.queries, args.profile))
    elif args.kind == "fts5":
        from benchmarks.alternatives import run_fts5

        result = run_fts5(args.corpus, args.queries, args.budget)
    elif args.kind == "rapidfuzz":
        from benchmarks.alternatives import run_rapidfuzz

        result = run_rapidfuzz(args.corpus, args.queries, args.budget)
    else:
        from benchmarks.throughput import run_throughput

        result = asyncio.run(
            run_throughput(args.corpus, args.commands, rounds=args.rounds, fake=args.fake)
        )
    args.result.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
