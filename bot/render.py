"""Every reply's Telegram HTML (pure functions): hits, passages, lists, notices and help.

Every passage is shown verbatim inside a blockquote, escaped piece by piece so that bold
highlights never change a character; messages are split at passage boundaries to stay within
4096 UTF-16 units, and a passage longer than that is cut into consecutive verbatim pieces with
`…` outside the quotes marking each cut.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from telegram.constants import MessageLimit

from bot import text as words
from corpus.model import (
    MONTH_NAMES,
    BuildReport,
    DateResult,
    DiffOp,
    Hit,
    Passage,
    PassageContext,
    PassageDate,
    QuoteChange,
    QuoteResult,
    SourceInfo,
    TopicResult,
)
from corpus.windows import WINDOW_CHARS, window_for

MAX_UNITS = MessageLimit.MAX_TEXT_LENGTH  # after entity parsing, in UTF-16 units
EXPANDABLE_CHARS = 500  # longer quotes fold into an expandable blockquote
MAX_BOLD_SPANS = MessageLimit.MESSAGE_ENTITIES * 2 // 5  # Telegram ignores entities past 100
ECHO_CHARS = 200  # a query is echoed back at most this long (replies stay within 4096 units)
ELLIPSIS = "…"
JOINERS = "\u200d\ufe0e\ufe0f"
TAG_RE = re.compile(r"<[^>]*>")

Mode = Literal["plain", "topic", "quote"]
MONTH_NAMES_TITLE = tuple(name.title() for name in MONTH_NAMES)


@dataclass(frozen=True, slots=True)
class SourceLabel:
    """How a source is named in attributions."""

    medium: str = "text"
    url: str | None = None
    title: str | None = None


Labels = Mapping[str, SourceLabel]


def esc(text: str) -> str:
    """Escape text for Telegram HTML (`<`, `>`, `&`)."""
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def visible_text(markup: str) -> str:
    """The text Telegram shows for our HTML: tags dropped, entities decoded."""
    return html.unescape(TAG_RE.sub("", markup))


def visible_len(markup: str) -> int:
    return utf16_len(visible_text(markup))


def format_date(date: PassageDate | None) -> str:
    """`4 Sep 2025`, `Sep 2025`, `4 Sep 2024 (year inferred)` or `date unknown`."""
    if date is None:
        return "date unknown"
    return date.human() + (" (year inferred)" if date.year_inferred else "")


def mark_spans(text: str, spans: Iterable[tuple[int, int]], tag: str = "b") -> str:
    """Escape `text`, wrapping the (relative, possibly overlapping) spans in `<tag>`."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    pos = 0
    for start, end in merged[:MAX_BOLD_SPANS]:
        out.append(esc(text[pos:start]))
        out.append(f"<{tag}>{esc(text[start:end])}</{tag}>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def hit_spans(hit: Hit, mode: Mode) -> list[tuple[int, int]]:
    """The spans to bold, relative to the passage text."""
    p = hit.passage
    if mode == "quote" and hit.match_start is not None and hit.match_end is not None:
        span = (hit.match_start - p.start, hit.match_end - p.start)
        return [] if span == (0, len(p.text)) else [span]
    if mode == "topic":
        return [(s - p.start, e - p.start) for s, e in hit.highlights]
    return []


def attribution(p: Passage, labels: Labels, *, compact: bool = False) -> str:
    """One line: speaker (and a note: forwarded by, retweeted by, posted in), medium, date
    (with the time when the source gives it), thread position, a link to the post when
    known (else file and line), the source's link, passage id."""
    label = labels.get(p.source, SourceLabel())
    speaker = f"<b>{esc(p.speaker)}</b>"
    if p.note:
        speaker += f" ({esc(p.note)})"
    parts = [speaker]
    if not compact:
        parts.append(esc(label.medium))
    clock = p.date.human_time() if p.date is not None else None
    parts.append(esc(format_date(p.date) + (f", {clock}" if clock else "")))
    if p.thread is not None:
        parts.append(f"tweet {p.thread.position} of {p.thread.tweet_count}")
    if p.url and p.url.startswith(("https://", "http://")):
        parts.append(f'<a href="{html.escape(p.url, quote=True)}">post</a>')
    else:
        parts.append(f"line {p.line}" if compact else f"{esc(p.source)}, line {p.line}")
    if label.url and not compact:
        parts.append(f'<a href="{html.escape(label.url, quote=True)}">link</a>')
    parts.append(f"<code>/context {esc(p.id)}</code>")
    return "— " + " · ".join(parts)


def cut_points(text: str, budget: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) pieces of `text`, each within `budget` UTF-16 units,
    cut at whitespace when one is near."""
    pieces: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end, units = start, 0
        while end < len(text):
            width = 2 if ord(text[end]) > 0xFFFF else 1
            if units + width > budget:
                break
            units += width
            end += 1
        if end < len(text):
            floor = start + (end - start) * 4 // 5
            space = max(text.rfind(" ", floor, end), text.rfind("\n", floor, end))
            if space > start:
                end = space + 1
            while end - 1 > start and _joined(text, end):
                end -= 1  # never split a joiner or combining mark from its neighbours
        end = max(end, start + 1)
        pieces.append((start, end))
        start = end
    return pieces


def _joined(text: str, at: int) -> bool:
    """True when a cut before `text[at]` would split a grapheme (joiner, variation, mark)."""
    nxt, prev = text[at], text[at - 1]
    return nxt in JOINERS or prev == "\u200d" or unicodedata.combining(nxt) > 0


def quote_block(text: str, spans: Sequence[tuple[int, int]], *, expandable: bool) -> str:
    tag = "blockquote expandable" if expandable else "blockquote"
    return f"<{tag}>{mark_spans(text, spans)}</blockquote>"


def hit_chunks(
    hit: Hit,
    labels: Labels,
    *,
    mode: Mode = "plain",
    head: str = "",
    compact: bool = False,
    limit: int = MAX_UNITS,
) -> list[str]:
    """One hit as message chunks: normally one (head, quote, attribution); a passage too long
    for one message becomes consecutive verbatim pieces, `…` outside the quotes at each cut."""
    p = hit.passage
    spans = hit_spans(hit, mode)
    attr = attribution(p, labels, compact=compact)
    lead = f"{head}\n" if head else ""
    if len(p.text) <= limit:  # else it cannot fit: not rendered whole (a 20 MB line)
        expandable = len(p.text) > EXPANDABLE_CHARS
        whole = lead + quote_block(p.text, spans, expandable=expandable) + "\n" + attr
        if visible_len(whole) <= limit:
            return [whole]
    budget = limit - visible_len(lead + attr) - 8
    if len(p.text) > WINDOW_CHARS:  # one verbatim window around the match, `…` at each cut
        return [window_chunk(p.text, spans, lead, attr, min(WINDOW_CHARS, max(budget, 200)))]
    pieces = cut_points(p.text, max(budget, 200))
    chunks = []
    for i, (a, b) in enumerate(pieces):
        shifted = [(s - a, e - a) for s, e in spans if e > a and s < b]
        block = quote_block(p.text[a:b], shifted, expandable=True)
        before = lead if i == 0 else ELLIPSIS + "\n"
        after = "\n" + (attr if i == len(pieces) - 1 else ELLIPSIS)
        chunks.append(before + block + after)
    return chunks


def window_chunk(
    text: str, spans: Sequence[tuple[int, int]], lead: str, attr: str, limit: int
) -> str:
    """`text[a:b]` around the first span (the start when none): one message whatever the
    passage's length (a 200 KB paragraph, a 20 MB line); costs O(limit), not O(text)."""
    while True:
        window = window_for(text, spans[0] if spans else None, limit)
        a, b = window.start, window.end
        shifted = [(s - a, e - a) for s, e in spans if e > a and s < b]
        block = quote_block(text[a:b], shifted, expandable=True)
        before = lead + (ELLIPSIS + "\n" if a > 0 else "")
        after = ("\n" + ELLIPSIS if b < len(text) else "") + "\n" + attr
        chunk = before + block + after
        if visible_len(chunk) <= MAX_UNITS or limit <= 200:
            return chunk
        limit //= 2  # characters outside the BMP count twice in Telegram's units


def pack(chunks: Iterable[str], *, header: str = "", limit: int = MAX_UNITS) -> list[str]:
    """Join chunks with blank lines into as few messages as fit `limit` (header first)."""
    messages: list[str] = []
    current = header
    for chunk in chunks:
        candidate = f"{current}\n\n{chunk}" if current else chunk
        if visible_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        current = chunk
    if current:
        messages.append(current)
    return messages


def hit_head(number: int | None, score: float | None) -> str:
    parts = []
    if number is not None:
        parts.append(f"<b>{number}.</b>")
    if score is not None:
        parts.append(f"score {round(score)}")
    return " ".join(parts)


def render_hits(
    hits: Sequence[Hit],
    labels: Labels,
    *,
    mode: Mode = "plain",
    header: str = "",
    first_number: int | None = 1,
    scores: bool = False,
) -> list[str]:
    """A list of hits as messages, each within the limit, split only at passage boundaries
    (or inside a passage too long for one message)."""
    chunks: list[str] = []
    for i, hit in enumerate(hits):
        number = None if first_number is None else first_number + i
        head = hit_head(number, hit.score if scores else None)
        chunks.extend(hit_chunks(hit, labels, mode=mode, head=head))
    return pack(chunks, header=header)


def render_passage(p: Passage, labels: Labels, *, header: str = "") -> list[str]:
    return render_hits([Hit(p, 100.0)], labels, header=header, first_number=None)


def render_card(hit: Hit, labels: Labels, *, mode: Mode = "plain") -> str:
    """One message for an inline result: a long passage keeps its first piece, cut with `…`
    and a pointer to /context for the rest."""
    chunks = hit_chunks(hit, labels, mode=mode, limit=MAX_UNITS - 80)
    if len(chunks) == 1:
        return chunks[0]
    p = hit.passage
    tail = f"\n{attribution(p, labels)}"
    first = chunks[0].rsplit("\n", 1)[0]
    return first + "\n" + ELLIPSIS + f" (cut; send <code>/context {esc(p.id)}</code>)" + tail


def render_diff(diff: Sequence[DiffOp], *, keep: int = 4) -> str:
    """The word diff from the asked words to the source's: `<s>asked</s> → <b>source</b>`,
    insertions `+<b>…</b>`, deletions `−<s>…</s>`; long equal runs elided with `…`."""
    parts: list[str] = []
    for op in diff:
        if op.op == "equal":
            words = op.source.split()
            if len(words) > 2 * keep + 1:
                text = " ".join(words[:keep]) + f" {ELLIPSIS} " + " ".join(words[-keep:])
            else:
                text = op.source
            parts.append(esc(text))
        elif op.op == "replace":
            parts.append(f"<s>{esc(op.asked)}</s> → <b>{esc(op.source)}</b>")
        elif op.op == "insert":
            parts.append(f"+<b>{esc(op.source)}</b>")
        else:
            parts.append(f"−<s>{esc(op.asked)}</s>")
    return " ".join(part for part in parts if part.strip())


VERDICT_LINES = {
    "verbatim": "✅ <b>Verbatim</b>: the source says exactly this",
    "close": "≈ <b>Close</b>: the source says nearly this; the differences are below",
    "altered": "⚠ <b>Altered</b>: the source says something different",
    "spliced": "✂ <b>Spliced</b>: these words were not said together",
    "not_found": "❌ <b>Not found</b>: no passage says this",
}
VERDICT_SHORT = {
    "verbatim": "✅ Verbatim",
    "close": "≈ Close",
    "altered": "⚠ Altered",
    "spliced": "✂ Spliced",
    "not_found": "❌ Not found",
}


def _with_context(diff: Sequence[DiffOp], change: QuoteChange) -> tuple[str, str]:
    """A change's two sides, with the next (or previous) shared word when one side is empty:
    `not` dropped before `working` reads `working`, not `not working`."""
    asked, source = change.query, change.source
    if asked and source:
        return asked, source
    for i, op in enumerate(diff):
        if op.op == "equal" or (op.asked, op.source) != (asked, source):
            continue
        after = next((d for d in diff[i + 1 :] if d.op == "equal"), None)
        before = next((d for d in reversed(diff[:i]) if d.op == "equal"), None)
        if after is not None and after.source.split():
            word = after.source.split()[0]
            return f"{asked} {word}".strip(), f"{source} {word}".strip()
        if before is not None and before.source.split():
            word = before.source.split()[-1]
            return f"{word} {asked}".strip(), f"{word} {source}".strip()
    return asked, source


def render_changes(result: QuoteResult) -> str:
    """`⚠ Altered: the source says <i>working</i>, not <i>not working</i>` (each change)."""
    said = []
    for change in result.changes[:3]:
        asked, source = _with_context(result.diff, change)
        kind = "" if change.kind == "other" else f" ({change.kind})"
        if source and asked:
            said.append(f"the source says <i>{esc(source)}</i>, not <i>{esc(asked)}</i>{kind}")
        elif source:
            said.append(f"the source also says <i>{esc(source)}</i>{kind}")
        else:
            said.append(f"the source does not say <i>{esc(asked)}</i>{kind}")
    if not said:
        return VERDICT_LINES["altered"]
    return "⚠ <b>Altered</b>: " + "; ".join(said)


def speaker_details(p: Passage, labels: Labels | None = None) -> str:
    """Where a speaker's words stand: note (`speech in Berlin`), medium or the article that
    quotes them, and the date: `speech in Berlin, as quoted in ft.txt, 3 Sep 2025`."""
    label = (labels or {}).get(p.source, SourceLabel())
    bits = [p.note] if p.note else []
    if p.kind == "quote":
        bits.append(f"as quoted in {label.title or p.source}")
    else:
        bits.append(label.medium)
    bits.append(format_date(p.date))
    return ", ".join(b for b in bits if b)


def render_attribution_check(result: QuoteResult, labels: Labels | None = None) -> str:
    """`These are Mark Rutte's words (…), not Volodymyr Zelensky's.` when the claimed speaker
    differs; a short confirmation when it matches; empty when no speaker was named."""
    if result.attribution is None or not result.hits or result.claimed_speaker is None:
        return ""
    p = result.hits[0].passage
    claimed = esc(result.claimed_speaker)
    inferred = " (speaker inferred)" if getattr(p, "speaker_inferred", False) else ""
    if result.attribution == "differs":
        details = esc(speaker_details(p, labels))
        return (
            f"👤 These are <b>{esc(p.speaker)}</b>'s words{inferred} ({details}), not {claimed}'s."
        )
    return f"👤 Said by {claimed}, as claimed{inferred}."


def render_parts(result: QuoteResult, labels: Labels | None = None) -> str:
    """Each part of a spliced (or cross-passage) quote with its own place and date."""
    lines = []
    for number, part in enumerate(result.parts, 1):
        if part.result >= len(result.hits):
            continue
        p = result.hits[part.result].passage
        words = render_query(result.query[part.query_start : part.query_end])
        lines.append(
            f"{number}. “{words}” — <b>{esc(p.speaker)}</b>, {esc(speaker_details(p, labels))}"
            f" (result {part.result + 1})"
        )
    return "\n".join(lines)


def render_inline_verdict(result: QuoteResult) -> str:
    """The verdict a shared inline quote card carries into the chat (one short line)."""
    query = render_query(result.query[:80])
    if result.verdict == "altered" and result.changes:
        asked, source = _with_context(result.diff, result.changes[0])
        line = f"⚠ <b>Altered</b> “{query}”: the source says <i>{esc(source[:60])}</i>"
        return line + (f", not <i>{esc(asked[:60])}</i>" if asked else "")
    if result.verdict == "spliced":
        return f"✂ <b>Spliced</b> “{query}”: these words were not said together; one part:"
    if result.verdict == "not_found":
        return f"❌ <b>Not found</b> “{query}”: no passage says this; the closest, as a hint:"
    return f"{VERDICT_SHORT[result.verdict]} “{query}”:"


def render_quote_header(result: QuoteResult, threshold: float, labels: Labels | None = None) -> str:
    """Verdict, score and the word diff, above the hits. A wrong speaker leads, then an
    altered quote's changes, then a spliced quote's parts, each with its own place."""
    best = result.hits[0].score if result.hits else 0.0
    lines = []
    who = render_attribution_check(result, labels)
    if who and result.attribution == "differs":
        lines.append(who)
    if result.verdict == "altered":
        lines.append(render_changes(result) + f" (score {round(best)})")
    elif result.verdict == "spliced":
        lines.append(
            VERDICT_LINES["spliced"]
            + ": each part stands in another place, said apart from the others:"
        )
        lines.append(render_parts(result, labels))
    else:
        lines.append(VERDICT_LINES[result.verdict] + f" (score {round(best)})")
    if who and result.attribution == "matches":
        lines.append(who)
    if result.verdict == "verbatim" and len(result.parts) > 1:
        lines.append(f"Across {len(result.hits)} consecutive passages of one thread or run.")
    if result.skipped:
        left = "; ".join(f"“{render_query(s)}”" for s in result.skipped[:3])
        lines.append(f"{ELLIPSIS} stands for: {left}")
    if result.verdict in ("close", "altered") and result.diff:
        lines.append("Your words → the source's: " + render_diff(result.diff))
    if result.hits and getattr(result.hits[0].passage, "speaker_inferred", False):
        lines.append("ℹ The speaker is inferred from the article's wording (no speech verb).")
    line = "\n".join(lines)
    if result.verdict == "not_found":
        if result.hits:
            line += f".\nThe closest passage scores below {round(threshold)}; it is only a hint:"
        else:
            line += "."
    return line


def _chicago_name(speaker: str) -> str:
    """`Zelensky, Volodymyr` (a one-word name or an institution stays as it is)."""
    parts = speaker.split()
    if len(parts) < 2 or speaker.lower().startswith("unknown"):
        return speaker
    return f"{parts[-1]}, {' '.join(parts[:-1])}"


def _chicago_date(date: PassageDate | None) -> str:
    if date is None:
        return "n.d."
    if date.month is None:
        text = str(date.year)
    elif date.day is None:
        text = f"{MONTH_NAMES_TITLE[date.month - 1]} {date.year}"
    else:
        text = f"{MONTH_NAMES_TITLE[date.month - 1]} {date.day}, {date.year}"
    return text + (" (year inferred)" if date.year_inferred else "")


def render_citation(
    p: Passage, labels: Labels, start: int | None = None, end: int | None = None
) -> str:
    """A ready citation of `p.text[start:end]` (the whole passage by default): a plain form a
    journalist pastes, and Chicago style. The words are a verbatim slice; a cut is `…`."""
    label = labels.get(p.source, SourceLabel())
    lo, hi = (0, len(p.text)) if start is None or end is None else (start, end)
    lo, hi = max(0, min(lo, len(p.text))), max(0, min(hi, len(p.text)))
    if hi <= lo:
        lo, hi = 0, len(p.text)
    if not any(c.isalnum() for c in p.text[hi:]):
        hi = len(p.text)  # only the closing punctuation left: keep it
    quoted = p.text[lo:hi].strip()
    before = ELLIPSIS if any(c.isalnum() for c in p.text[:lo]) else ""
    after = ELLIPSIS if any(c.isalnum() for c in p.text[hi:]) else ""
    words_ = f"{before}{quoted}{after}"
    url = getattr(p, "url", None) or label.url
    inferred = " (speaker inferred)" if getattr(p, "speaker_inferred", False) else ""
    where = [label.title or label.medium] if p.kind != "quote" else []
    if p.kind == "quote":
        where.append(f"quoted in {label.title or p.source}")
    if p.note:
        where.insert(0, p.note)
    medium = ", ".join(where)
    plain = f"{p.speaker}{inferred}: “{words_}” ({medium}, {format_date(p.date)}"
    plain += f", {url})" if url else ")"
    chicago = f"{_chicago_name(p.speaker)}{inferred}. “{words_}” {medium}, {_chicago_date(p.date)}."
    if url:
        chicago += f" {url}."
    return (
        "<b>Cite</b> (tap to copy)\n"
        f"<code>{esc(plain)}</code>\n\n"
        f"Chicago:\n<code>{esc(chicago)}</code>"
    )


def render_sources(infos: Sequence[SourceInfo], labels: Labels) -> str:
    """What /sources shows: per source title, speaker, medium, counts and date coverage."""
    blocks = []
    for info in infos:
        label = labels.get(info.name, SourceLabel())
        title = esc(info.title or info.name)
        if info.url:
            title = f'<a href="{html.escape(info.url, quote=True)}">{title}</a>'
        if info.first_date and info.last_date:
            cover = f"{format_date(info.first_date)} – {format_date(info.last_date)}"
        else:
            cover = "no dated passages"
        lines = [
            f"<b>{title}</b>",
            f"{esc(info.speaker)} · {esc(label.medium)} · {esc(info.name)}",
            f"{info.passages} passages"
            + (f" in {info.threads} threads" if info.threads else "")
            + f"; dated {info.dated}, undated {info.undated}"
            + (f"; {info.quote_spans} quotes" if info.quote_spans else ""),
            f"dates: {esc(cover)}",
        ]
        others = [s for s in info.speakers if s != info.speaker]
        if others:
            lines.append("also speaking: " + esc(", ".join(others)))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) or "No sources are configured."


def render_context(ctx: PassageContext, labels: Labels) -> list[str]:
    """The passage with its neighbours (or its whole thread), the asked one marked."""
    p = ctx.passage
    around = ctx.thread or (*ctx.before, p, *ctx.after)
    if p not in around:
        around = (*ctx.before, p, *ctx.after)
    what = "the whole thread" if ctx.thread and p.thread else "the passages around it"
    header = f"Context of <code>{esc(p.id)}</code>, {what}:"
    chunks: list[str] = []
    for other in around:
        head = "▶ <b>the passage asked for</b>" if other.id == p.id else ""
        chunks.extend(hit_chunks(Hit(other, 100.0), labels, head=head, compact=other.id != p.id))
    return pack(chunks, header=header)


def render_query(args: str) -> str:
    """The user's query as echoed in a reply: escaped, cut to `ECHO_CHARS` with `…`."""
    if len(args) > ECHO_CHARS:
        args = args[:ECHO_CHARS].rstrip() + ELLIPSIS
    return esc(args)


def render_notice(text: str) -> str:
    """A plain-words notice (text.py's, or an error's message) as HTML."""
    return esc(text)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def render_date_empty(result: DateResult) -> str:
    """No passage dated so: say so, name the nearest dates, and that undated ones never show."""
    any_year = "" if result.query.year_given else " (any year)"
    lines = [f"Nothing is dated <b>{esc(result.query.label)}</b>{any_year} in the corpus."]
    if result.nearest:
        near = ", ".join(PassageDate(d.year, d.month, d.day).human() for d in result.nearest)
        lines.append(f"Nearest dates with passages: {near}.")
    lines.append("Passages whose date is unknown are never listed by date.")
    return "\n".join(lines)


def render_date_title(result: DateResult, shown: int, cut: bool) -> str:
    any_year = "" if result.query.year_given else " (any year)"
    more = f" (the first {shown})" if cut else ""
    label = esc(result.query.label)
    return f"<b>{label}</b>{any_year}: {plural(shown, 'passage')}{more}, in corpus order"


def render_topic_empty(args: str) -> str:
    return (
        f"Nothing about “{render_query(args)}” in the corpus. Try other or fewer words, "
        "or /quote for a sentence you remember."
    )


def render_topic_title(args: str, result: TopicResult) -> str:
    count = plural(len(result.hits), "passage")
    return f"<b>Topic</b> “{render_query(args)}”: {count}, most relevant first"


def render_quote_empty(args: str, lead: str) -> str:
    return f"{lead}\nNothing in the corpus comes close to “{render_query(args)}”."


def render_quote_title(args: str) -> str:
    return f"<b>Quote</b> “{render_query(args)}”"


def render_no_such_passage(args: str) -> str:
    return (
        f"No passage has the id “{esc(args[:40])}”. Every answer ends with an id, "
        "e.g. <code>/context abc123def0</code>."
    )


def render_sources_reply(infos: Sequence[SourceInfo], labels: Labels) -> str:
    return "<b>Sources</b>\n\n" + render_sources(infos, labels)


def render_failed_sources(lines: Sequence[str]) -> str:
    """For admins under /sources: the configured sources the index could not read."""
    if not lines:
        return ""
    shown = "\n".join(f"• {esc(line)}" for line in lines)
    return f"<b>Not indexed</b> (fix and /reload):\n{shown}"


def render_reload_failed(error: str) -> str:
    return f"Reload failed: {esc(error)}\nThe old index keeps serving."


def render_reloaded(report: BuildReport) -> str:
    passages = sum(s.passages for s in report.sources)
    warnings = sum(len(s.warnings) for s in report.sources)
    text = (
        f"Reloaded in {report.seconds:.1f} s: {len(report.sources)} sources, "
        f"{passages} passages, {warnings} parse warnings"
        + ("" if report.rebuilt else " (nothing changed; index reused)")
        + "."
    )
    return esc(text)


STAT_LABELS = {"page": "page turns", "inline": "inline queries"}


def stat_label(name: str) -> str:
    """A stats row's name: `/topic` for a command, words for what is not one (page turns)."""
    if name in words.COMMAND_NAMES:
        return f"/{esc(name)}"
    return esc(STAT_LABELS.get(name, name))


def render_stats(served: Mapping[str, int], sessions: int, report: BuildReport) -> str:
    lines = ["<b>Queries served</b>"]
    lines += [f"{stat_label(name)}: {count}" for name, count in served.items()] or ["none yet"]
    lines.append(f"total: {sum(served.values())}")
    lines.append(f"pageable lists kept: {sessions}")
    lines.append(
        f"passages: {sum(s.passages for s in report.sources)} in {len(report.sources)} sources"
    )
    return "\n".join(lines)


def render_welcome(*, inline_name: str) -> str:
    return (
        "<b>Hello!</b> I find the exact words of the texts I hold.\n"
        f"{words.PROMISE}\n\n"
        "Try:\n"
        "<code>/quote so long as he kills, he lives</code>\n"
        "<code>/topic drones</code>\n"
        "<code>/date Aug 28</code>\n"
        "<code>/random</code>\n\n"
        f"{words.PLAIN_TEXT_RULE}\n"
        f"In any chat, type <code>@{esc(inline_name)} drones</code> to share a quote.\n"
        "/help lists every command."
    )


def render_bad_payload(*, inline_name: str) -> str:
    return f"{esc(words.BAD_PAYLOAD)}\n\n{render_welcome(inline_name=inline_name)}"


def render_help(*, inline_name: str, is_admin: bool = False) -> str:
    lines = ["<b>Commands</b>"]
    for command in words.COMMANDS:
        if command.admin and not is_admin:
            continue
        lines.append(
            f"/{command.name}: {esc(command.description)}\n  <code>{esc(command.example)}</code>"
        )
    if not is_admin:
        lines.append("/reload and /stats are for the bot's admins.")
    lines.append("")
    lines.append(words.PLAIN_TEXT_RULE)
    lines.append(
        f"Inline: type <code>@{esc(inline_name)} words</code> in any chat; start with "
        "<code>quote:</code>, <code>topic:</code> or <code>date:</code> to choose the lookup."
    )
    lines.append(
        "Answers show the verbatim passage, then one line: speaker, medium, date (as precise "
        "as known), source file and line, and the id for /context."
    )
    lines.append("In groups I show the top results; the button opens the rest in private.")
    return "\n".join(lines)
