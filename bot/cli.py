"""`corpusbot run | chat | index | ask`: the command line, a thin skin over the router.

`ask` sends its text through the same router and rendering as the bot, so its output is what a
Telegram user would read. Errors are translated in one place, `explain`: a problem the user
must fix (config, corpus, token) is one line on stderr and exit code 2; the Bot API out of
reach is exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from telegram.error import InvalidToken, TelegramError

from bot.config import Config, ConfigError, default_config_path, load_config
from bot.render import format_date
from bot.reply import AskContext, Reply
from bot.router import answer
from bot.services import RateLimiter, check_index, failure_lines, open_services, refuse_empty
from bot.terminal import to_terminal
from corpus.errors import CorpusError
from corpus.library import BuildProgress, Library, Progress
from corpus.model import BuildReport, Hit, SourceInfo
from corpus.question import Question

LANG_HELP = "the bot's language, as a Telegram language_code (en, uk, uk-UA; default: en)"
ASK_CONTEXT = AskContext(chat_id=1, user_id=1, chat_type="private", bot_username="corpusbot")
EXIT_FAILURE = 1  # the Bot API could not be reached
EXIT_USAGE = 2  # the command line, the config, the corpus or the token needs fixing
EXIT_INTERRUPTED = 130
NO_TOKEN = (
    "no Telegram token. Get one from @BotFather, then `export {env}=...` (or set "
    "telegram.token in {path}, and never commit it). To try the bot without Telegram: "
    "corpusbot chat"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corpusbot",
        description="A Telegram bot that answers with the exact words of its sources.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--config", type=Path, help="the YAML config (default: %(default)s)", default=None
        )
        return p

    add("run", "run the bot on Telegram (token from the config or its environment variable)")
    chat = add("chat", "talk to the bot in this terminal, through a local stand-in for Telegram")
    chat.add_argument("--lang", default="en", help=LANG_HELP)
    index = add("index", "(re)build the index; print per-source counts and parse warnings")
    index.add_argument("--force", action="store_true", help="rebuild even when up to date")
    init = add("init", "look at source files and write a config for them (then: index)")
    init.add_argument("files", nargs="+", type=Path, help="the files of your corpus")
    init.add_argument("--force", action="store_true", help="overwrite an existing config")
    ask = add("ask", "answer one command as typed in a private chat")
    ask.add_argument("--json", action="store_true", help="print one JSON object per command")
    ask.add_argument("--lang", default="en", help=LANG_HELP)
    ask.add_argument("text", help='the message, e.g. "/quote ..."; "-" reads one per line')
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return run_command(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (`corpusbot ask - | head`): stop quietly, like other tools
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    except (ConfigError, CorpusError, TelegramError) as err:
        line, code = explain(err)
        print(f"corpusbot: {line}", file=sys.stderr)
        return code


def explain(err: ConfigError | CorpusError | TelegramError) -> tuple[str, int]:
    """The one line and the exit code a command's error ends it with (the only translation)."""
    if isinstance(err, InvalidToken):
        return "Telegram refused the bot token; check it with @BotFather.", EXIT_USAGE
    if isinstance(err, TelegramError):
        return f"cannot reach the Bot API: {err}", EXIT_FAILURE
    return str(err), EXIT_USAGE


def run_command(args: argparse.Namespace) -> int:
    if args.command == "init":
        return run_init(args.files, args.config or Path("corpusbot.yaml"), force=args.force)
    config = load_config(args.config or default_config_path())
    if args.command == "index":
        return asyncio.run(run_index(config, force=args.force, out=sys.stdout))
    if args.command == "ask":
        texts = read_commands(sys.stdin) if args.text == "-" else [args.text]
        return asyncio.run(
            run_ask(config, texts, as_json=args.json, out=sys.stdout, lang=args.lang)
        )
    if args.command == "run":
        return run_telegram(config)
    return run_console(config, lang=args.lang)


def run_init(files: Sequence[Path], target: Path, *, force: bool) -> int:
    """Guess each file's format (`corpus.parse.guess`) and write a commented config at
    `target` that `corpusbot index` reads as it is; the guesses are listed on stderr."""
    from corpus.parse.guess import guess_source

    if target.exists() and not force:
        raise ConfigError(target, None, "exists already; pass --force to overwrite it")
    guesses = [guess_source(path) for path in files]
    # messages.html, messages2.html… of one chat are guessed as their folder: list it once
    seen: set[Path] = set()
    guesses = [g for g in guesses if g.spec is None or not _seen(g.spec.path, seen)]
    base = target.resolve().parent
    lines = [
        "# Written by `corpusbot init`: check every `# check` line, then `corpusbot index`.",
        "# Keys: README.md, section Adding your own texts.",
        "corpus:",
        "  sources:",
    ]
    usable = 0
    for guess in guesses:
        where = os.path.relpath((guess.spec or guess).path.resolve(), base)
        if guess.spec is None:
            lines += [f"    # left out {yaml_text(where)}: {guess.problem}"]
            print(f"corpusbot: {where}: left out: {guess.problem}", file=sys.stderr)
            continue
        usable += 1
        spec = guess.spec
        print(f"{where}: {spec.format}, {guess.passages} passages", file=sys.stderr)
        lines += [f"    - path: {yaml_text(where)}", f"      format: {spec.format}"]
        lines += [f"      # {guess.passages} passages read in this format"]
        lines += [f"      # check: {note}" for note in guess.notes]
        lines += [f"      speaker: {yaml_text(spec.speaker)}"]
        if spec.year is not None:
            lines += [f"      year: {spec.year}"]
        if spec.table_format:
            lines += [f"      table_format: {spec.table_format}"]
        if spec.columns is not None:
            named = {k: v for k, v in dataclasses.asdict(spec.columns).items() if v}
            lines += ["      columns:"]
            lines += [f"        {k}: {yaml_text(v)}" for k, v in named.items()]
    if not usable:
        raise ConfigError(target, "corpus.sources", "none of the files could be read")
    lines += [
        "index:",
        "  path: corpusbot-index.sqlite3",
        "state:",
        "  path: corpusbot-state.sqlite3",
        "",
    ]
    target.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {target}; edit it, then: corpusbot index --config {target}", file=sys.stderr)
    return 0


def _seen(path: Path, seen: set[Path]) -> bool:
    """True when `path` was seen already (and remember it)."""
    key = path.resolve()
    if key in seen:
        return True
    seen.add(key)
    return False


def yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def read_commands(stream: TextIO) -> list[str]:
    return [line.rstrip("\r\n") for line in stream if line.strip()]


def run_telegram(config: Config) -> int:
    token = config.resolve_token(os.environ)
    if not token:
        env = config.telegram.token_env or "TELEGRAM_BOT_TOKEN"
        raise ConfigError(config.path, "telegram.token", NO_TOKEN.format(env=env, path=config.path))
    # Imported here: the PTB Application and the server add ~0.2 s to every `ask` and `index`
    # start (measured with -X importtime), and only `run` and `chat` need them.
    from bot.app import run_bot

    return run_bot(config, token)


def run_console(config: Config, *, lang: str = "en") -> int:
    from bot.console import run_chat  # see run_telegram

    return run_chat(config, lang=lang)


def stoppable(progress: Progress | None, stop: threading.Event) -> Progress:
    """`progress`, raising KeyboardInterrupt in the build thread once `stop` is set: the
    build unwinds there (workers killed, scratch files removed) at its next step."""

    def report(p: BuildProgress) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        if progress is not None:
            progress(p)

    return report


async def run_index(config: Config, *, force: bool, out: TextIO) -> int:
    check_index(config)
    stop = threading.Event()  # Ctrl-C and SIGTERM: the build stops at its next source
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        library = await Library.open(
            config.source_specs(),
            config.index.path,
            quote_threshold=config.replies.quote_threshold,
            progress=stoppable(progress_printer(), stop),
            force=force,
        )
    except KeyboardInterrupt:
        print("\ncorpusbot: index build stopped; the previous index is unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    await library.close()
    refuse_empty(config, library.report)
    print_report(library.report, config, out)
    failed = failure_lines(config, library.report.failed)
    for line in failed:
        print(f"corpusbot: {line}", file=sys.stderr)
    if failed:
        print(
            f"corpusbot: {len(failed)} of {len(config.source_specs())} sources not indexed; "
            "the others are",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return 0


def progress_printer(stream: TextIO | None = None) -> Progress | None:
    """Build progress on stderr (parsing included); a build over under a megabyte of sources
    stays quiet. On a terminal one line is redrawn; piped, a line per source (a log can
    show how far a long build is) and one at the end."""
    out = stream or sys.stderr
    if stream is None and not out.isatty():
        return source_lines(out)
    last = [-1.0]

    def show(p: BuildProgress) -> None:
        if p.bytes_total < 1_000_000:
            return
        if p.failure is not None:  # on a line of its own, kept above the redrawn one
            print(f"\r{'failed: ' + p.source + ': ' + str(p.failure):<72}", file=out, flush=True)
        busy = p.stage == "indexing" and p.sources_done < p.sources_total
        if busy and p.seconds - last[0] < 0.2:
            return
        last[0] = p.seconds
        share = p.bytes_done / p.bytes_total if p.bytes_total else 1.0
        if p.stage == "parsing":
            line = f"indexing {p.sources_total} sources ({p.bytes_total / 1e6:,.0f} MB)…"
        elif p.stage == "indexing":
            line = (
                f"indexing {share:4.0%}: {p.sources_done}/{p.sources_total} sources, "
                f"{p.passages:,} passages, {p.seconds:.0f} s"
            )
        elif p.stage == "finishing":
            line = f"indexing 100%: {p.passages:,} passages; sorting and saving…"
        else:
            line = f"indexed {p.passages:,} passages in {p.seconds:.1f} s"
        end = "\n" if p.stage == "done" else ""
        print(f"\r{line:<72}", end=end, file=out, flush=True)

    return show


def source_lines(out: TextIO) -> Progress:
    """Build progress for a pipe or a log: a line per source as it is written, and the end."""

    def show(p: BuildProgress) -> None:
        if p.bytes_total < 1_000_000:  # quick: the report says it all
            return
        if p.stage == "indexing" and p.source:
            share = p.bytes_done / p.bytes_total if p.bytes_total else 1.0
            what = f"failed: {p.failure}" if p.failure else f"{p.source_passages:,} passages"
            print(
                f"indexing {p.sources_done}/{p.sources_total} ({share:.0%}) {p.source}: {what}"
                f" [{p.passages:,} passages, {p.seconds:.1f} s]",
                file=out,
                flush=True,
            )
        elif p.stage == "done":
            print(f"indexed {p.passages:,} passages in {p.seconds:.1f} s", file=out, flush=True)

    return show


def describe_language(info: SourceInfo) -> str:
    """`uk` (configured), `detected: uk (0.99)`, or why words are only folded."""
    if info.language_confidence is None:
        return info.language or "none (words matched as written)"
    if info.language is None:
        return f"unsure (confidence {info.language_confidence:.2f}): words matched as written"
    return f"detected: {info.language} ({info.language_confidence:.2f})"


def print_report(report: BuildReport, config: Config, out: TextIO) -> None:
    state = f"rebuilt in {report.seconds:.2f} s" if report.rebuilt else "up to date, reused"
    print(f"index: {config.index.path} ({state})", file=out)
    for info in report.sources:
        print(
            f"\n{info.name} ({info.format}, {config.medium(info.name)}, {info.speaker})", file=out
        )
        if info.title:
            print(f"  title: {info.title}", file=out)
        print(
            f"  passages {info.passages}, threads {info.threads}, dated {info.dated}, "
            f"undated {info.undated}, quote spans {info.quote_spans}",
            file=out,
        )
        print(f"  speakers: {', '.join(info.speakers) or '-'}", file=out)
        print(f"  language: {describe_language(info)}", file=out)
        if info.first_date and info.last_date:
            print(
                f"  dates: {format_date(info.first_date)} – {format_date(info.last_date)}", file=out
            )
        print(f"  warnings: {len(info.warnings) or 'none'}", file=out)
        for warning in info.warnings:
            print(f"    {warning}", file=out)
    total = sum(info.passages for info in report.sources)
    print(f"\ntotal: {total} passages in {len(report.sources)} sources", file=out)


async def run_ask(
    config: Config, texts: Sequence[str], *, as_json: bool, out: TextIO, lang: str = "en"
) -> int:
    asker = dataclasses.replace(ASK_CONTEXT, lang=lang)
    async with open_services(config) as services:
        for line in failure_lines(config, services.library.report.failed):
            print(f"corpusbot: not indexed: {line}", file=sys.stderr)
        # the rate limit guards a chat against floods; a local script asking many is no flood
        services.limiter = RateLimiter(0, 0, services.clock)
        for i, text in enumerate(texts):
            reply = await answer(services, text, asker)
            if reply.command == "topic":  # the bot marks a page at a time; a script gets all
                hits = services.library.mark_topic(reply.query, reply.hits)
                reply = dataclasses.replace(reply, hits=hits)
            if as_json:
                print(json.dumps(reply_json(reply), ensure_ascii=False), file=out)
                continue
            if len(texts) > 1:
                print(("\n" if i else "") + f"> {text}", file=out)
            shown = [to_terminal(m.html) for m in reply.messages]
            print("\n\n".join(shown) if shown else "(no reply)", file=out)
    return 0


def hit_json(hit: Hit) -> dict[str, Any]:
    p = hit.passage
    return {
        "id": p.id,
        "source": p.source,
        "start": p.start,
        "end": p.end,
        "text": p.text,
        "line": p.line,
        "speaker": p.speaker,
        "kind": p.kind,
        "date": p.date.iso() if p.date else None,
        "date_precision": p.date.precision if p.date else None,
        "date_text": format_date(p.date),
        "date_inferred": bool(p.date and p.date.year_inferred),
        "thread_position": p.thread.position if p.thread else None,
        "thread_tweets": p.thread.tweet_count if p.thread else None,
        "note": p.note,
        "url": p.url,
        "record": p.record,
        "datetime": p.date.iso_datetime() if p.date else None,
        "score": round(hit.score, 2),
        "match_start": hit.match_start,
        "match_end": hit.match_end,
        "highlights": [list(span) for span in hit.highlights],
        "speaker_inferred": bool(getattr(p, "speaker_inferred", False)),
    }


def reply_json(reply: Reply) -> dict[str, Any]:
    """The JSON form of one reply (the schema `ask --json` promises). A `not_found` quote has
    no results (`QuoteResult.matches`): its closest passage is a hint in the message only.
    A quote also gives `changes`, `parts` (`result` indexes `results`), `claimed_speaker`
    and `attribution` (issue 11). `error` ("timeout": no answer in time), `partial` (true: cut
    short, only the closest candidates checked), `question` (how a question in plain words was
    read, `question_json`) and `reported_speaker` (narration saying another known speaker said
    the words: a paraphrase, not their quotation) appear only when set."""
    quote = reply.quote
    extra: dict[str, Any] = {}  # only when set: other replies stay as pinned
    if reply.error is not None:
        extra["error"] = reply.error
    if reply.partial:
        extra["partial"] = True
    if reply.question is not None:
        extra["question"] = question_json(reply.question)
    if quote is not None and quote.reported_speaker is not None:
        extra["reported_speaker"] = quote.reported_speaker
    return extra | {
        "command": reply.command,
        "query": reply.query,
        "verdict": reply.verdict if reply.command == "quote" else None,
        "results": [hit_json(hit) for hit in reply.hits],
        "nearest_dates": [d.isoformat() for d in reply.nearest_dates],
        "messages": [m.html for m in reply.messages],
        "changes": [
            {"kind": c.kind, "query": c.query, "source": c.source}
            for c in (quote.changes if quote else ())
        ],
        "parts": [
            {"query_start": p.query_start, "query_end": p.query_end, "result": p.result}
            for p in (quote.parts if quote else ())
        ],
        "claimed_speaker": quote.claimed_speaker if quote else None,
        "attribution": quote.attribution if quote else None,
        "total": reply.total if reply.total is not None else len(reply.hits),
        "series": [
            {"period": p.label, "count": p.count}
            for p in (reply.timeline.series if reply.timeline else ())
        ],
        "undated": reply.timeline.undated if reply.timeline else None,
    }


def question_json(question: Question) -> dict[str, Any]:
    """How a question in plain words was read (absent for a command or text read as before):
    its kind (quote, who, when, topic, date), the speaker as the corpus names them (null
    when none, or `speaker_known` false for a name the corpus lacks; `speakers` for several
    names), the quote words, the topic or date, the filters, and the command that asks the
    same (a quote's filters narrow it apart from its words)."""
    return {
        "kind": question.kind,
        "language": question.language,
        "speaker": question.speaker,
        "speaker_asked": question.speaker_asked or None,
        "speaker_known": question.speaker_known,
        "speakers": list(question.speakers),
        "quote": question.quote or None,
        "quoted": question.quoted,
        "topic": question.topic or None,
        "date": question.date or None,
        "filters": list(question.filters),
        "command": question.command,
        "args": question.args,
    }
