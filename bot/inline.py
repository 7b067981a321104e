"""Inline mode (`@bot words` in any chat): cards of exact text with attribution, paged."""

from __future__ import annotations

import logging

from telegram.constants import InlineQueryResultLimit

from bot.i18n import ENGLISH, N_
from bot.render import format_date, render_card, render_inline_verdict
from bot.reply import AskContext, InlineAnswer, InlineCard
from bot.router import allowed, route_plain
from bot.services import Services, today_of
from corpus.errors import CorpusError
from corpus.model import Hit

log = logging.getLogger(__name__)

PREFIXES = ("quote", "topic", "date")
MAX_TOTAL = 200  # results reachable by scrolling
QUOTE_LIMIT = 20
VERDICT_TITLES = {
    "verbatim": N_("✅ verbatim"),
    "close": N_("≈ close"),
    "altered": N_("⚠ altered"),
    "spliced": N_("✂ spliced"),
    "not_found": N_("❌ not found, closest"),
}
HINT_FLOOR = 60.0  # a not_found quote's closest passage below this is unrelated: not offered
HELP_BUTTON = N_("How to use")
SLOW_DOWN_BUTTON = N_("Too many searches: wait a minute")


def read_query(query: str) -> tuple[str, str]:
    """(`quote`|`topic`|`date`, words): an explicit `prefix:`, else by the text's shape."""
    text = query.strip()
    head, sep, rest = text.partition(":")
    if sep and head.strip().lower() in PREFIXES:
        return head.strip().lower(), rest.strip()
    return route_plain(text), text


def read_offset(offset: str) -> int:
    """The offset we sent as next_offset; anything else (forged, garbage) starts over."""
    return int(offset) if offset.isdigit() and int(offset) < MAX_TOTAL else 0


async def answer_inline(
    services: Services, query: str, offset: str, ctx: AskContext
) -> InlineAnswer:
    """Up to `inline_max_results` cards from `offset`; an empty query shows random passages."""
    size = services.config.replies.inline_max_results
    if not allowed(services, ctx):
        return InlineAnswer((), "", ctx.tr._(HELP_BUTTON), "help")
    allowance = services.limiter.check_inline(ctx.user_id)
    if allowance == "notice":  # told once per limited period
        return InlineAnswer((), "", ctx.tr._(SLOW_DOWN_BUTTON), "help")
    if allowance == "silent":  # a flood: no lookup, no write, no call
        return InlineAnswer((), silent=True)
    start = read_offset(offset)
    lead: str | None = None
    kind, words = read_query(query[: services.config.replies.max_query_chars])
    try:
        if not words:
            passages = await services.library.random(size)
            hits, verdict = tuple(Hit(p, 100.0) for p in passages), None
            start = 0
        else:
            hits, verdict, lead = await lookup(services, kind, words, start + size + 1, ctx)
    except CorpusError:
        hits, verdict = (), None
    except Exception:
        log.exception("inline lookup failed: %r", query[:100])
        hits, verdict = (), None
    if start == 0:
        await services.state.count_query("inline")
    page = hits[start : start + size]
    more = bool(words) and len(hits) > start + size and start + size < MAX_TOTAL
    mode = "quote" if kind == "quote" else "topic" if kind == "topic" else "plain"
    cards = tuple(
        card(services, hit, start + i, mode, verdict if start + i == 0 else None, lead, ctx)
        for i, hit in enumerate(page)
    )
    return InlineAnswer(cards, str(start + size) if more else "", ctx.tr._(HELP_BUTTON), "help")


async def lookup(
    services: Services, kind: str, words: str, limit: int, ctx: AskContext | None = None
) -> tuple[tuple[Hit, ...], str | None, str | None]:
    """The hits, and for a quote its verdict and the verdict line every card carries into
    the chat. Unrelated low-score passages are not offered: a not_found quote's closest only
    from `HINT_FLOOR`, and besides the best only matches at or above the threshold."""
    library = services.library
    limit = min(limit, MAX_TOTAL + 1)
    today = today_of(services)  # `since:yesterday`, `/date last week`: the bot's clock
    if kind == "date":
        return (await library.find_date(words, limit=limit, today=today)).hits, None, None
    if kind == "quote":
        result = await library.find_quote(words, limit=min(limit, QUOTE_LIMIT))
        threshold = services.config.replies.quote_threshold
        if result.hint is not None:
            hits: tuple[Hit, ...] = (result.hint,) if result.hint.score >= HINT_FLOOR else ()
        elif result.parts:
            hits = result.matches
        else:
            hits = result.matches[:1] + tuple(h for h in result.matches[1:] if h.score >= threshold)
        tr = ctx.tr if ctx is not None else ENGLISH
        return hits, result.verdict, render_inline_verdict(result, tr)
    return (await library.find_topic(words, limit=limit, today=today)).hits, None, None


def card(
    services: Services,
    hit: Hit,
    number: int,
    mode: str,
    verdict: str | None,
    lead: str | None = None,
    ctx: AskContext | None = None,
) -> InlineCard:
    p = hit.passage
    tr = ctx.tr if ctx is not None else ENGLISH
    title = f"{p.speaker} · {format_date(p.date, tr)}"
    if verdict:
        named = tr._(VERDICT_TITLES[verdict]) if verdict in VERDICT_TITLES else verdict
        title = f"{named} ({round(hit.score)}) · {title}"
    description = " ".join(p.text[:400].split())  # a 20 MB passage costs no more
    if len(description) > 120:
        description = description[:119] + "…"
    html = render_card(hit, services.labels, mode=mode, tr=tr)  # type: ignore[arg-type]
    if lead:  # the verdict travels with the message into the chat
        html = f"{lead}\n{html}"
    card_id = f"{number}_{p.id}"[: InlineQueryResultLimit.MAX_ID_LENGTH]
    return InlineCard(id=card_id, title=title[:200], description=description, html=html)
