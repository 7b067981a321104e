"""Deterministic synthetic corpus for the benchmarks: thread dumps, articles, a config, queries.

`python -m benchmarks.generate --passages 100000 --out benchmarks/out/100k --seed 42` writes
`sources/*.txt` (Thread-Reader dumps and articles like the seeds), `corpusbot.yaml` (the bot's
config schema), `queries.json` (date, topic and quote queries with their ground truth) and
`manifest.json`. The same seed and size give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import sys
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.lexicon import FIRST_NAMES, FUNCTION_WORDS, SURNAMES, TOPICS, make_vocabulary

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
TABLE_BITS = 16  # the Zipf sampling table has 2**16 slots, indexed by 16-bit random draws
VOCABULARY_SIZE = 20_000
NEWEST = dt.date(2025, 9, 4)
TWEET_SHARE = 0.85  # the rest are article paragraphs and their quotes
TWEETS_PER_DUMP = 20_000
PASSAGES_PER_ARTICLE = 1_500
YEARS_PER_DUMP = 6
GENERATOR_VERSION = 3  # 2: structured sources (issue 10); 3: verification queries (issue 11)
STRUCTURED_SHARE = 0.02  # of the passages: a Telegram export, an X archive, a CSV, a transcript
STRUCTURED_KINDS = (
    ("channel.json", "telegram"),
    ("tweets.js", "x_archive"),
    ("posts.csv", "table"),
    ("hearing.txt", "transcript"),
)
TRANSCRIPT_SPEAKERS = ("CHAIR", "Dana Whitlock", "Omar Castellanos", "Ines Vrba")


def parse_size(text: str) -> int:
    """`10k` -> 10000, `1M` -> 1000000, `2500` -> 2500."""
    text = text.strip()
    scale = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if scale != 1 else text
    return int(float(number) * scale)


def size_label(passages: int) -> str:
    """10000 -> `10k`, 1000000 -> `1M`."""
    if passages % 1_000_000 == 0:
        return f"{passages // 1_000_000}M"
    if passages % 1_000 == 0:
        return f"{passages // 1_000}k"
    return str(passages)


def make_typo(rng: random.Random, word: str, known: set[str]) -> str:
    """One edit (delete, substitute, insert or swap) inside `word`, giving no known word."""
    if len(word) < 4:
        return word
    for _ in range(30):
        i = rng.randrange(1, len(word) - 1)
        kind = rng.randrange(4)
        if kind == 0:
            typo = word[:i] + word[i + 1 :]
        elif kind == 1:
            typo = word[:i] + rng.choice(LETTERS) + word[i + 1 :]
        elif kind == 2:
            typo = word[:i] + rng.choice(LETTERS) + word[i:]
        else:
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if typo != word and typo.lower() not in known:
            return typo
    return word


@dataclass
class Units:
    """Every tweet or paragraph line written, with what the queries need to know about it."""

    source: array = field(default_factory=lambda: array("I"))
    start: array = field(default_factory=lambda: array("I"))
    end: array = field(default_factory=lambda: array("I"))
    quote_start: array = field(default_factory=lambda: array("I"))  # 0: no quote in the line
    quote_end: array = field(default_factory=lambda: array("I"))
    postings: dict[str, array] = field(default_factory=dict)  # topical word -> unit numbers
    per_day: Counter = field(default_factory=Counter)  # date -> passages (quotes included)
    thread: array = field(default_factory=lambda: array("Q"))  # tweets: their thread; 0 else

    def add(
        self,
        source: int,
        start: int,
        end: int,
        present: set[str],
        day: dt.date,
        quote: tuple[int, int] | None = None,
        thread: int = 0,
    ) -> None:
        unit = len(self.start)
        self.thread.append(thread)
        self.source.append(source)
        self.start.append(start)
        self.end.append(end)
        self.quote_start.append(quote[0] if quote else 0)
        self.quote_end.append(quote[1] if quote else 0)
        for word in present:
            self.postings.setdefault(word, array("I")).append(unit)
        self.per_day[day] += 2 if quote else 1

    # sources whose offsets are not into the file (structured: into a record): no quote
    # queries are drawn from them, as a hit's start/end there are a record's offsets
    no_quotes: set[int] = field(default_factory=set)


class TextMaker:
    """Draws Zipf-distributed words and turns them into tweet-like sentences."""

    def __init__(self, seed: int) -> None:
        vocabulary = list(FUNCTION_WORDS) + make_vocabulary(VOCABULARY_SIZE, seed)
        rng = random.Random(f"proper:{seed}")
        # Some mid-frequency words become proper nouns and numbers, as in real statements.
        for rank in rng.sample(range(200, 3000), 300):
            vocabulary[rank] = vocabulary[rank].capitalize()
        for rank in rng.sample(range(3000, 6000), 60):
            vocabulary[rank] = str(rng.choice((rng.randint(2, 99), rng.randint(100, 999))))
        self.vocabulary = vocabulary
        self.known = {w.lower() for w in vocabulary} | {w for t in TOPICS for w in t}
        slots = 1 << TABLE_BITS
        weights = [1.0 / (rank + 2.7) ** 1.07 for rank in range(len(vocabulary))]
        total = sum(weights)
        counts = [max(1, round(w / total * slots)) for w in weights]
        table: list[str] = []
        for word, count in zip(vocabulary, counts, strict=True):
            table.extend([word] * count)
        del table[slots:]
        while len(table) < slots:
            table.append(vocabulary[len(table) % 50])
        self.table = table
        self.lexicon = {w for t in TOPICS for w in t}
        self.capital = {w: w[:1].upper() + w[1:] for w in vocabulary}
        self.capital.update((w, w.capitalize()) for w in self.lexicon)
        self.topic_weights = [1.0 / (i + 1) ** 0.6 for i in range(len(TOPICS))]

    def draw(self, rng: random.Random, count: int) -> list[str]:
        """`count` words drawn by frequency."""
        return list(map(self.table.__getitem__, memoryview(rng.randbytes(2 * count)).cast("H")))

    def words(self, rng: random.Random, low: int, high: int) -> tuple[list[str], set[str]]:
        """Words for a text of `low`..`high` characters, with topical words mixed in."""
        target = rng.randint(low, high)
        words = self.draw(rng, max(4, target // 6))
        topic = TOPICS[rng.choices(range(len(TOPICS)), self.topic_weights)[0]]
        picks = rng.choices(topic, k=rng.choices((0, 1, 2, 3, 4), (15, 30, 30, 15, 10))[0])
        if rng.random() < 0.2:
            picks.append(rng.choice(rng.choice(TOPICS)))
        for word in picks:
            words[rng.randrange(len(words))] = word
        # The text is the words, one space apart, plus sentence periods: at least `size` - 1.
        size = sum(map(len, words)) + len(words)
        while size > target and len(words) > 4:
            size -= len(words.pop()) + 1
        while size <= low:
            extra = self.draw(rng, 2)
            words.extend(extra)
            size += sum(map(len, extra)) + 2
        return words, self.lexicon.intersection(words)

    def sentences(self, rng: random.Random, words: list[str], final: str = ".") -> str:
        """Capitalised sentences of 6-18 words with an occasional comma."""
        out = []
        i, n = 0, len(words)
        while i < n:
            length = rng.randint(6, 18)
            if n - i - length < 4:
                length = n - i
            chunk = words[i : i + length]
            chunk[0] = self.capital.get(chunk[0], chunk[0])
            if length > 8 and rng.random() < 0.5:
                k = rng.randrange(2, length - 2)
                chunk[k] += ","
            out.append(" ".join(chunk) + ".")
            i += length
        text = " ".join(out)
        return text[:-1] + final if final != "." else text


def header(day: dt.date, tweets: int) -> str:
    """`Sep 4 • 15 tweets • 3 min read`, as Thread Reader shows it."""
    minutes = max(1, round(tweets / 5.5))
    return f"{MONTHS[day.month - 1]} {day.day} • {tweets} tweets • {minutes} min read"


def write_dump(
    maker: TextMaker, rng: random.Random, tweets: int, newest: dt.date, source: int, units: Units
) -> str:
    """A thread dump: headers newest first, 1-3 tweets under each, going back several years."""
    gap = YEARS_PER_DUMP * 365 / max(1, tweets / 2)
    lines: list[str] = []
    offset = 0
    day = newest
    back = 0.0  # days before `newest`, growing by random gaps
    written = 0
    while written < tweets:
        shown = min(tweets - written, rng.choices((1, 2, 3), (25, 50, 25))[0])
        line = header(day, max(shown, rng.randint(2, 25)))
        lines.append(line)
        thread = (source << 32) + offset + 1
        offset += len(line) + 1
        for _ in range(shown):
            words, present = maker.words(rng, 100, 380)
            text = maker.sentences(rng, words)
            units.add(source, offset, offset + len(text), present, day, thread=thread)
            lines.append(text)
            offset += len(text) + 1
        written += shown
        back += rng.expovariate(1 / gap)
        day = newest - dt.timedelta(days=int(back))
    return "\n".join(lines)


def write_article(
    maker: TextMaker, rng: random.Random, passages: int, day: dt.date, source: int, units: Units
) -> str:
    """An article: narration paragraphs and `“...,” Surname said.` paragraphs."""
    people = [(rng.choice(FIRST_NAMES), s) for s in rng.sample(SURNAMES, rng.randint(2, 4))]
    introduced: set[str] = set()
    lines: list[str] = []
    offset = 0
    written = 0
    while written < passages:
        if passages - written >= 2 and rng.random() < 0.4:
            first, surname = rng.choice(people)
            prefix = ""
            if surname not in introduced:
                introduced.add(surname)
                words, present = maker.words(rng, 40, 90)
                body = maker.sentences(rng, words)
                prefix = f"{first} {surname} {body[:1].lower()}{body[1:]} "
            else:
                present = set()
            words, quoted = maker.words(rng, 60, 240)
            inner = maker.sentences(rng, words, final=",")
            text = f"{prefix}“{inner}” {surname} said."
            start = offset + len(prefix) + 1
            units.add(
                source,
                offset,
                offset + len(text),
                present | quoted,
                day,
                quote=(start, start + len(inner)),
            )
            written += 2
        else:
            words, present = maker.words(rng, 100, 380)
            text = maker.sentences(rng, words)
            units.add(source, offset, offset + len(text), present, day)
            written += 1
        lines.append(text)
        offset += len(text) + 1
    return "\n".join(lines)


@dataclass(frozen=True)
class SourcePlan:
    name: str
    format: str
    passages: int
    speaker: str
    title: str
    newest: dt.date


def plan_sources(passages: int, seed: int) -> list[SourcePlan]:
    """Split `passages` over thread dumps (85%), articles, and one structured source of each
    kind (2%, taken from the tweets), a few thousand per file."""
    rng = random.Random(f"plan:{seed}")
    structured = split_evenly(round(passages * STRUCTURED_SHARE), len(STRUCTURED_KINDS))
    tweets = round(passages * TWEET_SHARE) - sum(structured)
    in_articles = passages - tweets - sum(structured)
    plans: list[SourcePlan] = []
    dumps = max(2, round(tweets / TWEETS_PER_DUMP))
    for i, count in enumerate(split_evenly(tweets, dumps)):
        speaker = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {SURNAMES[(i * 7) % len(SURNAMES)]}"
        newest = NEWEST - dt.timedelta(days=rng.randrange(0, 120))
        plans.append(
            SourcePlan(
                f"dump_{i:03d}.txt",
                "thread_dump",
                count,
                speaker,
                f"{speaker}'s threads (synthetic)",
                newest,
            )
        )
    articles = max(2, round(in_articles / PASSAGES_PER_ARTICLE))
    for i, count in enumerate(split_evenly(in_articles, articles)):
        author = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        day = NEWEST - dt.timedelta(days=rng.randrange(0, YEARS_PER_DUMP * 365))
        plans.append(
            SourcePlan(
                f"article_{i:03d}.txt",
                "article",
                count,
                author,
                f"Synthetic article {i} by {author}",
                day,
            )
        )
    for (name, fmt), count in zip(STRUCTURED_KINDS, structured, strict=True):
        if count:
            speaker = "Synthetic Channel" if fmt == "telegram" else "Sam Synthetic (@samsynth)"
            day = NEWEST - dt.timedelta(days=rng.randrange(0, 365))
            plans.append(SourcePlan(name, fmt, count, speaker, f"Synthetic {fmt}", day))
    return plans


def structured_days(rng: random.Random, count: int, newest: dt.date) -> list[dt.datetime]:
    """`count` moments going back over the years, newest first (one post each)."""
    gap = YEARS_PER_DUMP * 365 * 86400 / max(1, count)
    moment = dt.datetime.combine(newest, dt.time(18, 0))
    out = []
    for _ in range(count):
        out.append(moment)
        moment -= dt.timedelta(seconds=int(rng.expovariate(1 / gap)) + 1)
    return out


def write_structured(
    maker: TextMaker, rng: random.Random, plan: SourcePlan, source: int, units: Units
) -> tuple[bytes, str]:
    """One structured source's bytes, and the text its units' offsets point into: the
    passages' texts joined by newlines (a record's offsets are not the file's)."""
    fmt = plan.format
    lines: list[str] = []
    offset = 0
    items: list[object] = []
    if fmt == "transcript":  # a text format: offsets into the file itself
        day = plan.newest
        for i in range(plan.passages):
            who = TRANSCRIPT_SPEAKERS[i % len(TRANSCRIPT_SPEAKERS)]
            words, present = maker.words(rng, 100, 380)
            text = maker.sentences(rng, words)
            line = f"{who}: {text}"
            units.add(source, offset + len(who) + 2, offset + len(line), present, day)
            lines.append(line)
            offset += len(line) + 2
        body = "\n\n".join(lines) + "\n"
        return body.encode("utf-8"), body
    units.no_quotes.add(source)
    for i, moment in enumerate(structured_days(rng, plan.passages, plan.newest)):
        words, present = maker.words(rng, 100, 380)
        text = maker.sentences(rng, words)
        units.add(source, offset, offset + len(text), present, moment.date())
        lines.append(text)
        offset += len(text) + 1
        rid = 10_000 + i
        if fmt == "telegram":
            message: dict[str, object] = {
                "id": rid,
                "type": "message",
                "date": moment.isoformat(),
                "date_unixtime": str(int(moment.replace(tzinfo=dt.UTC).timestamp())),
                "from": plan.speaker,
                "text": text,
            }
            if i % 10 == 3:
                message["forwarded_from"] = "Another Synthetic Channel"
            items.append(message)
        elif fmt == "x_archive":
            full = f"RT @other_synth: {text}" if i % 10 == 3 else text
            created = moment.strftime("%a %b %d %H:%M:%S +0000 %Y")
            items.append({"tweet": {"id_str": str(rid), "full_text": full, "created_at": created}})
        else:
            items.append([rid, moment.strftime("%Y-%m-%d %H:%M:%S"), text])
    if fmt == "telegram":
        data = {"name": plan.speaker, "type": "public_channel", "id": 99, "messages": items}
        raw = json.dumps(data, ensure_ascii=False, indent=1)
    elif fmt == "x_archive":
        raw = "window.YTD.tweets.part0 = " + json.dumps(items, ensure_ascii=False, indent=2)
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "created", "text"])
        writer.writerows(items)  # type: ignore[arg-type]
        raw = out.getvalue()
    return raw.encode("utf-8"), "\n".join(lines)


def split_evenly(total: int, parts: int) -> list[int]:
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def word_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each space-separated word of text[start:end], absolute."""
    spans = []
    position = start
    for word in text[start:end].split(" "):
        if word:
            spans.append((position, position + len(word)))
        position += len(word) + 1
    return spans


def make_quote_queries(
    rng: random.Random,
    maker: TextMaker,
    units: Units,
    texts: list[str],
    names: list[str],
    count: int,
) -> list[dict]:
    """10-20 word spans of real passages with two words changed and one typo."""
    queries = []
    while len(queries) < count:
        unit = rng.randrange(len(units.start))
        if units.source[unit] in units.no_quotes:
            continue
        text = texts[units.source[unit]]
        start, end = units.start[unit], units.end[unit]
        if units.quote_end[unit] and rng.random() < 0.7:
            start, end = units.quote_start[unit], units.quote_end[unit]
        spans = word_spans(text, start, end)
        if len(spans) < 10:
            continue
        length = rng.randint(10, min(20, len(spans)))
        first = rng.randrange(len(spans) - length + 1)
        a, b = spans[first][0], spans[first + length - 1][1]
        words = text[a:b].split(" ")
        changed, typo_at = rng.sample(range(len(words)), 2), None
        for i in changed:
            words[i] = maker.draw(rng, 1)[0]
        candidates = [
            i for i in range(len(words)) if i not in changed and len(words[i].strip(",.“”")) >= 4
        ]
        if candidates:
            typo_at = rng.choice(candidates)
            core = words[typo_at].strip(",.“”")
            words[typo_at] = words[typo_at].replace(core, make_typo(rng, core, maker.known), 1)
        queries.append(
            {
                "query": " ".join(words),
                "source": names[units.source[unit]],
                "start": a,
                "end": b,
                "span": text[a:b],
            }
        )
    return queries


def make_topic_queries(
    rng: random.Random, maker: TextMaker, units: Units, texts: list[str], count: int
) -> list[dict]:
    """1-3 topical words of a real passage, one with a typo; truth = passages with all."""
    queries = []
    while len(queries) < count:
        unit = rng.randrange(len(units.start))
        line = texts[units.source[unit]][units.start[unit] : units.end[unit]]
        present = sorted(
            maker.lexicon.intersection(w.strip(",.“”").lower() for w in line.split(" "))
        )
        if not present:
            continue
        k = min(len(present), rng.choices((1, 2, 3), (40, 40, 20))[0])
        words = rng.sample(present, k)
        truth = set(units.postings[min(words, key=lambda w: len(units.postings[w]))])
        for word in words:
            truth.intersection_update(units.postings[word])
        asked = list(words)
        typo_at = rng.randrange(k)
        asked[typo_at] = make_typo(rng, asked[typo_at], maker.known)
        queries.append(
            {
                "query": " ".join(asked),
                "words": words,
                "typo": asked[typo_at],
                "truth_count": len(truth),
            }
        )
    return queries


def make_date_queries(rng: random.Random, units: Units, count: int) -> list[dict]:
    """A day (`4 Sep 2024`), a month (`Sep 2024`) or a year-less day (`Sep 4`) that has passages."""
    days = sorted(units.per_day)
    weights = [units.per_day[d] for d in days]
    queries = []
    for i in range(count):
        day = rng.choices(days, weights)[0]
        month = MONTHS[day.month - 1]
        form = ("day", "day", "month", "yearless")[i % 4]
        if form == "day":
            text, truth = f"{day.day} {month} {day.year}", units.per_day[day]
            first = last = day
        elif form == "month":
            text = f"{month} {day.year}"
            first = day.replace(day=1)
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            truth = sum(n for d, n in units.per_day.items() if first <= d <= last)
        else:
            text = f"{month} {day.day}"
            first = last = day
            truth = sum(
                n for d, n in units.per_day.items() if (d.month, d.day) == (day.month, day.day)
            )
        queries.append(
            {
                "query": text,
                "form": form,
                "first": first.isoformat(),
                "last": last.isoformat(),
                "year_given": form != "yearless",
                "truth_count": truth,
            }
        )
    return queries


def config_yaml(plans: list[SourcePlan]) -> str:
    """The bot's config for the generated corpus (paths relative to the config's folder)."""
    lines = [
        "# Generated by benchmarks/generate.py: a synthetic corpus, fictional speakers.",
        "corpus:",
        "  sources:",
    ]
    for plan in plans:
        lines += [
            f"    - path: sources/{plan.name}",
            f"      format: {plan.format}",
            f"      speaker: {plan.speaker}",
            f'      title: "{plan.title}"',
        ]
        if plan.format == "thread_dump":
            lines.append(f"      year: {plan.newest.year}")
        elif plan.format in ("article", "transcript"):
            lines.append(f"      date: {plan.newest.isoformat()}")
        elif plan.format == "telegram":
            lines.append('      link: "https://t.me/synthetic/{id}"')
        elif plan.format == "table":
            lines.append("      columns: {text: text, date: created, id: id}")
            lines.append('      link: "https://example.org/posts/{id}"')
    lines += [
        "index:",
        "  path: index/corpusbot.sqlite3",
        "state:",
        "  path: state/corpusbot-state.sqlite3",
        "",
    ]
    return "\n".join(lines)


def generate(passages: int, out: Path, seed: int = 42, queries: int = 200) -> dict:
    """Write the corpus, config and queries under `out`; return the manifest."""
    began = time.perf_counter()
    maker = TextMaker(seed)
    plans = plan_sources(passages, seed)
    units = Units()
    texts: list[str] = []
    (out / "sources").mkdir(parents=True, exist_ok=True)
    for number, plan in enumerate(plans):
        rng = random.Random(f"source:{seed}:{plan.name}")
        if plan.format == "thread_dump":
            text = write_dump(maker, rng, plan.passages, plan.newest, number, units)
            raw = text.encode("utf-8")
        elif plan.format == "article":
            text = write_article(maker, rng, plan.passages, plan.newest, number, units)
            raw = text.encode("utf-8")
        else:
            raw, text = write_structured(maker, rng, plan, number, units)
        (out / "sources" / plan.name).write_bytes(raw)
        texts.append(text)
    names = [p.name for p in plans]
    rng = random.Random(f"queries:{seed}")
    found = {
        "seed": seed,
        "passages": passages,
        "date": make_date_queries(rng, units, queries),
        "topic": make_topic_queries(rng, maker, units, texts, queries),
        "quote": make_quote_queries(rng, maker, units, texts, names, queries),
    }
    speakers = [p.speaker if p.format == "thread_dump" else None for p in plans]
    found["verify"] = make_verify_queries(
        random.Random(f"verify:{seed}"), maker, units, texts, speakers, queries
    )
    (out / "queries.json").write_text(
        json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (out / "corpusbot.yaml").write_text(config_yaml(plans), encoding="utf-8")
    quotes = sum(1 for q in units.quote_end if q)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "passages": passages,
        "lines": len(units.start),
        "quotes": quotes,
        "characters": sum(map(len, texts)),
        "sources": [{"name": p.name, "format": p.format, "passages": p.passages} for p in plans],
        "seconds": round(time.perf_counter() - began, 2),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", default="10k", help="10k, 100k, 1M or a number")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--queries", type=int, default=200, help="per kind (date/topic/quote)")
    args = parser.parse_args(argv)
    manifest = generate(parse_size(args.passages), args.out, args.seed, args.queries)
    print(
        f"{manifest['passages']} passages ({manifest['lines']} lines, {manifest['quotes']} "
        f"quotes, {manifest['characters']:,} chars) in {len(manifest['sources'])} files "
        f"-> {args.out} in {manifest['seconds']} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


VERIFY_KINDS = ("negation", "number", "name", "harmless", "cross", "spliced", "named", "wrong")
NUMBER_RE = re.compile(r"\d+")


def _tweet_words(
    rng: random.Random, units: Units, texts: list[str], low: int, high: int
) -> tuple[int, list[str]]:
    """A tweet and `low`..`high` of its words from the start of a sentence."""
    while True:
        unit = rng.randrange(len(units.start))
        if not units.thread[unit]:
            continue
        text = texts[units.source[unit]][units.start[unit] : units.end[unit]]
        words = text.split(" ")
        starts = [0] + [i + 1 for i, w in enumerate(words[:-1]) if w.endswith(".")]
        first = rng.choice(starts)
        length = rng.randint(low, high)
        if first + length <= len(words):
            return unit, words[first : first + length]


def _strip(word: str) -> str:
    return word.strip(",.“”")


def make_verify_queries(
    rng: random.Random,
    maker: TextMaker,
    units: Units,
    texts: list[str],
    speakers: list[str | None],
    count: int,
) -> list[dict]:
    """Quote verification queries of every kind with the verdicts they must get: a negation
    added, a number or a name changed (altered); harmless variants (verbatim or close); the
    end of a tweet and the start of the next (verbatim); two tweets of different sources
    (spliced); a speaker named rightly (matches) or wrongly (differs)."""
    capitals = [w for w in maker.vocabulary if w[:1].isupper()]
    per_kind = max(1, count // 4)
    queries: list[dict] = []
    for kind in VERIFY_KINDS:
        made = 0
        while made < per_kind:
            query = _verify_query(rng, kind, units, texts, speakers, capitals)
            if query is not None:
                queries.append(query)
                made += 1
    return queries


def _verify_query(
    rng: random.Random,
    kind: str,
    units: Units,
    texts: list[str],
    speakers: list[str | None],
    capitals: list[str],
) -> dict | None:
    unit, words = _tweet_words(rng, units, texts, 8, 14)
    expect = ["altered"]
    speaker = None
    if kind == "negation":
        at = rng.randrange(1, len(words) - 1)
        words = [*words[:at], "not", *words[at:]]
    elif kind == "number":
        numbers = [i for i, w in enumerate(words) if NUMBER_RE.fullmatch(_strip(w))]
        at = rng.choice(numbers) if numbers else rng.randrange(1, len(words) - 1)
        core = _strip(words[at])
        new = str(int(core) * 10 + rng.randint(1, 9)) if numbers else str(rng.randint(2, 999))
        words[at] = words[at].replace(core, new, 1) if numbers else new
    elif kind == "name":
        proper = set(capitals)  # a capital at a sentence's start is no name
        names = [
            i
            for i, w in enumerate(words[1:], 1)
            if _strip(w) in proper and not words[i - 1].endswith(".")
        ]
        if not names:
            return None
        at = rng.choice(names)
        core = _strip(words[at])
        other = rng.choice([c for c in capitals if c.lower() != core.lower()])
        words[at] = words[at].replace(core, other, 1)
    elif kind == "harmless":
        expect = ["verbatim", "close"]
        how = rng.randrange(3)
        if how == 0:
            words = [w.lower() for w in words]
        elif how == 1:
            words = [_strip(w) for w in words]
        else:
            at = rng.randrange(1, len(words))
            words = [*words[:at], rng.choice(("the", "a")), *words[at:]]
    elif kind == "cross":
        after = unit + 1
        if after >= len(units.start) or units.thread[after] != units.thread[unit]:
            return None
        text = texts[units.source[unit]]
        tail = text[units.start[unit] : units.end[unit]].split(" ")
        head = text[units.start[after] : units.end[after]].split(" ")
        if not tail[-1].endswith("."):
            return None
        words = tail[-rng.randint(5, 8) :] + head[: rng.randint(5, 8)]
        expect = ["verbatim"]
    elif kind == "spliced":
        other, more = _tweet_words(rng, units, texts, 6, 9)
        if units.source[other] == units.source[unit]:
            return None
        words = words[:8]
        words[-1] = _strip(words[-1]) + "."
        words += more
        expect = ["spliced"]
    else:  # named / wrong: `<Surname> said <words>`
        own = speakers[units.source[unit]]
        others = [s for s in speakers if s and s.split()[-1] != own.split()[-1]] if own else []
        if own is None or not others:
            return None
        speaker = own if kind == "named" else rng.choice(others)
        words = [f"{speaker.split()[-1]} said", *words]
        expect = ["verbatim"]
    return {
        "kind": kind,
        "query": " ".join(words),
        "expect": expect,
        "attribution": {"named": "matches", "wrong": "differs"}.get(kind),
        "source": units.source[unit],
    }
