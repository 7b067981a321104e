"""`corpusbot chat`: talk to the real bot in a terminal, no token, through the local fake Bot API.

The same PTB Application, handlers and rendering as on Telegram; the user is a simulated
private-chat user of the in-process fake; replies are printed for a terminal, buttons as
numbered choices that typing the number presses. As in Telegram, the buttons of every
earlier message stay pressable: numbers run on through the session, and an edited message's
buttons get new numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.app import build_application, serving
from bot.config import Config
from bot.context import BotApplication
from bot.fakeapi import CallbackAnswer, FakeBotApi, InlineAnswer, SentMessage
from bot.services import Services, open_services
from bot.terminal import to_terminal
from corpus.build import BuildProgress, Progress

QUIT_WORDS = frozenset({"/quit", "/exit", "/q"})
TURN_TIMEOUT = 60.0  # seconds to wait for the bot to finish answering one line
BOT_USERNAME = "corpusbot"
EXAMPLES = (
    "/topic drones",
    "/quote so long as he kills, he lives",
    "/date Aug 28",
    "/random",
    "/sources",
    "/help",
)

ReadLine = Callable[[str], Awaitable[str | None]]


@dataclass(slots=True)
class Choice:
    """A numbered button of the last message that has buttons."""

    text: str
    message: SentMessage
    callback_data: str | None = None
    url: str | None = None
    inline_query: str | None = None


@dataclass(slots=True)
class ConsoleChat:
    """One terminal conversation with the bot: send lines, print what the bot does."""

    fake: FakeBotApi
    application: BotApplication
    out: TextIO
    events: asyncio.Queue[Any] = field(init=False)
    choices: list[Choice | None] = field(default_factory=list)  # None: replaced by an edit
    cards: list[tuple[str, str]] = field(default_factory=list)  # inline results: (title, html)
    charts: Path | None = None  # where a photo the bot sends is saved (default: a temp folder)

    def __post_init__(self) -> None:
        self.events = self.fake.subscribe()

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False when the user wants to leave."""
        line = line.strip()
        if not line:
            return True
        if line.lower() in QUIT_WORDS:
            return False
        if line.isdigit() and self.cards and 1 <= int(line) <= len(self.cards):
            self._share_card(int(line))
        elif line.isdigit() and 1 <= int(line) <= len(self.choices):
            await self._press(int(line))
        elif line.startswith(f"@{self.bot_username} ") or line == f"@{self.bot_username}":
            await self._inline(line.removeprefix(f"@{self.bot_username}").strip())
        else:
            self.cards = []
            self.fake.user_sends(line)
            await self._show_turn()
        return True

    @property
    def bot_username(self) -> str:
        return self.application.bot.username or BOT_USERNAME

    async def _press(self, number: int) -> None:
        choice = self.choices[number - 1]
        if choice is None:
            self.print(f"(button [{number}] is gone: its message was edited since)")
            return
        self.print(f"(you press [{number}] {choice.text})")
        if choice.url:
            self.print(f"  opens {choice.url}")
            return
        if choice.inline_query is not None:
            await self._inline(choice.inline_query)
            return
        self.fake.user_presses(choice.message, callback_data=choice.callback_data)
        await self._show_turn()

    async def _inline(self, query: str) -> None:
        self.fake.user_inline(query)
        await self._show_turn()

    def _share_card(self, number: int) -> None:
        _title, markup = self.cards[number - 1]
        self.cards = []
        self.print(f"you (via @{self.bot_username}) ›")
        self.print(_indent(to_terminal(markup)))
        self.print()

    async def _show_turn(self) -> None:
        """Wait until the bot has handled everything, then print what it did."""
        try:
            await self.fake.wait_idle(self.application, timeout=TURN_TIMEOUT)
        except TimeoutError:
            self.print("(the bot is still busy; its answer will show after your next line)")
        while not self.events.empty():
            self._show(self.events.get_nowait())

    def _show(self, event: Any) -> None:
        if isinstance(event, SentMessage):
            label = "bot (edited) ›" if event.edited else "bot ›"
            self.print(label)
            if event.photo is not None:
                self.print(_indent(self._photo_line(event)))
            self.print(_indent(to_terminal(event.html)))
            self._remember_buttons(event)
            self.print()
        elif isinstance(event, CallbackAnswer):
            if event.text:
                kind = "alert" if event.show_alert else "notice"
                self.print(f"bot ({kind}) › {event.text}")
                self.print()
        elif isinstance(event, InlineAnswer):
            self._show_cards(event)

    def _photo_line(self, message: SentMessage) -> str:
        """`[picture 800×300 PNG, 21 KB: saved to …]`: a terminal cannot show it, so it is
        saved where an image viewer can open it."""
        data = message.photo or b""
        size = (message.message.get("photo") or [{}])[-1]
        folder = self.charts or Path(tempfile.gettempdir()) / "corpusbot-charts"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"chat{message.chat_id}-message{message.message_id}.png"
        path.write_bytes(data)
        shape = f"{size.get('width', '?')}×{size.get('height', '?')}"
        return f"[picture {shape} PNG, {len(data) // 1024 + 1} KB: saved to {path}]"

    def _remember_buttons(self, message: SentMessage) -> None:
        for number, old in enumerate(self.choices):
            if old is not None and _same_message(old.message, message):
                self.choices[number] = None  # an edit replaces the message's buttons
        first = len(self.choices) + 1
        choices = [
            Choice(
                text=b.get("text", ""),
                message=message,
                callback_data=b.get("callback_data"),
                url=b.get("url"),
                inline_query=b.get("switch_inline_query_current_chat"),
            )
            for b in message.buttons()
        ]
        if not choices:
            return
        self.choices.extend(choices)
        self.print("  " + "  ".join(f"[{i}] {c.text}" for i, c in enumerate(choices, first)))

    def _show_cards(self, answer: InlineAnswer) -> None:
        self.cards = []
        for result in answer.results:
            content = result.get("input_message_content") or {}
            self.cards.append((str(result.get("title", "")), content.get("message_text", "")))
        self.print(f"@{self.bot_username} inline results ›")
        if not self.cards:
            self.print("  (no results)")
        for i, result in enumerate(answer.results, 1):
            self.print(f"  [{i}] {result.get('title', '')}")
            if result.get("description"):
                self.print(f"      {result['description']}")
        if answer.next_offset:
            self.print("  (more results when you scroll in Telegram)")
        if self.cards:
            self.print("  type a number to send that card")
        self.print()


def _same_message(a: SentMessage, b: SentMessage) -> bool:
    return (a.chat_id, a.message_id, a.inline_message_id) == (
        b.chat_id,
        b.message_id,
        b.inline_message_id,
    )


def _indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


async def banner(services: Services, out: TextIO, bot_username: str) -> None:
    """What this is, the corpus loaded, examples, how to quit."""
    sources = await services.library.sources()
    total = sum(s.passages for s in sources)

    def say(text: str = "") -> None:
        print(text, file=out, flush=True)

    say("corpusbot chat: the real bot, answering you here through a local stand-in for")
    say("Telegram (no token needed). Type what you would type to the bot in Telegram.")
    say(f"Corpus: {len(sources)} sources, {total} passages")
    for s in sources:
        say(f"  - {s.title or s.name}: {s.passages} passages ({s.speaker})")
    say("Try: " + " | ".join(EXAMPLES))
    say(f"Inline mode: @{bot_username} drones. A button's number presses it.")
    say("Leave with /quit, Ctrl-D or Ctrl-C.")
    say()


def _progress_printer(out: TextIO) -> Progress:
    """Show that a first index build is under way, parsing included (at once, then at most
    every 2 s, then when it sorts and saves, and when it is done)."""
    last = [0.0]

    def progress(p: BuildProgress) -> None:
        if p.stage == "parsing":
            print(
                f"Building the search index (first run): {p.sources_total} sources, "
                f"{p.bytes_total / 1e6:,.1f} MB…",
                file=out,
                flush=True,
            )
            last[0] = p.seconds
        elif p.stage == "indexing" and p.seconds - last[0] >= 2.0:
            print(
                f"  {p.bytes_done / max(p.bytes_total, 1):.0%}: {p.sources_done}/"
                f"{p.sources_total} sources, {p.passages:,} passages, {p.seconds:.0f} s",
                file=out,
                flush=True,
            )
            last[0] = p.seconds
        elif p.stage == "finishing" and p.seconds >= 2.0:
            print(f"  {p.passages:,} passages read; sorting and saving…", file=out, flush=True)
        elif p.stage == "done":
            print(f"  index built in {p.seconds:.1f} s.", file=out, flush=True)

    return progress


def reader(stdin: TextIO, echo: TextIO | None) -> ReadLine:
    """Read lines on a daemon thread so the event loop keeps running (and Ctrl-C or an exit
    never waits for a blocked read). With a TTY `input()` gives line editing; piped input is
    echoed after the prompt so the transcript shows it. None at end of input."""
    interactive = stdin is sys.stdin and stdin.isatty()

    async def read(prompt: str) -> str | None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str | None] = loop.create_future()

        def deliver(value: str | None) -> None:
            if not future.done():
                future.set_result(value)

        def work() -> None:
            try:
                line: str | None = input(prompt) if interactive else stdin.readline()
            except EOFError:
                line = None
            except (OSError, ValueError):
                line = None
            if line == "" and not interactive:
                line = None
            with contextlib.suppress(RuntimeError):  # the loop may be closed already
                loop.call_soon_threadsafe(deliver, line)

        threading.Thread(target=work, name="console-input", daemon=True).start()
        line = await future
        if not interactive and echo is not None and line is not None:
            print(prompt + line.rstrip("\n"), file=echo, flush=True)
        return line

    return read


def fresh_update_id() -> int:
    """A first update id above any an earlier session used: the clock in milliseconds (a
    session uses far fewer than one id per millisecond), kept within 31 bits."""
    return int(time.time() * 1000) % 2**31 or 1


async def chat_session(
    config: Config, read: ReadLine, out: TextIO, *, poll_timeout: int = 10, lang: str = "en"
) -> None:
    """Open the corpus, start the fake and the real bot, converse until the user leaves."""
    print("Opening the corpus…", file=out, flush=True)
    async with (
        open_services(config, progress=_progress_printer(out)) as services,
        FakeBotApi(username=BOT_USERNAME) as fake,
    ):
        # Each session is a new stand-in Telegram: its update ids must not repeat those the
        # state file remembers from an earlier session, or the bot drops them as redeliveries.
        fake.world.next_update_id = fresh_update_id()
        fake.user_speaks(lang)  # the language_code the stand-in Telegram sends for the user
        application = build_application(services, base_url=fake.base_url, token=fake.token)
        async with serving(application, poll_timeout=poll_timeout):
            chat = ConsoleChat(fake, application, out, charts=config.state.path.parent / "charts")
            await banner(services, out, chat.bot_username)
            while True:
                line = await read("you › ")
                if line is None or not await chat.handle(line):
                    break
            print("Bye.", file=out, flush=True)


def run_chat(
    config: Config,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    lang: str = "en",
) -> int:
    """`corpusbot chat`: the console chat; 0 when the user leaves. Errors reach the CLI."""
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        asyncio.run(chat_session(config, reader(stdin, out), out, lang=lang))
    except KeyboardInterrupt:
        print("\nBye.", file=out, flush=True)
    return 0
