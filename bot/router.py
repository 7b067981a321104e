"""From what a user typed (or pressed) to the bot's reply, independent of PTB.

`answer` parses `/cmd[@bot] args`, enforces access and rate limits, runs the lookup and renders
it; `press` answers button callbacks. The CLI's `ask` and the Telegram handlers both call these,
so the terminal shows exactly what Telegram users get.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot import text as words
from bot.paging import ListView, deep_link, list_messages, reopen, turn_page
from bot.render import (
    esc,
    render_context,
    render_passage,
    render_quote_header,
    render_sources,
)
from bot.reply import AskContext, Button, ButtonAnswer, OutMessage, Reply
from bot.services import Services
from corpus.errors import CorpusError, QueryError
from corpus.lookup.date_query import parse_date_query
from corpus.model import PASSAGE_ID_RE, Hit, PassageDate

log = logging.getLogger(__name__)

COMMAND_RE = re.compile(r"/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)(.*)", re.S)
QUOTE_MIN_WORDS = 4  # plain text of this many words is looked up as a quote, fewer as a topic
QUOTE_LIMIT = 5
ECHO_CHARS = 200  # a query is echoed back at most this long (replies stay within 4096 units)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A message read as a command: name (lowercase, no slash) and its arguments."""

    command: str
    args: str
    explicit: bool  # typed as /command (False: plain text routed by its shape)
    addressed: bool = True  # False: `/cmd@otherbot`


def parse_text(text: str, bot_username: str) -> Parsed:
    """`/cmd[@bot] args` (args may start on the next line); plain text gets `command` ''."""
    stripped = text.strip()
    m = COMMAND_RE.match(stripped)
    if not m:
        return Parsed("", stripped, explicit=False)
    name, target, args = m.group(1).lower(), m.group(2), m.group(3).strip()
    addressed = target is None or target.lower() == bot_username.lower()
    return Parsed(name, args, explicit=True, addressed=addressed)


def route_plain(text: str) -> str:
    """Which lookup plain text gets: a date when it reads as one (and has a digit), a quote
    for four words or more, else a topic. /help says the same."""
    if any(ch.isdigit() for ch in text) and len(text.split()) <= 5:
        try:
            parse_date_query(text)
        except QueryError:
            pass
        else:
            return "date"
    return "quote" if len(text.split()) >= QUOTE_MIN_WORDS else "topic"


def shown(args: str) -> str:
    """The user's query as echoed in a reply: escaped, cut to `ECHO_CHARS` with `…`."""
    if len(args) > ECHO_CHARS:
        args = args[:ECHO_CHARS].rstrip() + "…"
    return esc(args)


def message(html: str, *buttons: tuple[Button, ...]) -> tuple[OutMessage, ...]:
    return (OutMessage(html, tuple(buttons)),)


def allowed(services: Services, ctx: AskContext) -> bool:
    access = services.config.access
    if not access.allowed_chats or ctx.chat_id in access.allowed_chats:
        return True
    return ctx.chat_type == "private" and is_admin(services, ctx)


def is_admin(services: Services, ctx: AskContext) -> bool:
    return ctx.is_admin or ctx.user_id in services.config.access.admins


async def answer(services: Services, text: str, ctx: AskContext) -> Reply:
    """The reply to one message. `Reply.messages` empty means: stay silent."""
    parsed = parse_text(text, ctx.bot_username)
    private = ctx.chat_type == "private"
    if not parsed.addressed or (not parsed.explicit and not (private and parsed.args)):
        return Reply(parsed.command, parsed.args, ())  # another bot's, or group chatter
    if not allowed(services, ctx):
        first = await services.state.note_refusal(ctx.chat_id)
        return Reply(parsed.command, parsed.args, message(words.ACCESS_REFUSAL) if first else ())
    command = parsed.command if parsed.explicit else route_plain(parsed.args)
    known = command in HANDLERS
    if not known and not private:
        return Reply(command, parsed.args, ())
    verdict = services.limiter.check(ctx.user_id, ctx.chat_id)
    if verdict != "ok":
        notice = message(words.RATE_NOTICE) if verdict == "notice" else ()
        return Reply(command, parsed.args, notice)
    if not known:
        return Reply(command, parsed.args, message(esc(words.UNKNOWN_COMMAND.format(name=command))))
    return await dispatch(services, command, parsed.args, ctx)


async def dispatch(services: Services, command: str, args: str, ctx: AskContext) -> Reply:
    """Run one known command, turning every failure into a polite reply."""
    limit = services.config.replies.max_query_chars
    if len(args) > limit:
        notice = words.TOO_LONG.format(length=len(args), limit=limit)
        return Reply(command, args[:limit], message(esc(notice)))
    if command in words.USAGE and not args:
        return Reply(command, args, message(words.USAGE[command]))
    if command in ADMIN_ONLY and not is_admin(services, ctx):
        return Reply(command, args, message(esc(words.ADMIN_REFUSAL.format(name=command))))
    try:
        reply = await HANDLERS[command](services, args, ctx)
    except CorpusError as err:
        reply = Reply(command, args, message(esc(str(err))))
    except Exception:
        log.exception("lookup failed: /%s %r", command, args[:100])
        return Reply(command, args, message(words.SOMETHING_WRONG))
    await services.state.count_query(command)
    return reply


async def cmd_start(services: Services, args: str, ctx: AskContext) -> Reply:
    inline_name = ctx.bot_username
    welcome = words.welcome_text(inline_name=inline_name)
    payload = args.split()[0] if args else ""
    if not payload:
        return Reply("start", args, message(welcome))
    if payload == "help":
        return await cmd_help(services, "", ctx)
    kind, _, value = payload.partition("_")
    if kind == "q" and PASSAGE_ID_RE.fullmatch(value):
        passage = await services.library.get(value)
        if passage is not None:
            html = render_passage(passage, services.labels)
            buttons = (Button("Context", callback_data=f"c:{passage.id}"),)
            return Reply("start", args, attach_first(html, buttons), hits=(Hit(passage, 100.0),))
    if kind == "c" and PASSAGE_ID_RE.fullmatch(value):
        reply = await cmd_context(services, value, ctx)
        if reply.hits:
            return Reply("start", args, reply.messages, hits=reply.hits)
    if kind == "s":
        messages = await reopen(services, ctx, value)
        if messages:
            return Reply("start", args, messages)
        return Reply("start", args, message(words.EXPIRED))
    return Reply("start", args, message(f"{esc(words.BAD_PAYLOAD)}\n\n{welcome}"))


def attach_first(html: list[str], *rows: tuple[Button, ...]) -> tuple[OutMessage, ...]:
    return tuple(OutMessage(h, tuple(rows) if i == 0 else ()) for i, h in enumerate(html))


async def cmd_help(services: Services, args: str, ctx: AskContext) -> Reply:
    html = words.help_text(inline_name=ctx.bot_username, is_admin=is_admin(services, ctx))
    return Reply("help", args, message(html))


async def cmd_date(services: Services, args: str, ctx: AskContext) -> Reply:
    limit = services.config.replies.max_results
    result = await services.library.find_date(args, limit=limit + 1)
    label = esc(result.query.label)
    any_year = "" if result.query.year_given else " (any year)"
    if not result.hits:
        lines = [f"Nothing is dated <b>{label}</b>{any_year} in the corpus."]
        if result.nearest:
            near = ", ".join(PassageDate(d.year, d.month, d.day).human() for d in result.nearest)
            lines.append(f"Nearest dates with passages: {near}.")
        lines.append("Passages whose date is unknown are never listed by date.")
        return Reply("date", args, message("\n".join(lines)), nearest_dates=result.nearest)
    hits = result.hits[:limit]
    more = f" (the first {limit})" if len(result.hits) > limit else ""
    count = f"{len(hits)} passage{'s' if len(hits) != 1 else ''}"
    title = f"<b>{label}</b>{any_year}: {count}{more}, in corpus order"
    view = ListView("date", args, "plain", title, hits)
    return Reply(
        "date",
        args,
        await list_messages(services, ctx, view),
        hits=hits,
        extra={"date_label": result.query.label},
    )


async def cmd_topic(services: Services, args: str, ctx: AskContext) -> Reply:
    replies = services.config.replies
    first_page = replies.hits_per_page if ctx.chat_type == "private" else replies.group_max_hits
    # Only the first page's hits are marked now; a page turn marks the ones it shows.
    result = await services.library.find_topic(args, limit=replies.max_results, marked=first_page)
    if not result.hits:
        html = (
            f"Nothing about “{shown(args)}” in the corpus. Try other or fewer words, "
            "or /quote for a sentence you remember."
        )
        return Reply("topic", args, message(html), extra={"terms": list(result.terms)})
    count = f"{len(result.hits)} passage{'s' if len(result.hits) != 1 else ''}"
    title = f"<b>Topic</b> “{shown(args)}”: {count}, most relevant first"
    view = ListView("topic", args, "topic", title, result.hits)
    return Reply(
        "topic",
        args,
        await list_messages(services, ctx, view),
        hits=result.hits,
        extra={"terms": list(result.terms)},
    )


async def cmd_quote(services: Services, args: str, ctx: AskContext) -> Reply:
    result = await services.library.find_quote(args, limit=QUOTE_LIMIT)
    threshold = services.config.replies.quote_threshold
    lead = render_quote_header(result, threshold)
    if not result.hits:
        html = f"{lead}\nNothing in the corpus comes close to “{shown(args)}”."
        return Reply("quote", args, message(html), verdict=result.verdict)
    # not_found: the closest as a hint; else the best and any others above the threshold
    hits = result.hits[:1] + tuple(h for h in result.hits[1:] if h.score >= threshold)
    if result.verdict == "not_found":
        hits = result.hits[:1]
    title = f"<b>Quote</b> “{shown(args)}”"
    view = ListView("quote", args, "quote", title, hits, lead)
    return Reply(
        "quote",
        args,
        await list_messages(services, ctx, view),
        verdict=result.verdict,
        hits=result.hits,
        extra={"diff": [(op.op, op.asked, op.source) for op in result.diff]},
    )


async def cmd_random(services: Services, args: str, ctx: AskContext) -> Reply:
    passages = await services.library.random(1)
    if not passages:
        return Reply("random", args, message("The corpus is empty."))
    html = render_passage(passages[0], services.labels)
    rows = [Button("Context", callback_data=f"c:{passages[0].id}")]
    if ctx.chat_type == "private":
        rows.append(Button("Another", callback_data="r"))
    else:
        rows = [Button("Context", url=deep_link(ctx, f"c_{passages[0].id}"))]
    return Reply("random", args, attach_first(html, tuple(rows)), hits=(Hit(passages[0], 100.0),))


async def cmd_sources(services: Services, args: str, ctx: AskContext) -> Reply:
    infos = await services.library.sources()
    html = "<b>Sources</b>\n\n" + render_sources(infos, services.labels)
    return Reply("sources", args, message(html))


async def cmd_context(services: Services, args: str, ctx: AskContext) -> Reply:
    pid = args.split()[0].strip().lower()
    found = await services.library.context(pid) if PASSAGE_ID_RE.fullmatch(pid) else None
    if found is None:
        html = (
            f"No passage has the id “{esc(args[:40])}”. Every answer ends with an id, "
            "e.g. <code>/context abc123def0</code>."
        )
        return Reply("context", args, message(html))
    html = render_context(found, services.labels)
    return Reply("context", args, attach_first(html), hits=(Hit(found.passage, 100.0),))


async def cmd_reload(services: Services, args: str, ctx: AskContext) -> Reply:
    try:
        report = await services.library.reload()
    except CorpusError as err:
        html = f"Reload failed: {esc(str(err))}\nThe old index keeps serving."
        return Reply("reload", args, message(html))
    passages = sum(s.passages for s in report.sources)
    warnings = sum(len(s.warnings) for s in report.sources)
    html = (
        f"Reloaded in {report.seconds:.1f} s: {len(report.sources)} sources, "
        f"{passages} passages, {warnings} parse warnings"
        + ("" if report.rebuilt else " (nothing changed; index reused)")
        + "."
    )
    return Reply("reload", args, message(esc(html)))


async def cmd_stats(services: Services, args: str, ctx: AskContext) -> Reply:
    served = await services.state.stats()
    lines = ["<b>Queries served</b>"]
    lines += [f"{stat_label(name)}: {count}" for name, count in served.items()] or ["none yet"]
    lines.append(f"total: {sum(served.values())}")
    lines.append(f"pageable lists kept: {await services.state.session_count()}")
    report = services.library.report
    lines.append(
        f"passages: {sum(s.passages for s in report.sources)} in {len(report.sources)} sources"
    )
    return Reply("stats", args, message("\n".join(lines)))


STAT_LABELS = {"page": "page turns", "inline": "inline queries"}


def stat_label(name: str) -> str:
    """A stats row's name: `/topic` for a command, words for what is not one (page turns)."""
    if name in words.COMMAND_NAMES:
        return f"/{esc(name)}"
    return esc(STAT_LABELS.get(name, name))


Handler = Callable[[Services, str, AskContext], Awaitable[Reply]]
HANDLERS: dict[str, Handler] = {
    "start": cmd_start,
    "help": cmd_help,
    "quote": cmd_quote,
    "topic": cmd_topic,
    "date": cmd_date,
    "random": cmd_random,
    "sources": cmd_sources,
    "context": cmd_context,
    "reload": cmd_reload,
    "stats": cmd_stats,
}
ADMIN_ONLY = frozenset({"reload", "stats"})
CONTEXT_DATA_RE = re.compile(rf"c:({PASSAGE_ID_RE.pattern})")


async def press(services: Services, data: str, ctx: AskContext) -> ButtonAnswer:
    """The answer to a button press; forged or stale data gets a polite notice."""
    if not allowed(services, ctx):
        return ButtonAnswer(notice=words.ACCESS_REFUSAL, alert=True)
    if data == "n":
        return ButtonAnswer()
    if services.limiter.check(ctx.user_id, ctx.chat_id) != "ok":
        return ButtonAnswer(notice=words.RATE_NOTICE)
    try:
        return await handle_press(services, data, ctx)
    except CorpusError as err:
        return ButtonAnswer(notice=str(err)[:200])
    except Exception:
        log.exception("button failed: %r", data[:64])
        return ButtonAnswer(notice=words.SOMETHING_WRONG)


async def handle_press(services: Services, data: str, ctx: AskContext) -> ButtonAnswer:
    if m := re.fullmatch(r"p:([A-Za-z0-9_-]{1,16}):(\d{1,4})", data):
        answer_ = await turn_page(services, ctx, m.group(1), int(m.group(2)))
        if answer_.edit is not None:
            await services.state.count_query("page")
        return answer_
    if m := CONTEXT_DATA_RE.fullmatch(data):
        reply = await cmd_context(services, m.group(1), ctx)
        if not reply.hits:
            return ButtonAnswer(notice="That passage is no longer in the corpus.", alert=True)
        await services.state.count_query("context")
        return ButtonAnswer(send=reply.messages)
    if data == "r":
        reply = await cmd_random(services, "", ctx)
        await services.state.count_query("random")
        return ButtonAnswer(send=reply.messages)
    return ButtonAnswer(notice=words.BAD_BUTTON, alert=True)
