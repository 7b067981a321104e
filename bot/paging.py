"""Result lists across messages: pages, their buttons, and sessions that outlive a restart.

Honest paging without keeping every match: a session keeps one window of a list (the config's
`max_results` hits, and one more when more match); the `▶` of a window's last page asks for
the next window, which is looked up again (`load_window`) and never stored. A page's callback
number is `window * PAGE_SPAN + page within the window`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot import buttons
from bot.i18n import ENGLISH, Translator
from bot.render import (
    MAX_UNITS,
    Labels,
    Mode,
    SourceLabel,
    hit_chunks,
    hit_head,
    pack,
    render_hits,
    utf16_len,
    visible_len,
)
from bot.reply import AskContext, Button, ButtonAnswer, OutMessage
from bot.services import Services, today_of
from bot.state import Session, StoredHit
from bot.text import EXPIRED, NOT_YOURS
from corpus.model import Hit

CONTEXT_BUTTONS_PER_ROW = 5
PAGE_SPAN = 10_000  # page numbers of one window (a window of W hits has at most W pages)
LAST_PAGE = PAGE_SPAN - 1  # `◀` from a window's first page: the previous window's last page
# What an attribution and a head add beyond the names counted: separators, date, thread
# position, line number, "/context", the number and score (well under this).
BOUND_SLACK = 200


@dataclass(frozen=True, slots=True)
class ListView:
    """A ranked or dated list of hits with what is said above it."""

    command: str
    query: str
    mode: Mode
    title: str  # HTML above every page
    hits: tuple[Hit, ...]
    lead: str = ""  # HTML above page 1 only
    window: int = 0  # which window of the list (0: its first `max_results` hits)
    offset: int = 0  # how many hits come before this window
    more: bool = False  # more hits follow this window

    def header(self, page: int) -> str:
        return self.title + (f"\n{self.lead}" if self.lead and page == 0 else "")


def stored_hit(hit: Hit) -> StoredHit:
    """What a session keeps of a hit: offsets relative to the passage, so they survive a
    reload that moves the passage within its (changed) source."""
    base = hit.passage.start
    span = (hit.match_start, hit.match_end)
    ms, me = (span[0] - base, span[1] - base) if None not in span else (None, None)  # type: ignore[operator]
    return StoredHit(
        hit.passage.id, hit.score, ms, me, tuple((s - base, e - base) for s, e in hit.highlights)
    )


async def restore_hits(services: Services, session: Session) -> tuple[Hit, ...]:
    """The session's hits over the passages the library holds now (vanished ones dropped)."""
    passages = await services.library.get_many([h.passage_id for h in session.hits])
    by_id = {p.id: p for p in passages}
    hits = []
    for h in session.hits:
        p = by_id.get(h.passage_id)
        if p is None:
            continue
        ms = p.start + h.match_start if h.match_start is not None else None
        me = p.start + h.match_end if h.match_end is not None else None
        hl = tuple((p.start + s, p.start + e) for s, e in h.highlights)
        hits.append(Hit(p, h.score, ms, me, hl))
    return tuple(hits)


def plan_pages(view: ListView, labels: Labels, per_page: int) -> list[range]:
    """Group the hits into pages of at most `per_page`, each one message when it can be.
    A page grows while a cheap upper bound of its length fits one message; only when the
    bound does not are its hits rendered (once each) to pack them for real."""
    numbered = heads(view)
    bounds = [length_bound(hit, labels) for hit in view.hits]
    chunks: dict[int, list[str]] = {}

    def chunks_of(k: int) -> list[str]:
        if k not in chunks:
            hit, head = numbered[k]
            chunks[k] = hit_chunks(hit, labels, mode=view.mode, head=head)
        return chunks[k]

    pages: list[range] = []
    start = 0
    while start < len(numbered):
        end = start + 1
        header = view.header(len(pages))
        room = MAX_UNITS - visible_len(header)
        while end < len(numbered) and end - start < per_page:
            if sum(bounds[start : end + 1]) > room:
                trial = [chunk for k in range(start, end + 1) for chunk in chunks_of(k)]
                if len(pack(trial, header=header)) > 1:
                    break
            end += 1
        pages.append(range(start, end))
        start = end
    return pages


def length_bound(hit: Hit, labels: Labels) -> int:
    """At least the visible UTF-16 length of the hit's chunk (head, quote, attribution) plus
    the blank line before it, without rendering it."""
    p = hit.passage
    label = labels.get(p.source, SourceLabel())
    names = (p.speaker, p.note or "", label.medium, p.source, p.id)
    return utf16_len(p.text) + 2 * sum(len(name) for name in names) + BOUND_SLACK


def heads(view: ListView) -> list[tuple[Hit, str]]:
    """Each hit with the head it is shown under: its number, and its score unless plain."""
    scores = view.mode != "plain"
    return [
        (hit, hit_head(i + 1, hit.score if scores else None)) for i, hit in enumerate(view.hits)
    ]


def render_page_html(
    view: ListView, labels: Labels, rows: range, page: int, tr: Translator = ENGLISH
) -> list[str]:
    scores = view.mode != "plain"
    return render_hits(
        [view.hits[i] for i in rows],
        labels,
        mode=view.mode,
        header=view.header(page if view.window == 0 else 1),
        first_number=view.offset + rows.start + 1,
        scores=scores,
        tr=tr,
    )


def nav_row(view: ListView, token: str, pages: list[range], page: int) -> tuple[Button, ...]:
    """`◀`, `2/5`, `▶` (a windowed list: the hits shown, `31–33`); the arrows at the very ends
    do nothing, at a window's ends they reach the next or previous window."""
    base = view.window * PAGE_SPAN
    total = len(pages)
    prev = buttons.NOOP
    if page > 0:
        prev = buttons.page_data(token, base + page - 1)
    elif view.window > 0:
        prev = buttons.page_data(token, base - PAGE_SPAN + LAST_PAGE)
    nxt = buttons.NOOP
    if page < total - 1:
        nxt = buttons.page_data(token, base + page + 1)
    elif view.more:
        nxt = buttons.page_data(token, base + PAGE_SPAN)
    label = f"{page + 1}/{total}"
    if view.window or view.more:
        rows = pages[page]
        label = f"{view.offset + rows.start + 1}–{view.offset + rows.stop}"
    return (
        Button("◀", callback_data=prev),
        Button(label, callback_data=buttons.NOOP),
        Button("▶", callback_data=nxt),
    )


def context_rows(view: ListView, rows: range, ctx: AskContext) -> list[tuple[Button, ...]]:
    """A `Context n` button per hit: a callback in private, a deep link in groups."""
    row: list[Button] = []
    for i in rows:
        pid = view.hits[i].passage.id
        n = view.offset + i + 1
        label = ctx.tr._("Context {n}").format(n=n) if len(view.hits) > 1 else ctx.tr._("Context")
        if ctx.chat_type == "private":
            row.append(Button(label, callback_data=buttons.context_data(pid)))
        else:
            row.append(Button(label, url=buttons.context_link(ctx.bot_username, pid)))
    return [
        tuple(row[k : k + CONTEXT_BUTTONS_PER_ROW])
        for k in range(0, len(row), CONTEXT_BUTTONS_PER_ROW)
    ]


def cite_rows(view: ListView, rows: range, ctx: AskContext) -> list[tuple[Button, ...]]:
    """A `Cite n` button per quote hit: a ready citation of the matched words."""
    if view.mode != "quote":
        return []
    row: list[Button] = []
    for i in rows:
        hit = view.hits[i]
        p = hit.passage
        start = end = None
        if hit.match_start is not None and hit.match_end is not None:
            start, end = hit.match_start - p.start, hit.match_end - p.start
        label = ctx.tr._("Cite {n}").format(n=i + 1) if len(view.hits) > 1 else ctx.tr._("Cite")
        row.append(Button(label, callback_data=buttons.cite_data(p.id, start, end)))
    return [
        tuple(row[k : k + CONTEXT_BUTTONS_PER_ROW])
        for k in range(0, len(row), CONTEXT_BUTTONS_PER_ROW)
    ]


def attach(html: Sequence[str], rows: list[tuple[Button, ...]]) -> tuple[OutMessage, ...]:
    """Messages of one page; the buttons go under the first, the one a press edits."""
    rows = [row for row in rows if row]
    return tuple(OutMessage(text, tuple(rows) if i == 0 else ()) for i, text in enumerate(html))


def page_messages(
    view: ListView,
    labels: Labels,
    ctx: AskContext,
    pages: list[range],
    page: int,
    token: str | None,
) -> tuple[OutMessage, ...]:
    rows = pages[page]
    button_rows = context_rows(view, rows, ctx) + cite_rows(view, rows, ctx)
    if token and (len(pages) > 1 or view.more or view.window):
        button_rows.insert(0, nav_row(view, token, pages, page))
    return attach(render_page_html(view, labels, rows, page, ctx.tr), button_rows)


async def list_messages(
    services: Services, ctx: AskContext, view: ListView
) -> tuple[OutMessage, ...]:
    """Page 1 of a list; in groups the top hits and a `More in private` link."""
    replies = services.config.replies
    labels = services.labels
    full = view
    view = windowed(view, 0, replies.max_results)
    if ctx.chat_type != "private":
        shown = ListView(
            view.command,
            view.query,
            view.mode,
            view.title,
            view.hits[: replies.group_max_hits],
            view.lead,
        )
        html = render_hits(
            list(shown.hits),
            labels,
            mode=view.mode,
            header=view.header(0),
            scores=view.mode != "plain",
            tr=ctx.tr,
        )
        rows = context_rows(shown, range(len(shown.hits)), ctx)
        rows += cite_rows(shown, range(len(shown.hits)), ctx)
        if len(view.hits) > len(shown.hits) or view.more:
            token = await save(services, ctx, full)
            link = buttons.list_link(ctx.bot_username, token)
            more = len(view.hits) - len(shown.hits)
            label = (
                ctx.tr._("{n} more in private").format(n=more)
                if not view.more
                else ctx.tr._("More in private")
            )
            rows.append((Button(label, url=link),))
        return attach(html, rows)
    pages = plan_pages(view, labels, replies.hits_per_page)
    first_token = await save(services, ctx, full) if len(pages) > 1 or view.more else None
    return page_messages(view, labels, ctx, pages, 0, first_token)


def windowed(view: ListView, window: int, size: int) -> ListView:
    """Window `window` of a list whose hits run from that window's start and may hold one
    more than `size` (that one only says more follow)."""
    return ListView(
        view.command,
        view.query,
        view.mode,
        view.title,
        view.hits[:size],
        view.lead if window == 0 else "",
        window,
        window * size,
        len(view.hits) > size,
    )


async def load_window(services: Services, view: ListView, window: int) -> ListView | None:
    """Window `window` (> 0) of a saved list, looked up again (never stored): the hits
    `window * max_results` onwards, and one more when more follow. None for a list that
    cannot be looked up again or has no such window."""
    size = services.config.replies.max_results
    limit = (window + 1) * size + 1
    today = today_of(services)
    hits: tuple[Hit, ...]
    if view.command == "topic":
        found = await services.library.find_topic(view.query, limit=limit, marked=0, today=today)
        hits = found.hits
    elif view.command == "date":
        hits = (await services.library.find_date(view.query, limit=limit, today=today)).hits
    else:
        return None
    part = hits[window * size :]
    if not part:
        return None
    if view.mode == "topic":
        part = services.library.mark_topic(view.query, part[:size]) + part[size:]
    shown = ListView(view.command, view.query, view.mode, view.title, part)
    return windowed(shown, window, size)


async def save(services: Services, ctx: AskContext, view: ListView) -> str:
    return await services.state.save_session(
        chat_id=ctx.chat_id,
        user_id=ctx.user_id,
        command=view.command,
        query=view.query,
        mode=view.mode,
        title=view.title,
        lead=view.lead,
        hits=[stored_hit(h) for h in view.hits],
    )


async def open_session(services: Services, token: str) -> ListView | None:
    """The list a session holds, over today's passages; None when expired or emptied."""
    valid = buttons.TOKEN_RE.fullmatch(token)
    session = await services.state.load_session(token) if valid else None
    if session is None:
        return None
    hits = await restore_hits(services, session)
    if not hits:
        return None
    size = services.config.replies.max_results
    if session.mode == "topic":  # the list was stored with only its first page marked
        hits = services.library.mark_topic(session.query, hits[:size]) + hits[size:]
    mode: Mode = session.mode if session.mode in ("plain", "topic", "quote") else "plain"  # type: ignore[assignment]
    view = ListView(session.command, session.query, mode, session.title, hits, session.lead)
    return windowed(view, 0, size)


async def reopen(services: Services, ctx: AskContext, token: str) -> tuple[OutMessage, ...] | None:
    """A saved list from its first page (the `More in private` deep link)."""
    view = await open_session(services, token)
    if view is None:
        return None
    pages = plan_pages(view, services.labels, services.config.replies.hits_per_page)
    paged = len(pages) > 1 or view.more
    return page_messages(view, services.labels, ctx, pages, 0, token if paged else None)


async def turn_page(services: Services, ctx: AskContext, token: str, page: int) -> ButtonAnswer:
    """A `◀`/`▶` press: the pressed message becomes the asked page."""
    session = await services.state.load_session(token)
    if session is None:
        return ButtonAnswer(notice=ctx.tr._(EXPIRED), alert=True)
    if ctx.chat_type != "private" and session.user_id != ctx.user_id:
        return ButtonAnswer(notice=ctx.tr._(NOT_YOURS), alert=True)
    view = await open_session(services, token)
    window, page = divmod(page, PAGE_SPAN)
    if view is not None and window:
        view = await load_window(services, view, window)
    if view is None:
        return ButtonAnswer(notice=ctx.tr._(EXPIRED), alert=True)
    pages = plan_pages(view, services.labels, services.config.replies.hits_per_page)
    page = min(max(page, 0), len(pages) - 1)
    messages = page_messages(view, services.labels, ctx, pages, page, token)
    return ButtonAnswer(edit=messages[0], send=messages[1:])
