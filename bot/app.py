"""The composition root: the PTB `Application`, every handler in one list, and `corpusbot run`.

`build_application` wires services into a PTB app; `serving` starts and stops it (polling or
webhook) the same way for `corpusbot run`, `corpusbot chat` and the tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import html
import logging
import os
import secrets
import signal
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import handlers
from bot.config import Config, ConfigError
from bot.context import CONTEXT_TYPES, SERVICES_KEY, BotApplication, store_services
from bot.housekeeping import TIDY_EVERY, GatedQueue, LeanApplication, keep_tidy
from bot.i18n import ENGLISH, Translator, languages, translator
from bot.intake import (
    Backlog,
    CappedHTTPServer,
    JournaledApplication,
    JournalingQueue,
    bot_id_of,
    raise_open_files_limit,
    replay_unfinished,
    webhook_server,
)
from bot.journal import JournalUnavailable, UpdateJournal
from bot.sends import SEND_MARK, MarkingRequest, SendMark
from bot.services import Services, open_services
from bot.text import COMMANDS

log = logging.getLogger(__name__)

# Only what the bot handles; an explicit list, since omitting it keeps the server's old setting.
ALLOWED_UPDATES: tuple[str, ...] = ("message", "callback_query", "inline_query")
CONCURRENT_UPDATES = 8
FLOOD_RETRIES = 3
SHUTDOWN_GRACE = 8.0  # seconds (config telegram.shutdown_grace)


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """Where the webhook server listens and what URL Telegram is told to POST to."""

    listen: str
    port: int
    path: str
    url: str
    secret_token: str
    max_body: int = 1 << 20
    backlog: int = 5_000


def bot_commands(tr: Translator = ENGLISH) -> tuple[BotCommand, ...]:
    """The command menu, from the help texts (bot/text.py), for set_my_commands."""
    return tuple(BotCommand(cmd.name, tr._(cmd.description)) for cmd in COMMANDS if not cmd.admin)


def router_commands() -> tuple[str, ...]:
    """Every command name the router answers, including admin ones."""
    return tuple(cmd.name for cmd in COMMANDS)


async def _post_init(application: BotApplication) -> None:
    """Publish the command menu for private chats and groups: English for everyone, and each
    catalog's language for the users whose Telegram speaks it (`language_code`)."""
    bot = application.bot
    for lang in languages():
        code = None if lang == ENGLISH.lang else lang
        commands = list(bot_commands(translator(lang)))
        await bot.set_my_commands(
            commands, scope=BotCommandScopeAllPrivateChats(), language_code=code
        )
        await bot.set_my_commands(
            commands, scope=BotCommandScopeAllGroupChats(), language_code=code
        )


def build_application(
    services: Services,
    *,
    base_url: str | None = None,
    token: str | None = None,
    throttle: bool = True,
    send_mark: SendMark = SEND_MARK,
) -> BotApplication:
    """A PTB Application for `services`: HTML defaults, the configured timeouts, flood-control
    retries, every handler; the handlers get a `BotContext` (services typed).

    `throttle=False` leaves out PTB's AIORateLimiter (Telegram's ~30 messages/s), so the
    benchmarks can measure the bot's own cost per command against the fake Bot API.
    `send_mark`: when a message answering an update counts as sent (bot/sends.py)."""
    config = services.config
    token = token or config.resolve_token(os.environ)
    if not token:
        raise InvalidToken("no bot token configured")
    network = config.telegram.network
    builder = (
        ApplicationBuilder()
        .context_types(CONTEXT_TYPES)
        .token(token)
        .base_url(base_url or config.telegram.base_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(_post_init)
    )
    connect, read = network.connect_timeout, network.read_timeout
    write, pool = network.write_timeout, network.pool_timeout
    journal = services.state.journal
    # no per-user marks kept for ever; a backlog waits as updates, not as PTB tasks
    ahead = 2 * CONCURRENT_UPDATES
    builder = builder.application_class(LeanApplication).update_queue(GatedQueue(ahead))
    if journal is not None:  # every update on disk before Telegram is told it arrived
        builder = builder.update_queue(JournalingQueue(journal, bot_id_of(token), ahead=ahead))
        builder = builder.application_class(JournaledApplication)
        # each message answering an update marked sent: a replay skips it (bot/sends.py)
        builder = builder.request(
            MarkingRequest(
                mark=send_mark, connect_timeout=connect, read_timeout=read,
                write_timeout=write, pool_timeout=pool,
            )
        )  # fmt: skip
    else:
        builder = builder.connect_timeout(connect).read_timeout(read)
        builder = builder.write_timeout(write).pool_timeout(pool)
    if throttle:
        # PTB types AIORateLimiter for per-call `rate_limit_args` of int; we pass none
        builder = builder.rate_limiter(AIORateLimiter(max_retries=FLOOD_RETRIES))  # type: ignore[arg-type]
    application = builder.build()
    store_services(application, services)

    message = filters.UpdateType.MESSAGE  # new messages only: an edit never re-runs a command
    application.add_handlers(
        [
            CommandHandler(router_commands(), handlers.on_message, filters=message),
            MessageHandler(message & filters.COMMAND, handlers.on_unknown_command),
            MessageHandler(
                message & filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE,
                handlers.on_message,
            ),
            CallbackQueryHandler(handlers.on_button),
            InlineQueryHandler(handlers.on_inline_query),
        ]
    )
    if journal is None:  # the journal catches redeliveries; without it the seen-update ids do
        application.add_handler(TypeHandler(Update, handlers.skip_duplicates), group=-1)
    application.add_error_handler(handlers.on_error)
    return application


@contextlib.asynccontextmanager
async def serving(
    application: Application,
    *,
    poll_timeout: int = 10,
    webhook: WebhookSettings | None = None,
    grace: float = SHUTDOWN_GRACE,
    tidy_every: float = TIDY_EVERY,
) -> AsyncIterator[Application]:
    """Initialize, run post_init, fetch updates (long polling, or the webhook server of
    bot/intake.py), answer what a dead process left journalled, dispatch, and every
    `tidy_every` s forget idle users (bot/housekeeping.py). On exit: stop accepting at once,
    wait at most `grace` s for the answers in flight (the rest stays journalled for the next
    start), shut down."""
    updater = application.updater
    if updater is None:
        raise ValueError("serving needs an Application built with an updater")
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        server: CappedHTTPServer | None = None
        if webhook is None:
            await updater.start_polling(timeout=poll_timeout, allowed_updates=list(ALLOWED_UPDATES))
        else:
            server = await _start_webhook(application, webhook)
        await application.start()
        keeper: asyncio.Task[None] | None = None
        services = application.bot_data.get(SERVICES_KEY)
        tidier = asyncio.create_task(keep_tidy(services, tidy_every)) if services else None
        try:
            replayed = await replay_unfinished(application)
            if replayed:
                log.info("answering %d updates journalled but not answered before", replayed)
            journal = _journal_of(application)
            if journal is not None:
                keeper = asyncio.create_task(_keep_journal(application, journal))
            yield application
        finally:
            for task in (keeper, tidier):
                if task is not None:
                    task.cancel()
            if server is not None:
                server.stop()  # no new connection from here on
            if updater.running:
                await updater.stop()
            if application.running:
                await _stop_within(application, grace)
            if server is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(server.close_all_connections(), 1.0)


def _journal_of(application: Application) -> UpdateJournal | None:
    queue = application.update_queue
    return queue.journal if isinstance(queue, JournalingQueue) else None


async def _start_webhook(application: Application, webhook: WebhookSettings) -> CappedHTTPServer:
    """Listen (errors reach the CLI: a busy port, a bad address), then tell Telegram."""
    journal = _journal_of(application)
    server = webhook_server(
        path="/" + webhook.path.strip("/"),
        secret=webhook.secret_token,
        queue=application.update_queue,
        bot=application.bot,
        backlog=Backlog(journal, webhook.backlog) if journal is not None else None,
        max_body=webhook.max_body,
    )
    try:
        server.listen(webhook.port, webhook.listen)
    except OSError as err:  # one line from the CLI, not a traceback
        raise listen_error(webhook, err) from None
    try:
        await application.bot.set_webhook(
            webhook.url,
            secret_token=webhook.secret_token,
            allowed_updates=list(ALLOWED_UPDATES),
        )
    except BaseException:
        server.stop()
        raise
    return server


def listen_error(webhook: WebhookSettings, err: OSError) -> ConfigError:
    """A busy port or an address this host cannot listen on, as a config error."""
    if err.errno == errno.EADDRINUSE:
        return ConfigError(
            "config", "telegram.webhook.port", f"port {webhook.port} on {webhook.listen} is in "
            "use by another process; stop it or choose another port",
        )  # fmt: skip
    if err.errno == errno.EACCES:
        return ConfigError(
            "config", "telegram.webhook.port", f"no permission to listen on port {webhook.port}"
        )
    reason = err.strerror or str(err)
    return ConfigError(
        "config", "telegram.webhook.listen", f"cannot listen on {webhook.listen!r} ({reason})"
    )


async def _keep_journal(application: Application, journal: UpdateJournal) -> None:
    """Heartbeat every lease/3; every lease, answer what another dead process left."""
    beats = 0
    while True:
        await asyncio.sleep(journal.lease / 3)
        beats += 1
        try:
            await journal.heartbeat()
            if beats % 3 == 0:
                await replay_unfinished(application)
        except JournalUnavailable as err:
            log.debug("update journal: %s", err)


async def _stop_within(application: Application, grace: float) -> None:
    """application.stop() (answers what is queued) for at most `grace` seconds; what is left
    is journalled and answered at the next start."""
    try:
        await asyncio.wait_for(application.stop(), grace)
    except TimeoutError:
        queue = application.update_queue
        log.warning(
            "stopped after the %.0f s grace; %d updates left journalled for the next start",
            grace, queue.qsize(),
        )  # fmt: skip


async def tell_admins_of_recovery(application: Application, services: Services) -> None:
    """A state file that had to be moved aside or replaced by memory: each admin is told
    once at start (an admin who never opened a private chat is only in the log)."""
    recovery = services.state.recovery
    if recovery is None:
        return
    text = f"⚠ corpusbot state store: {html.escape(recovery.message)}"
    for admin in services.config.access.admins:
        try:
            await application.bot.send_message(admin, text)
        except TelegramError as err:
            log.info("could not tell admin %s about the state store: %s", admin, err)


class TokenRedactor(logging.Filter):
    """Replaces the bot token in every log record (httpx logs request URLs holding it)."""

    def __init__(self, secrets_: Sequence[str]) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets_ if s)

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<token>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True


def configure_logging(token: str, *, level: int = logging.INFO) -> None:
    """Log to stderr with the token redacted from every record, httpx kept quiet."""
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    redactor = TokenRedactor([token])
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    logging.getLogger("httpx").setLevel(logging.WARNING)


def webhook_settings(config: Config) -> WebhookSettings:
    """The webhook settings from config; a random secret when none is configured."""
    hook = config.telegram.webhook
    return WebhookSettings(
        listen=hook.listen,
        port=hook.port,
        path=hook.path,
        url=hook.url,
        secret_token=hook.secret_token or secrets.token_urlsafe(32),
        max_body=hook.max_body,
        backlog=hook.backlog,
    )


async def _serve_until_stopped(config: Config, token: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    webhook = webhook_settings(config) if config.telegram.mode == "webhook" else None
    grace = config.telegram.shutdown_grace
    async with open_services(config, bot_id=bot_id_of(token)) as services:
        # the measurement knob of docs/reliability.md §7 (not a setting: one policy is right)
        mark = SendMark(os.environ.get("CORPUSBOT_SEND_MARK", SEND_MARK.value))
        application = build_application(services, token=token, send_mark=mark)
        async with serving(application, webhook=webhook, grace=grace):
            me = application.bot.username
            how = f"webhook on {webhook.listen}:{webhook.port}" if webhook else "long polling"
            log.info("corpusbot @%s is serving (%s); Ctrl-C stops it", me, how)
            await tell_admins_of_recovery(application, services)
            await stop.wait()
    log.info("corpusbot stopped")


def run_bot(config: Config, token: str) -> int:
    """`corpusbot run`: serve Telegram until SIGINT/SIGTERM. Errors reach the CLI, which
    translates them (bot/cli.py)."""
    configure_logging(token)
    raise_open_files_limit()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_until_stopped(config, token))
    return 0
