"""From what a user typed (or pressed) to the bot's reply, independent of PTB.

`answer` parses `/cmd[@bot] args`, enforces access and rate limits, runs the lookup and renders
it; `press` answers button callbacks. The CLI's `ask` and the Telegram handlers both call these,
so the terminal shows exactly what Telegram users get.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot import buttons
from bot import render as html
from bot import text as words
from bot.i18n import Translator
from bot.paging import ListView, list_messages, reopen, turn_page
from bot.reply import AskContext, Button, ButtonAnswer, OutMessage, Reply
from bot.services import Services, failure_lines, today_of
from corpus.errors import CorpusError, LookupTimeout, QueryError
from corpus.lookup.date_query import parse_date_query
from corpus.model import Hit, PassageDate
from corpus.question import Question, read_question

log = logging.getLogger(__name__)

COMMAND_RE = re.compile(r"/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)(.*)", re.S)
QUOTE_MIN_WORDS = 4  # plain text of this many words is looked up as a quote, fewer as a topic
QUOTE_LIMIT = 5
QUESTION_COMMANDS = frozenset({"quote", "topic"})  # their words may be a question too


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


def message(markup: str, *rows: tuple[Button, ...]) -> tuple[OutMessage, ...]:
    return (OutMessage(markup, tuple(rows)),)


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
        return Reply(
            parsed.command, parsed.args, message(ctx.tr._(words.ACCESS_REFUSAL)) if first else ()
        )
    command = parsed.command if parsed.explicit else route_plain(parsed.args)
    known = command in HANDLERS
    if not known and not private:
        return Reply(command, parsed.args, ())
    verdict = services.limiter.check(ctx.user_id, ctx.chat_id)
    if verdict != "ok":
        notice = message(ctx.tr._(words.RATE_NOTICE)) if verdict == "notice" else ()
        return Reply(command, parsed.args, notice)
    if not known:
        unknown = ctx.tr._(words.UNKNOWN_COMMAND).format(name=command)
        return Reply(command, parsed.args, message(html.render_notice(unknown)))
    asked = not parsed.explicit or command in QUESTION_COMMANDS
    return await dispatch(services, command, parsed.args, ctx, questions=asked)


async def read_asked(services: Services, text: str) -> Question | None:
    """The question plain text (or /quote's, /topic's words) asks in plain words, read
    against the corpus's speakers; None when it reads as none (it is routed as before)."""
    speakers = [s.name for s in await services.library.speakers()]
    return read_question(
        text, speakers=speakers, today=today_of(services), date_order=services.library.date_order
    )


async def dispatch(
    services: Services, command: str, args: str, ctx: AskContext, *, questions: bool = False
) -> Reply:
    """Run one known command, turning every failure into a polite reply. `questions`: the
    words may be a question in plain words (`did X say …`), answered by the lookup it is
    read into."""
    limit = services.config.replies.max_query_chars
    if command == "quote" and not args and ctx.replied_text:
        args = ctx.replied_text.strip()  # `/quote` in reply to a message: check its words
    if len(args) > limit:
        notice = ctx.tr._(words.TOO_LONG).format(length=len(args), limit=limit)
        return Reply(command, args[:limit], message(html.render_notice(notice)))
    if command in words.USAGE and not args:
        return Reply(command, args, message(ctx.tr._(words.USAGE[command])))
    if command in ADMIN_ONLY and not is_admin(services, ctx):
        return Reply(
            command,
            args,
            message(html.render_notice(ctx.tr._(words.ADMIN_REFUSAL).format(name=command))),
        )
    question = None
    try:
        if questions and args:
            question = await read_asked(services, args)
        if question is not None:
            command, args = question.command, question.args
            reply = await answer_question(services, question, ctx)
        else:
            reply = await HANDLERS[command](services, args, ctx)
    except CorpusError as err:
        notice = html.render_notice(error_text(err, ctx.tr))
        if question is not None and not isinstance(err, LookupTimeout):
            # e.g. `by:Putin`: no such speaker; say how it was read
            notice = html.render_read_as(question, ctx.tr) + "\n" + notice
        reply = Reply(command, args, message(notice), error=error_code(err), question=question)
    except Exception:
        log.exception("lookup failed: /%s %r", command, args[:100])
        return Reply(command, args, message(ctx.tr._(words.SOMETHING_WRONG)))
    await services.state.count_query(command)
    return reply


async def answer_question(services: Services, question: Question, ctx: AskContext) -> Reply:
    """The lookup a question was read into, its reply saying how it was read."""
    if question.command == "quote":
        return await cmd_quote(services, question.args, ctx, question=question)
    if question.command == "topic":
        return await cmd_topic(services, question.args, ctx, question=question)
    return await cmd_date(services, question.args, ctx, question=question)


def error_code(err: CorpusError) -> str | None:
    """The JSON `error` of a failed lookup: "timeout", a QueryError's code, or None."""
    if isinstance(err, LookupTimeout):
        return "timeout"
    return err.code if isinstance(err, QueryError) else None


def error_text(err: CorpusError, tr: Translator) -> str:
    """What the user is told when the core refuses a lookup, in their language when the
    error has a code the catalogs know (else the core's English words)."""
    if isinstance(err, LookupTimeout):
        return tr._(words.LOOKUP_TIMEOUT)
    code = error_code(err)
    return tr._(words.QUERY_ERRORS[code]) if code in words.QUERY_ERRORS else str(err)


async def cmd_start(services: Services, args: str, ctx: AskContext) -> Reply:
    payload = args.split()[0] if args else ""
    if not payload:
        return Reply(
            "start", args, message(html.render_welcome(inline_name=ctx.bot_username, tr=ctx.tr))
        )
    start = buttons.read_start(payload)
    if isinstance(start, buttons.ShowHelp):
        return await cmd_help(services, "", ctx)
    if isinstance(start, buttons.ShowPassage):
        passage = await services.library.get(start.passage_id)
        if passage is not None:
            shown = html.render_passage(passage, services.labels, tr=ctx.tr)
            row = (Button(ctx.tr._("Context"), callback_data=buttons.context_data(passage.id)),)
            return Reply("start", args, attach_first(shown, row), hits=(Hit(passage, 100.0),))
    if isinstance(start, buttons.ShowContext):
        reply = await cmd_context(services, start.passage_id, ctx)
        if reply.hits:
            return Reply("start", args, reply.messages, hits=reply.hits)
    if isinstance(start, buttons.ReopenList):
        messages = await reopen(services, ctx, start.token)
        if messages:
            return Reply("start", args, messages)
        return Reply("start", args, message(ctx.tr._(words.EXPIRED)))
    return Reply(
        "start", args, message(html.render_bad_payload(inline_name=ctx.bot_username, tr=ctx.tr))
    )


def attach_first(pieces: list[str], *rows: tuple[Button, ...]) -> tuple[OutMessage, ...]:
    return tuple(OutMessage(h, tuple(rows) if i == 0 else ()) for i, h in enumerate(pieces))


async def cmd_help(services: Services, args: str, ctx: AskContext) -> Reply:
    shown = html.render_help(
        inline_name=ctx.bot_username, is_admin=is_admin(services, ctx), tr=ctx.tr
    )
    return Reply("help", args, message(shown))


async def cmd_date(
    services: Services, args: str, ctx: AskContext, *, question: Question | None = None
) -> Reply:
    limit = services.config.replies.max_results
    read_as = html.render_read_as(question, ctx.tr) + "\n" if question else ""
    today = today_of(services)
    # one more than a window: it only says more follow (`paging.load_window` reaches them)
    result = await services.library.find_date(args, limit=limit + 1, today=today)
    reading = html.render_reading(result.query, ctx.tr)
    other: tuple[Button, ...] = ()
    if result.query.ambiguous and result.query.other_reading:
        data = buttons.date_data(result.query.other_reading)
        if data is not None:
            label = html.render_other_reading(result.query.other_reading, ctx.tr)
            other = (Button(label, callback_data=data),)
    if not result.hits:
        shown = html.render_date_empty(result, ctx.tr) + html.render_said(result.said) + reading
        return Reply(
            "date", args, message(read_as + shown, *(other,) if other else ()),
            nearest_dates=result.nearest, total=0, question=question,
        )  # fmt: skip
    hits = result.hits[:limit]
    title = read_as + html.render_date_title(result, len(hits), cut=False, tr=ctx.tr)
    title += html.render_said(result.said)
    title = html.render_total_title(title, result.total, len(hits), ctx.tr) + reading
    view = ListView("date", args, "plain", title, result.hits)
    messages = await list_messages(services, ctx, view)
    if other:
        first = messages[0]
        messages = (OutMessage(first.html, (*first.buttons, other)), *messages[1:])
    return Reply("date", args, messages, hits=hits, total=result.total, question=question)


async def cmd_topic(
    services: Services, args: str, ctx: AskContext, *, question: Question | None = None
) -> Reply:
    replies = services.config.replies
    read_as = html.render_read_as(question, ctx.tr) + "\n" if question else ""
    first_page = replies.hits_per_page if ctx.chat_type == "private" else replies.group_max_hits
    # Only the first page's hits are marked now; a page turn marks the ones it shows.
    result = await services.library.find_topic(
        args, limit=replies.max_results + 1, marked=first_page, today=today_of(services)
    )
    if not result.hits:
        shown = read_as + html.render_topic_empty(args, ctx.tr)
        shown += html.render_suggestions(result.suggestions, ctx.tr)
        return Reply("topic", args, message(shown), total=0, question=question)
    hits = result.hits[: replies.max_results]
    window_result = dataclasses.replace(result, hits=hits)
    title = read_as + html.render_topic_title(args, window_result, ctx.tr)
    title += html.render_said(result.said)
    title = html.render_total_title(title, result.total, len(hits), ctx.tr)
    if result.partial:
        title += html.render_partial(ctx.tr)
    view = ListView("topic", args, "topic", title, result.hits)
    return Reply(
        "topic", args, await list_messages(services, ctx, view), hits=hits,
        total=max(result.total, len(result.hits)), partial=result.partial,
        question=question,
    )  # fmt: skip


async def cmd_speakers(services: Services, args: str, ctx: AskContext) -> Reply:
    """Every speaker with passage counts and date coverage; each name a button listing
    their passages (in groups, the names only)."""
    speakers = await services.library.speakers()
    order = sorted(range(len(speakers)), key=lambda i: (-speakers[i].passages, speakers[i].name))
    rows_shown = []
    for i in order:
        s = speakers[i]
        span = (ymd_date(s.first), ymd_date(s.last)) if s.dated else None
        rows_shown.append((s.name, s.passages, s.dated, span))
    shown = html.render_speakers(rows_shown, ctx.tr)
    rows: list[tuple[Button, ...]] = []
    if ctx.chat_type == "private":
        keys = [Button(speakers[i].name[:40], callback_data=buttons.speaker_data(i)) for i in order]
        rows = [tuple(keys[k : k + 2]) for k in range(0, min(len(keys), 100), 2)]
    return Reply("speakers", args, message(shown, *rows), total=len(speakers))


TIMELINE_BUTTONS = 8  # the busiest periods get a button each


async def cmd_timeline(services: Services, args: str, ctx: AskContext) -> Reply:
    """How often the words come up per week or month: a PNG bar chart (sendPhoto) whose
    caption gives the total and the peak, a button per busiest period listing its passages
    (private chats), and the same numbers as text."""
    timeline = await services.library.timeline(args, today=today_of(services))
    if not timeline.total:
        shown = html.render_topic_empty(args, ctx.tr)
        return Reply("timeline", args, message(shown), total=0, timeline=timeline)
    from bot.chart import render_timeline_png  # matplotlib loads on the first chart only

    title, axis = html.render_timeline_words(timeline, ctx.tr)
    png = await asyncio.to_thread(render_timeline_png, timeline, title=title, ylabel=axis)
    rows: list[tuple[Button, ...]] = []
    busiest = sorted((p for p in timeline.series if p.count), key=lambda p: -p.count)
    chosen = sorted(busiest[:TIMELINE_BUTTONS], key=lambda p: p.first)
    if ctx.chat_type == "private" and chosen:
        token = await services.state.save_session(
            chat_id=ctx.chat_id, user_id=ctx.user_id, command="timeline", query=args,
            mode=timeline.unit, title="", lead="", hits=[],
        )  # fmt: skip
        keys = [
            Button(f"{p.label}: {p.count}", callback_data=buttons.period_data(token, p.first))
            for p in chosen
        ]
        rows = [tuple(keys[k : k + 4]) for k in range(0, len(keys), 4)]
    caption = html.render_timeline_caption(timeline, ctx.tr)
    numbers = html.render_timeline_numbers(timeline, tr=ctx.tr)
    messages = (OutMessage(caption, tuple(rows), photo=png), OutMessage(numbers))
    return Reply("timeline", args, messages, total=timeline.total, timeline=timeline)


def period_query(words_typed: str, unit: str, first: dt.date) -> str:
    """`/topic` words for one /timeline period: the words and the period's dates."""
    if unit == "week":
        last = first + dt.timedelta(days=6)
    else:
        nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        last = nxt - dt.timedelta(days=1)
    return f"{words_typed} since:{first.isoformat()} until:{last.isoformat()}"


def ymd_date(value: int) -> PassageDate:
    """The date of a `ymd` value (yyyymmdd; yyyymm00 a month, yyyy0000 a year)."""
    y, m, d = value // 10000, value // 100 % 100, value % 100
    return PassageDate(y, m or None, d or None)


async def cmd_quote(
    services: Services, args: str, ctx: AskContext, *, question: Question | None = None
) -> Reply:
    """A quote's verdict; for a question read into a quote check, only its quote words are
    looked up, checked against the speaker it names, and the reply leads with how it was
    read (and who said them, or when, when that was asked)."""
    result = await services.library.find_quote(
        args, limit=QUOTE_LIMIT, today=today_of(services),
        words_only=question is not None, speaker=question.claim if question else None,
        filters=question.filters if question else (),
    )  # fmt: skip
    threshold = services.config.replies.quote_threshold
    lead = html.render_quote_header(result, threshold, services.labels, ctx.tr)
    if result.partial:
        lead += html.render_partial(ctx.tr)
    title = html.render_quote_title(args, ctx.tr)
    if question is not None:
        title = html.render_question_title(question, ctx.tr)
        asked = html.render_question_lead(question, result, threshold, services.labels, ctx.tr)
        lead = f"{asked}\n{lead}" if asked else lead
    if not result.hits:
        shown = html.render_quote_empty(args, lead, ctx.tr)
        if question is not None:
            shown = f"{title}\n{shown}"
        return Reply(
            "quote", args, message(shown), verdict=result.verdict, quote=result,
            partial=result.partial, question=question,
        )  # fmt: skip
    if result.hint is not None:
        hits: tuple[Hit, ...] = (result.hint,)
    elif result.parts:  # each part's own place
        hits = result.hits
    else:  # the best, and any others above the threshold
        hits = result.hits[:1] + tuple(h for h in result.hits[1:] if h.score >= threshold)
    view = ListView("quote", args, "quote", title, hits, lead)
    return Reply(
        "quote",
        args,
        await list_messages(services, ctx, view),
        verdict=result.verdict,
        hits=result.matches,
        quote=result,
        partial=result.partial,
        question=question,
    )


async def cmd_random(services: Services, args: str, ctx: AskContext) -> Reply:
    passages = await services.library.random(1)
    if not passages:
        return Reply("random", args, message(html.render_notice(ctx.tr._(words.EMPTY_CORPUS))))
    passage = passages[0]
    shown = html.render_passage(passage, services.labels, tr=ctx.tr)
    row: tuple[Button, ...]
    if ctx.chat_type == "private":
        row = (
            Button(ctx.tr._("Context"), callback_data=buttons.context_data(passage.id)),
            Button(ctx.tr._("Another"), callback_data=buttons.ANOTHER),
        )
    else:
        row = (Button(ctx.tr._("Context"), url=buttons.context_link(ctx.bot_username, passage.id)),)
    return Reply("random", args, attach_first(shown, row), hits=(Hit(passage, 100.0),))


async def cmd_sources(services: Services, args: str, ctx: AskContext) -> Reply:
    infos = await services.library.sources()
    shown = html.render_sources_reply(infos, services.labels, ctx.tr)
    if is_admin(services, ctx):  # only admins can fix the config: they see the sources left out
        failed = failure_lines(services.config, services.library.report.failed)
        if failed:
            shown += "\n\n" + html.render_failed_sources(failed, ctx.tr)
    return Reply("sources", args, message(shown))


async def cmd_context(services: Services, args: str, ctx: AskContext) -> Reply:
    pid = args.split()[0].strip().lower()
    valid = buttons.PASSAGE_ID_RE.fullmatch(pid)
    found = await services.library.context(pid) if valid else None
    if found is None:
        return Reply("context", args, message(html.render_no_such_passage(args, ctx.tr)))
    shown = html.render_context(found, services.labels, ctx.tr)
    return Reply("context", args, attach_first(shown), hits=(Hit(found.passage, 100.0),))


async def cmd_reload(services: Services, args: str, ctx: AskContext) -> Reply:
    try:
        report = await services.library.reload()
    except CorpusError as err:
        return Reply("reload", args, message(html.render_reload_failed(str(err), ctx.tr)))
    return Reply("reload", args, message(html.render_reloaded(report, ctx.tr)))


async def cmd_stats(services: Services, args: str, ctx: AskContext) -> Reply:
    served = await services.state.stats()
    sessions = await services.state.session_count()
    shown = html.render_stats(served, sessions, services.library.report, ctx.tr)
    return Reply("stats", args, message(shown))


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
    "speakers": cmd_speakers,
    "timeline": cmd_timeline,
}
ADMIN_ONLY = frozenset({"reload", "stats"})


async def press(services: Services, data: str, ctx: AskContext) -> ButtonAnswer:
    """The answer to a button press; forged or stale data gets a polite notice. Every
    failure becomes a notice here (the one place a press's errors are translated)."""
    if not allowed(services, ctx):
        return ButtonAnswer(notice=ctx.tr._(words.ACCESS_REFUSAL), alert=True)
    pressed = buttons.read_press(data)
    if isinstance(pressed, buttons.Nothing):
        return ButtonAnswer()
    if services.limiter.check(ctx.user_id, ctx.chat_id) != "ok":
        return ButtonAnswer(notice=ctx.tr._(words.RATE_NOTICE))
    if pressed is None:
        return ButtonAnswer(notice=ctx.tr._(words.BAD_BUTTON), alert=True)
    try:
        return await handle_press(services, pressed, ctx)
    except CorpusError as err:
        return ButtonAnswer(notice=error_text(err, ctx.tr)[: buttons.MAX_NOTICE_CHARS])
    except Exception:
        log.exception("button failed: %r", data[:64])
        return ButtonAnswer(notice=ctx.tr._(words.SOMETHING_WRONG))


async def handle_press(services: Services, pressed: buttons.Press, ctx: AskContext) -> ButtonAnswer:
    if isinstance(pressed, buttons.TurnPage):
        turned = await turn_page(services, ctx, pressed.token, pressed.page)
        if turned.edit is not None:
            await services.state.count_query("page")
        return turned
    if isinstance(pressed, buttons.ShowContext):
        reply = await cmd_context(services, pressed.passage_id, ctx)
        if not reply.hits:
            return ButtonAnswer(notice=ctx.tr._(words.PASSAGE_GONE), alert=True)
        await services.state.count_query("context")
        return ButtonAnswer(send=reply.messages)
    if isinstance(pressed, buttons.CitePassage):
        passage = await services.library.get(pressed.passage_id)
        if passage is None:
            return ButtonAnswer(notice=ctx.tr._(words.PASSAGE_GONE), alert=True)
        cited = html.render_citation(passage, services.labels, pressed.start, pressed.end, ctx.tr)
        return ButtonAnswer(send=message(cited))
    if isinstance(pressed, buttons.ShowSpeaker):
        speakers = await services.library.speakers()
        if not 0 <= pressed.speaker_id < len(speakers):
            return ButtonAnswer(notice=ctx.tr._(words.BAD_BUTTON), alert=True)
        name = speakers[pressed.speaker_id].name.replace('"', "")
        reply = await cmd_topic(services, f'by:"{name}"', ctx)
        await services.state.count_query("speakers")
        return ButtonAnswer(send=reply.messages)
    if isinstance(pressed, buttons.ShowPeriod):
        session = await services.state.load_session(pressed.token)
        if session is None or session.command != "timeline":
            return ButtonAnswer(notice=ctx.tr._(words.EXPIRED), alert=True)
        try:
            first = dt.date(pressed.first // 10000, pressed.first // 100 % 100, pressed.first % 100)
        except ValueError:
            return ButtonAnswer(notice=ctx.tr._(words.BAD_BUTTON), alert=True)
        reply = await cmd_topic(services, period_query(session.query, session.mode, first), ctx)
        await services.state.count_query("timeline")
        return ButtonAnswer(send=reply.messages)
    if isinstance(pressed, buttons.ShowDate):
        reply = await cmd_date(services, pressed.text, ctx)
        await services.state.count_query("date")
        return ButtonAnswer(send=reply.messages)
    if isinstance(pressed, buttons.Another):
        reply = await cmd_random(services, "", ctx)
        await services.state.count_query("random")
        return ButtonAnswer(send=reply.messages)
    return ButtonAnswer()
