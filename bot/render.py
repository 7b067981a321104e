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
from bot.i18n import ENGLISH, N_, Translator
from corpus.lookup.date_query import parse_date_query
from corpus.lookup.timeline import Period, Timeline
from corpus.model import (
    MONTH_NAMES,
    BuildReport,
    DateQuery,
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
from corpus.question import Question
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


def format_date(date: PassageDate | None, tr: Translator = ENGLISH) -> str:
    """`4 Sep 2025`, `Sep 2025`, `4 Sep 2024 (year inferred)` or `date unknown` (in `tr`'s
    language: `4 вересня 2025`)."""
    if date is None:
        return tr._("date unknown")
    return tr.date(date) + (tr._(" (year inferred)") if date.year_inferred else "")


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


def attribution(
    p: Passage, labels: Labels, *, compact: bool = False, tr: Translator = ENGLISH
) -> str:
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
    parts.append(esc(format_date(p.date, tr) + (f", {clock}" if clock else "")))
    if p.thread is not None:
        tweet = tr._("tweet {position} of {count}")
        parts.append(tweet.format(position=p.thread.position, count=p.thread.tweet_count))
    if p.url and p.url.startswith(("https://", "http://")):
        parts.append(f'<a href="{html.escape(p.url, quote=True)}">{esc(tr._("post"))}</a>')
    elif compact:
        parts.append(tr._("line {line}").format(line=p.line))
    else:
        parts.append(tr._("{source}, line {line}").format(source=esc(p.source), line=p.line))
    if label.url and not compact:
        parts.append(f'<a href="{html.escape(label.url, quote=True)}">{esc(tr._("link"))}</a>')
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
    tr: Translator = ENGLISH,
) -> list[str]:
    """One hit as message chunks: normally one (head, quote, attribution); a passage too long
    for one message becomes consecutive verbatim pieces, `…` outside the quotes at each cut."""
    p = hit.passage
    spans = hit_spans(hit, mode)
    attr = attribution(p, labels, compact=compact, tr=tr)
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


def hit_head(number: int | None, score: float | None, tr: Translator = ENGLISH) -> str:
    parts = []
    if number is not None:
        parts.append(f"<b>{number}.</b>")
    if score is not None:
        parts.append(tr._("score {score}").format(score=round(score)))
    return " ".join(parts)


def render_hits(
    hits: Sequence[Hit],
    labels: Labels,
    *,
    mode: Mode = "plain",
    header: str = "",
    first_number: int | None = 1,
    scores: bool = False,
    tr: Translator = ENGLISH,
) -> list[str]:
    """A list of hits as messages, each within the limit, split only at passage boundaries
    (or inside a passage too long for one message)."""
    chunks: list[str] = []
    for i, hit in enumerate(hits):
        number = None if first_number is None else first_number + i
        head = hit_head(number, hit.score if scores else None, tr)
        chunks.extend(hit_chunks(hit, labels, mode=mode, head=head, tr=tr))
    return pack(chunks, header=header)


def render_passage(
    p: Passage, labels: Labels, *, header: str = "", tr: Translator = ENGLISH
) -> list[str]:
    return render_hits([Hit(p, 100.0)], labels, header=header, first_number=None, tr=tr)


def render_card(hit: Hit, labels: Labels, *, mode: Mode = "plain", tr: Translator = ENGLISH) -> str:
    """One message for an inline result: a long passage keeps its first piece, cut with `…`
    and a pointer to /context for the rest."""
    chunks = hit_chunks(hit, labels, mode=mode, limit=MAX_UNITS - 80, tr=tr)
    if len(chunks) == 1:
        return chunks[0]
    p = hit.passage
    tail = f"\n{attribution(p, labels, tr=tr)}"
    first = chunks[0].rsplit("\n", 1)[0]
    cut = tr._("(cut; send {command})").format(command=f"<code>/context {esc(p.id)}</code>")
    return first + "\n" + ELLIPSIS + " " + cut + tail


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


VERDICT_LINES = {  # English; shown through `tr._`
    "verbatim": N_("✅ <b>Verbatim</b>: the source says exactly this"),
    "close": N_("≈ <b>Close</b>: the source says nearly this; the differences are below"),
    "altered": N_("⚠ <b>Altered</b>: the source says something different"),
    "spliced": N_("✂ <b>Spliced</b>: these words were not said together"),
    "not_found": N_("❌ <b>Not found</b>: no passage says this"),
}
# not_found when the time budget ran out: only the closest candidates were checked
PARTIAL_NOT_FOUND = N_("❌ <b>Not found</b> in the passages I had time to check")
VERDICT_SHORT = {
    "verbatim": N_("✅ Verbatim"),
    "close": N_("≈ Close"),
    "altered": N_("⚠ Altered"),
    "spliced": N_("✂ Spliced"),
    "not_found": N_("❌ Not found"),
}
CHANGE_KINDS = {  # how a change is named after it: `(negation)`
    "negation": N_("negation"),
    "number": N_("number"),
    "name": N_("name"),
    "quantifier": N_("quantifier"),
    "word": N_("another word"),
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


def render_changes(result: QuoteResult, tr: Translator = ENGLISH) -> str:
    """`⚠ Altered: the source says <i>working</i>, not <i>not working</i>` (each change)."""
    said = []
    for change in result.changes[:3]:
        asked, source = _with_context(result.diff, change)
        named = CHANGE_KINDS.get(change.kind, change.kind)
        kind = "" if change.kind == "other" else f" ({tr._(named)})"
        source_html, asked_html = f"<i>{esc(source)}</i>", f"<i>{esc(asked)}</i>"
        if source and asked:
            line = tr._("the source says {source}, not {asked}")
        elif source:
            line = tr._("the source also says {source}")
        else:
            line = tr._("the source does not say {asked}")
        said.append(line.format(source=source_html, asked=asked_html) + kind)
    if not said:
        return tr._(VERDICT_LINES["altered"])
    return tr._("⚠ <b>Altered</b>: {changes}").format(changes="; ".join(said))


def speaker_details(p: Passage, labels: Labels | None = None, tr: Translator = ENGLISH) -> str:
    """Where a speaker's words stand: note (`speech in Berlin`), medium or the article that
    quotes them, and the date: `speech in Berlin, as quoted in ft.txt, 3 Sep 2025`."""
    label = (labels or {}).get(p.source, SourceLabel())
    bits = [p.note] if p.note else []
    if p.kind == "quote":
        bits.append(tr._("as quoted in {title}").format(title=label.title or p.source))
    else:
        bits.append(label.medium)
    bits.append(format_date(p.date, tr))
    return ", ".join(b for b in bits if b)


def render_attribution_check(
    result: QuoteResult, labels: Labels | None = None, tr: Translator = ENGLISH
) -> str:
    """`These are Mark Rutte's words (…), not Volodymyr Zelensky's.` when the claimed speaker
    differs; a short confirmation when it matches; empty when no speaker was named."""
    if result.attribution is None or not result.hits or result.claimed_speaker is None:
        return ""
    p = result.hits[0].passage
    claimed = esc(result.claimed_speaker)
    inferred = tr._(" (speaker inferred)") if getattr(p, "speaker_inferred", False) else ""
    if result.attribution == "differs":
        details = esc(speaker_details(p, labels, tr))
        line = tr._("👤 These are {speaker}'s words{inferred} ({details}), not {claimed}'s.")
        speaker = f"<b>{esc(p.speaker)}</b>"
        return line.format(speaker=speaker, inferred=inferred, details=details, claimed=claimed)
    return tr._("👤 Said by {claimed}, as claimed{inferred}.").format(
        claimed=claimed, inferred=inferred
    )


def render_parts(
    result: QuoteResult, labels: Labels | None = None, tr: Translator = ENGLISH
) -> str:
    """Each part of a spliced (or cross-passage) quote with its own place and date."""
    lines = []
    for number, part in enumerate(result.parts, 1):
        if part.result >= len(result.hits):
            continue
        p = result.hits[part.result].passage
        words = render_query(result.query[part.query_start : part.query_end])
        where = tr._("(result {number})").format(number=part.result + 1)
        lines.append(
            f"{number}. “{words}” — <b>{esc(p.speaker)}</b>, "
            f"{esc(speaker_details(p, labels, tr))} {where}"
        )
    return "\n".join(lines)


def render_inline_verdict(result: QuoteResult, tr: Translator = ENGLISH) -> str:
    """The verdict a shared inline quote card carries into the chat (one short line)."""
    query = render_query(result.query[:80])
    if result.verdict == "altered" and result.changes:
        asked, source = _with_context(result.diff, result.changes[0])
        source_html, asked_html = f"<i>{esc(source[:60])}</i>", f"<i>{esc(asked[:60])}</i>"
        if asked:
            line = tr._("⚠ <b>Altered</b> “{query}”: the source says {source}, not {asked}")
        else:
            line = tr._("⚠ <b>Altered</b> “{query}”: the source says {source}")
        return line.format(query=query, source=source_html, asked=asked_html)
    if result.verdict == "spliced":
        line = tr._("✂ <b>Spliced</b> “{query}”: these words were not said together; one part:")
        return line.format(query=query)
    if result.verdict == "not_found" and result.partial:
        line = tr._("❌ <b>Not found</b> “{query}” in the passages I had time to check; closest:")
        return line.format(query=query)
    if result.verdict == "not_found":
        line = tr._("❌ <b>Not found</b> “{query}”: no passage says this; the closest, as a hint:")
        return line.format(query=query)
    return f"{tr._(VERDICT_SHORT[result.verdict])} “{query}”:"


def render_quote_header(
    result: QuoteResult,
    threshold: float,
    labels: Labels | None = None,
    tr: Translator = ENGLISH,
) -> str:
    """Verdict, score and the word diff, above the hits. A wrong speaker leads, then an
    altered quote's changes, then a spliced quote's parts, each with its own place."""
    best = result.hits[0].score if result.hits else 0.0
    lines = []
    who = render_attribution_check(result, labels, tr)
    score = " " + tr._("(score {score})").format(score=round(best))
    if who and result.attribution == "differs":
        lines.append(who)
    if result.verdict == "altered":
        lines.append(render_changes(result, tr) + score)
    elif result.verdict == "spliced":
        lines.append(
            tr._(VERDICT_LINES["spliced"])
            + tr._(": each part stands in another place, said apart from the others:")
        )
        lines.append(render_parts(result, labels, tr))
    elif result.verdict == "not_found" and result.partial:  # never "no passage says this"
        lines.append(tr._(PARTIAL_NOT_FOUND) + score)
    else:
        lines.append(tr._(VERDICT_LINES[result.verdict]) + score)
    if who and result.attribution == "matches":
        lines.append(who)
    if result.reported_speaker and result.hits:
        reported = tr._(
            "ℹ In {narrator}'s words, reporting what {speaker} said: a paraphrase, not a "
            "quotation of {speaker}."
        )
        lines.append(
            reported.format(
                narrator=esc(result.hits[0].passage.speaker),
                speaker=f"<b>{esc(result.reported_speaker)}</b>",
            )
        )
    if result.verdict == "verbatim" and len(result.parts) > 1:
        lines.append(
            tr.count(
                "Across {n} consecutive passage of one thread or run.",
                "Across {n} consecutive passages of one thread or run.",
                len(result.hits),
            )
        )
    if result.skipped:
        left = "; ".join(f"“{render_query(s)}”" for s in result.skipped[:3])
        lines.append(f"{ELLIPSIS} " + tr._("stands for: {words}").format(words=left))
    if result.verdict in ("close", "altered") and result.diff:
        lines.append(tr._("Your words → the source's: ") + render_diff(result.diff))
    if result.hits and getattr(result.hits[0].passage, "speaker_inferred", False):
        lines.append(tr._("ℹ The speaker is inferred from the article's wording (no speech verb)."))
    line = "\n".join(lines)
    if result.verdict == "not_found":
        if result.hits and result.hits[0].score < threshold:
            below = tr._("The closest passage scores below {threshold}; it is only a hint:")
            line += ".\n" + below.format(threshold=round(threshold))
        elif result.hits:  # close in score, yet the words are not all there: never "close"
            line += ".\n" + tr._(
                "The closest passage does not hold all your words; it is only a hint:"
            )
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
    p: Passage,
    labels: Labels,
    start: int | None = None,
    end: int | None = None,
    tr: Translator = ENGLISH,
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
    is_inferred = getattr(p, "speaker_inferred", False)
    inferred = " (speaker inferred)" if is_inferred else ""  # Chicago style stays English
    where = [label.title or label.medium] if p.kind != "quote" else []
    if p.kind == "quote":
        where.append(f"quoted in {label.title or p.source}")
    if p.note:
        where.insert(0, p.note)
    medium = ", ".join(where)
    said = tr._(" (speaker inferred)") if is_inferred else ""
    plain = f"{p.speaker}{said}: “{words_}” ({medium}, {format_date(p.date, tr)}"
    plain += f", {url})" if url else ")"
    chicago = f"{_chicago_name(p.speaker)}{inferred}. “{words_}” {medium}, {_chicago_date(p.date)}."
    if url:
        chicago += f" {url}."
    return (
        tr._("<b>Cite</b> (tap to copy)")
        + f"\n<code>{esc(plain)}</code>\n\n"
        + tr._("Chicago:")
        + f"\n<code>{esc(chicago)}</code>"
    )


def render_sources(infos: Sequence[SourceInfo], labels: Labels, tr: Translator = ENGLISH) -> str:
    """What /sources shows: per source title, speaker, medium, counts and date coverage."""
    blocks = []
    for info in infos:
        label = labels.get(info.name, SourceLabel())
        title = esc(info.title or info.name)
        if info.url:
            title = f'<a href="{html.escape(info.url, quote=True)}">{title}</a>'
        if info.first_date and info.last_date:
            cover = f"{format_date(info.first_date, tr)} – {format_date(info.last_date, tr)}"
        else:
            cover = tr._("no dated passages")
        counts = tr.count("{n} passage", "{n} passages", info.passages)
        if info.threads:
            counts += " " + tr.count("in {n} thread", "in {n} threads", info.threads)
        counts += tr._("; dated {dated}, undated {undated}").format(
            dated=info.dated, undated=info.undated
        )
        if info.quote_spans:
            counts += "; " + tr.count("{n} quote", "{n} quotes", info.quote_spans)
        lines = [
            f"<b>{title}</b>",
            f"{esc(info.speaker)} · {esc(label.medium)} · {esc(info.name)}",
            counts,
            tr._("dates: {cover}").format(cover=esc(cover)),
        ]
        others = [s for s in info.speakers if s != info.speaker]
        if others:
            lines.append(tr._("also speaking: {names}").format(names=esc(", ".join(others))))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) or tr._("No sources are configured.")


def render_context(ctx: PassageContext, labels: Labels, tr: Translator = ENGLISH) -> list[str]:
    """The passage with its neighbours (or its whole thread), the asked one marked."""
    p = ctx.passage
    around = ctx.thread or (*ctx.before, p, *ctx.after)
    if p not in around:
        around = (*ctx.before, p, *ctx.after)
    if ctx.thread and p.thread:
        header = tr._("Context of {id}, the whole thread:")
    else:
        header = tr._("Context of {id}, the passages around it:")
    header = header.format(id=f"<code>{esc(p.id)}</code>")
    chunks: list[str] = []
    for other in around:
        head = tr._("▶ <b>the passage asked for</b>") if other.id == p.id else ""
        compact = other.id != p.id
        chunks.extend(hit_chunks(Hit(other, 100.0), labels, head=head, compact=compact, tr=tr))
    return pack(chunks, header=header)


def render_query(args: str) -> str:
    """The user's query as echoed in a reply: escaped, cut to `ECHO_CHARS` with `…`."""
    if len(args) > ECHO_CHARS:
        args = args[:ECHO_CHARS].rstrip() + ELLIPSIS
    return esc(args)


def render_partial(tr: Translator = ENGLISH) -> str:
    """The line a lookup cut short by its time budget adds: only what was checked counts."""
    return f"\n<i>{esc(tr._(words.PARTIAL_ANSWER))}</i>"


def render_notice(text: str) -> str:
    """A plain-words notice (text.py's, or an error's message) as HTML."""
    return esc(text)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def render_date_empty(result: DateResult, tr: Translator = ENGLISH) -> str:
    """No passage dated so: say so, name the nearest dates, and that undated ones never show."""
    any_year = "" if result.query.year_given else tr._(" (any year)")
    label = f"<b>{esc(tr.date_label(result.query))}</b>{any_year}"
    lines = [tr._("Nothing is dated {label} in the corpus.").format(label=label)]
    if result.nearest:
        near = ", ".join(tr.day(d) for d in result.nearest)
        lines.append(tr._("Nearest dates with passages: {dates}.").format(dates=esc(near)))
    lines.append(tr._("Passages whose date is unknown are never listed by date."))
    return "\n".join(lines)


def render_date_title(result: DateResult, shown: int, cut: bool, tr: Translator = ENGLISH) -> str:
    any_year = "" if result.query.year_given else tr._(" (any year)")
    label = f"<b>{esc(tr.date_label(result.query))}</b>{any_year}"
    if cut:
        title = tr.ngettext(
            "{label}: {n} passage (the first {n}), in corpus order",
            "{label}: {n} passages (the first {n}), in corpus order",
            shown,
        )
    else:
        title = tr.ngettext(
            "{label}: {n} passage, in corpus order", "{label}: {n} passages, in corpus order", shown
        )
    return title.format(label=label, n=shown)


def render_topic_empty(args: str, tr: Translator = ENGLISH) -> str:
    return tr._(
        "Nothing about “{query}” in the corpus. Try other or fewer words, "
        "or /quote for a sentence you remember."
    ).format(query=render_query(args))


def render_topic_title(args: str, result: TopicResult, tr: Translator = ENGLISH) -> str:
    title = tr.ngettext(
        "<b>Topic</b> “{query}”: {n} passage, most relevant first",
        "<b>Topic</b> “{query}”: {n} passages, most relevant first",
        len(result.hits),
    )
    return title.format(query=render_query(args), n=len(result.hits))


def render_quote_empty(args: str, lead: str, tr: Translator = ENGLISH) -> str:
    nothing = tr._("Nothing in the corpus comes close to “{query}”.")
    return f"{lead}\n" + nothing.format(query=render_query(args))


def render_quote_title(args: str, tr: Translator = ENGLISH) -> str:
    return tr._("<b>Quote</b> “{query}”").format(query=render_query(args))


def render_no_such_passage(args: str, tr: Translator = ENGLISH) -> str:
    return tr._(
        "No passage has the id “{id}”. Every answer ends with an id, "
        "e.g. <code>/context abc123def0</code>."
    ).format(id=esc(args[:40]))


def render_sources_reply(
    infos: Sequence[SourceInfo], labels: Labels, tr: Translator = ENGLISH
) -> str:
    return tr._("<b>Sources</b>") + "\n\n" + render_sources(infos, labels, tr)


def render_failed_sources(lines: Sequence[str], tr: Translator = ENGLISH) -> str:
    """For admins under /sources: the configured sources the index could not read."""
    if not lines:
        return ""
    shown = "\n".join(f"• {esc(line)}" for line in lines)
    return tr._("<b>Not indexed</b> (fix and /reload):") + f"\n{shown}"


def render_reload_failed(error: str, tr: Translator = ENGLISH) -> str:
    return tr._("Reload failed: {error}\nThe old index keeps serving.").format(error=esc(error))


def render_reloaded(report: BuildReport, tr: Translator = ENGLISH) -> str:
    passages = sum(s.passages for s in report.sources)
    warnings = sum(len(s.warnings) for s in report.sources)
    text = (
        tr._("Reloaded in {seconds} s").format(seconds=f"{report.seconds:.1f}")
        + ": "
        + tr.count("{n} source", "{n} sources", len(report.sources))
        + ", "
        + tr.count("{n} passage", "{n} passages", passages)
        + ", "
        + tr.count("{n} parse warning", "{n} parse warnings", warnings)
        + ("" if report.rebuilt else tr._(" (nothing changed; index reused)"))
        + "."
    )
    return esc(text)


STAT_LABELS = {"page": N_("page turns"), "inline": N_("inline queries")}


def stat_label(name: str, tr: Translator = ENGLISH) -> str:
    """A stats row's name: `/topic` for a command, words for what is not one (page turns)."""
    if name in words.COMMAND_NAMES:
        return f"/{esc(name)}"
    return esc(tr._(STAT_LABELS[name]) if name in STAT_LABELS else name)


def render_stats(
    served: Mapping[str, int], sessions: int, report: BuildReport, tr: Translator = ENGLISH
) -> str:
    lines = [tr._("<b>Queries served</b>")]
    rows = [f"{stat_label(name, tr)}: {count}" for name, count in served.items()]
    lines += rows or [tr._("none yet")]
    lines.append(tr._("total: {count}").format(count=sum(served.values())))
    lines.append(tr._("pageable lists kept: {count}").format(count=sessions))
    passages = sum(s.passages for s in report.sources)
    lines.append(
        tr.ngettext(
            "passages: {passages} in {n} source",
            "passages: {passages} in {n} sources",
            len(report.sources),
        ).format(passages=passages, n=len(report.sources))
    )
    return "\n".join(lines)


def render_welcome(*, inline_name: str, tr: Translator = ENGLISH) -> str:
    return tr._(
        "<b>Hello!</b> I find the exact words of the texts I hold.\n"
        "{promise}\n\n"
        "Try:\n"
        "<code>/quote so long as he kills, he lives</code>\n"
        "<code>/topic drones</code>\n"
        "<code>/date Aug 28</code>\n"
        "<code>/random</code>\n\n"
        "{plain_text_rule}\n"
        "In any chat, type <code>@{inline_name} drones</code> to share a quote.\n"
        "/help lists every command."
    ).format(
        promise=tr._(words.PROMISE),
        plain_text_rule=tr._(words.PLAIN_TEXT_RULE),
        inline_name=esc(inline_name),
    )


def render_bad_payload(*, inline_name: str, tr: Translator = ENGLISH) -> str:
    welcome = render_welcome(inline_name=inline_name, tr=tr)
    return f"{esc(tr._(words.BAD_PAYLOAD))}\n\n{welcome}"


def render_help(*, inline_name: str, is_admin: bool = False, tr: Translator = ENGLISH) -> str:
    lines = [tr._("<b>Commands</b>")]
    for command in words.COMMANDS:
        if command.admin and not is_admin:
            continue
        lines.append(
            f"/{command.name}: {esc(tr._(command.description))}\n"
            f"  <code>{esc(command.example)}</code>"
        )
    if not is_admin:
        lines.append(tr._("/reload and /stats are for the bot's admins."))
    lines.append("")
    lines.append(tr._(words.PLAIN_TEXT_RULE))
    lines.append(tr._(words.QUESTIONS_RULE))
    lines.append(
        tr._(
            "Inline: type <code>@{inline_name} words</code> in any chat; start with "
            "<code>quote:</code>, <code>topic:</code> or <code>date:</code> to choose the lookup."
        ).format(inline_name=esc(inline_name))
    )
    lines.append(
        tr._(
            "Answers show the verbatim passage, then one line: speaker, medium, date (as precise "
            "as known), source file and line, and the id for /context."
        )
    )
    lines.append(tr._("In groups I show the top results; the button opens the rest in private."))
    lines.append(tr._(words.SEARCH_SYNTAX))
    return "\n".join(lines)


def render_total_title(title: str, total: int, shown: int, tr: Translator = ENGLISH) -> str:
    """A list's title with the honest count: how many match in all, and how many the pages
    hold when that is fewer."""
    if total > shown:
        more = tr.ngettext(
            "{n} match in all, listed {shown} at a time: page on for the rest.",
            "{n} match in all, listed {shown} at a time: page on for the rest.",
            total,
        )
        return f"{title}\n" + more.format(n=total, shown=shown)
    return title


def render_said(said: Sequence[str]) -> str:
    """The filters as understood: ` (by Mark Rutte, since 20 Aug 2025)` (the core's words)."""
    return f" ({esc(', '.join(said))})" if said else ""


def render_suggestions(suggestions: Sequence[str], tr: Translator = ENGLISH) -> str:
    if not suggestions:
        return ""
    found = ", ".join(f"<code>{esc(s)}</code>" for s in suggestions)
    return "\n" + tr._("The corpus has: {words}.").format(words=found)


def render_reading(query: DateQuery, tr: Translator = ENGLISH) -> str:
    """How a numeric date was read (`Read day first (3 Jul 2025); month first it would be
    7 Mar 2025.`), in italics; empty when the date had no numbers to read either way."""
    if query.month_first is None:
        return ""
    label = tr.date_label(query)
    if query.ambiguous and query.other_reading:
        other = tr.date_label(parse_date_query(query.other_reading))
        if query.month_first:
            note = tr._("Read month first ({label}); day first it would be {other}.")
        else:
            note = tr._("Read day first ({label}); month first it would be {other}.")
        note = note.format(label=label, other=other)
    elif query.month_first:
        note = tr._("Read month first ({label}): the other way round is no date.").format(
            label=label
        )
    else:
        note = tr._("Read day first ({label}): the other way round is no date.").format(label=label)
    return f"\n<i>{esc(note)}</i>"


def render_other_reading(text: str, tr: Translator = ENGLISH) -> str:
    """The label of the button that looks an ambiguous date up the other way round."""
    return tr._("Read as {date}").format(date=text)


def render_speakers(
    speakers: Sequence[tuple[str, int, int, tuple[PassageDate, PassageDate] | None]],
    tr: Translator = ENGLISH,
) -> str:
    """/speakers: each speaker with passage counts and the dates their passages cover."""
    lines = [tr._("<b>Speakers</b>: {n}").format(n=len(speakers))]
    for name, passages, dated, span in speakers:
        if dated and span is not None:
            dates = f"{tr.date(span[0])} – {tr.date(span[1])}"
            cover = tr._(", dated {span}").format(span=dates)
        else:
            cover = tr._(", no dates")
        count = tr.count("{n} passage", "{n} passages", passages)
        lines.append(f"• {esc(name)}: {count}{esc(cover)}")
    return "\n".join(lines)


def render_timeline_caption(timeline: Timeline, tr: Translator = ENGLISH) -> str:
    """The caption of /timeline's chart: the words, the total, the peak (<= 1024 chars)."""
    peak = timeline.peak
    query = esc(timeline.query[:200])
    head = tr._("<b>Timeline</b> “{query}”").format(query=query)
    head += render_said(timeline.said) + ": "
    if timeline.unit == "week":
        head += tr.count("{n} passage per week", "{n} passages per week", timeline.total)
    else:
        head += tr.count("{n} passage per month", "{n} passages per month", timeline.total)
    if peak is not None and peak.count:
        head += tr._("; peak {count} in {period}").format(
            count=peak.count, period=period_text(peak, tr)
        )
    if timeline.undated:
        head += tr._("; {n} with no known month, not drawn").format(n=timeline.undated)
    return head + "."


def render_timeline_numbers(timeline: Timeline, at_most: int = 60, tr: Translator = ENGLISH) -> str:
    """The chart's numbers as text (for clients without pictures): one line per period
    with matches, in time order."""
    rows = [p for p in timeline.series if p.count]
    lines = [f"{esc(period_text(p, tr))}: {p.count}" for p in rows[:at_most]]
    left = len(rows) - at_most
    if left > 0:
        if timeline.unit == "week":
            lines.append(tr.count("… and {n} more week", "… and {n} more weeks", left))
        else:
            lines.append(tr.count("… and {n} more month", "… and {n} more months", left))
    if timeline.undated:
        lines.append(tr._("no known month: {n}").format(n=timeline.undated))
    lines.append(tr._("total: {count}").format(count=timeline.total))
    return "\n".join(lines)


def render_timeline_words(timeline: Timeline, tr: Translator = ENGLISH) -> tuple[str, str]:
    """The chart's own words: (its title, its y axis label)."""
    week = timeline.unit == "week"
    title = tr._("“{query}” per week") if week else tr._("“{query}” per month")
    return title.format(query=timeline.query), tr._("passages")


def period_text(period: Period, tr: Translator = ENGLISH) -> str:
    """`2025-W34 (18 Aug – 24 Aug 2025)` for a week, `Aug 2025` for a month."""
    if period.label[5:6] == "W":
        return f"{period.label} ({tr.day_month(period.first)} – {tr.day(period.last)})"
    return tr.date(PassageDate(period.first.year, period.first.month))


# --- questions in plain words (corpus/question): how each was read, and what it asked first


def render_question_title(question: Question, tr: Translator = ENGLISH) -> str:
    """How a quote question was read, above its answer: `Checked as a quote by Volodymyr
    Zelensky: “…”`, `Who said “…”?`, `When did Volodymyr Zelensky say “…”?`."""
    title = _render_question_words(question, tr)
    if question.filters:
        title += " <code>" + esc(" ".join(question.filters)) + "</code>"
    return title


def _render_question_words(question: Question, tr: Translator) -> str:
    quote = render_query(question.quote)
    claim = question.claim or " / ".join(question.speakers)
    if question.kind == "who":
        return tr._("<b>Who said</b> “{quote}”?").format(quote=quote)
    if question.kind == "when":
        if claim:
            line = tr._("<b>When did {speaker} say</b> “{quote}”?")
            return line.format(speaker=esc(claim), quote=quote)
        return tr._("<b>When was it said</b>: “{quote}”?").format(quote=quote)
    if claim:
        line = tr._("<b>Checked as a quote by {speaker}</b>: “{quote}”")
        return line.format(speaker=esc(claim), quote=quote)
    return tr._("<b>Checked as a quote</b>: “{quote}”").format(quote=quote)


def render_read_as(question: Question, tr: Translator = ENGLISH) -> str:
    """How a topic or date question was read, as the command that asks the same:
    `Read as: /topic drones by:"Mark Rutte" since:August`."""
    command = f"/{question.command} {question.args}"
    return tr._("<i>Read as</i>: <code>{command}</code>").format(command=esc(command))


def render_unknown_speaker(question: Question, tr: Translator = ENGLISH) -> str:
    """`No speaker named “Putin” in the corpus …` when the name asked about is none of its
    speakers; empty otherwise."""
    if question.speaker_known:
        return ""
    line = tr._("👤 No speaker named “{name}” in the corpus (/speakers lists them).")
    return line.format(name=esc(question.speaker_asked))


def render_question_lead(
    question: Question,
    result: QuoteResult,
    threshold: float,
    labels: Labels | None = None,
    tr: Translator = ENGLISH,
) -> str:
    """What a quote question asked first, above the verdict: a name the corpus lacks; for
    `who said …` (or an unknown name, or several) who said the words, and the others who
    said similar words; for `when did … say …` when."""
    lines = [render_unknown_speaker(question, tr)]
    # the whole corpus was searched: only then may a lead say nobody said the words
    whole = not result.partial and not question.filters
    if question.kind == "when":
        lines.append(_render_when(result, whole, tr))
    elif question.kind == "who" or not question.speaker_known or question.speakers:
        lines.append(_render_who(result, threshold, whole, labels, tr))
    return "\n".join(line for line in lines if line)


def _render_who(
    result: QuoteResult, threshold: float, whole: bool, labels: Labels | None, tr: Translator
) -> str:
    if result.verdict == "spliced" or (result.verdict != "not_found" and not result.hits):
        return ""
    if result.verdict == "not_found":
        if whole:
            return tr._("🗣 <b>Who</b>: nobody in the corpus said these words.")
        return tr._("🗣 <b>Who</b>: these words are not in the passages checked.")
    p = result.hits[0].passage
    speaker = f"<b>{esc(p.speaker)}</b>"
    details = esc(speaker_details(p, labels, tr))
    if result.verdict == "altered":
        line = tr._(
            "🗣 <b>Who</b>: not these words; the closest, with another meaning, are "
            "{speaker}'s ({details})."
        )
        return line.format(speaker=speaker, details=details)
    line = tr._("🗣 <b>Who</b>: {speaker} ({details}).").format(speaker=speaker, details=details)
    others: dict[str, float] = {}
    for hit in result.hits[1:]:
        name = hit.passage.speaker
        if hit.score >= threshold and name != p.speaker and name not in others:
            others[name] = hit.score
    if others:
        names = ", ".join(
            tr._("{speaker} (score {score})").format(speaker=esc(name), score=round(score))
            for name, score in others.items()
        )
        line += "\n" + tr._("Similar words also by: {speakers}.").format(speakers=names)
    return line


def _render_when(result: QuoteResult, whole: bool, tr: Translator) -> str:
    if result.verdict == "spliced" or (result.verdict != "not_found" and not result.hits):
        return ""
    if result.verdict == "not_found":
        if whole:
            return tr._("📅 <b>When</b>: never in the corpus, in these words.")
        return tr._("📅 <b>When</b>: these words are not in the passages checked.")
    p = result.hits[0].passage
    when = f"<b>{esc(format_date(p.date, tr))}</b>"
    speaker = esc(p.speaker)
    if result.verdict == "altered":
        line = tr._(
            "📅 <b>When</b>: not in these words; the closest, with another meaning, "
            "{date} ({speaker})."
        )
        return line.format(date=when, speaker=speaker)
    return tr._("📅 <b>When</b>: {date} ({speaker}).").format(date=when, speaker=speaker)
