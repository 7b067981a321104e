"""Load and validate the YAML config once into frozen objects; every error names key and file."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from corpus.analysis.languages import normalise_code
from corpus.model import (
    FOLDER_FORMATS,
    PARAGRAPH_ALIASES,
    PARAGRAPH_MODES,
    READER_FORMATS,
    SOURCE_FORMATS,
    STRUCTURED_FORMATS,
    TABLE_FORMATS,
    EmbeddedSpec,
    PassageDate,
    SourceSpec,
    TableColumns,
)

DEFAULT_MEDIUM: dict[str, str] = {
    "thread_dump": "X thread",
    "article": "article",
    "plain": "text",
    "telegram": "Telegram",
    "x_archive": "X",
    "table": "table",
    "transcript": "transcript",
    "telegram_html": "Telegram",
}
# every format the config accepts: the text formats and the readers of issue 10
CONFIG_FORMATS: tuple[str, ...] = (*SOURCE_FORMATS, *READER_FORMATS)
# formats whose speaker may come from the file (from, a column, labels, account.js):
# `speaker:` optional
SPEAKER_FROM_FILE: tuple[str, ...] = (
    "telegram",
    "table",
    "transcript",
    "telegram_html",
    "x_archive",
)
UNKNOWN_SPEAKER = "unknown"
COLUMN_KEYS: tuple[str, ...] = ("text", "date", "id", "speaker", "url", "title")
MODES: tuple[str, ...] = ("polling", "webhook")
# the paragraph rules, and the older spellings `line` and `blank` (mapped to `lines`, `blank_lines`)
PARAGRAPH_KEYS: tuple[str, ...] = (*PARAGRAPH_MODES, *PARAGRAPH_ALIASES)
SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
LINES_ITEM_RE = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?")


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so `2025-02-30` is our error, not PyYAML's crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class ConfigError(Exception):
    """The config cannot be used. `str(err)` names the file and the key path."""

    def __init__(self, file: Path | str, key: str | None, message: str) -> None:
        where = f"{file}: {key}" if key else str(file)
        super().__init__(f"{where}: {message}")
        self.file = str(file)
        self.key = key


@dataclass(frozen=True, slots=True)
class CorpusConfig:
    sources: tuple[SourceSpec, ...]
    media: Mapping[str, str] = field(default_factory=dict)  # source name -> display medium


@dataclass(frozen=True, slots=True)
class IndexConfig:
    path: Path


@dataclass(frozen=True, slots=True)
class StateConfig:
    path: Path


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    url: str = ""
    listen: str = "127.0.0.1"
    port: int = 8443
    path: str = "/telegram"
    secret_token: str = field(default="", repr=False)
    max_body: int = 1 << 20  # bytes; a larger body is refused before it is read
    backlog: int = 5_000  # journalled updates not yet answered; beyond it 503 (retry later)


@dataclass(frozen=True, slots=True)
class NetworkConfig:
    """Timeouts (seconds) of each Bot API call and the bot's own retries of a failed send;
    the defaults are PTB's timeouts and a 0.5 s backoff doubled per retry."""

    connect_timeout: float = 5.0
    read_timeout: float = 5.0
    write_timeout: float = 5.0
    pool_timeout: float = 1.0
    retries: int = 2  # extra attempts after a network error or timeout
    retry_backoff: float = 0.5  # seconds before the first retry, doubled per attempt


NETWORK_KEYS: tuple[str, ...] = ("connect_timeout", "read_timeout", "write_timeout", "pool_timeout")
NETWORK_KEYS += ("retries", "retry_backoff")


@dataclass(frozen=True, slots=True)
class TelegramConfig:
    token: str = field(default="", repr=False)  # never printed
    token_env: str = "TELEGRAM_BOT_TOKEN"
    base_url: str = "https://api.telegram.org/bot"
    mode: str = "polling"
    webhook: WebhookConfig = field(default_factory=WebhookConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    shutdown_grace: float = 8.0  # seconds SIGTERM waits for answers in flight; the rest journalled


@dataclass(frozen=True, slots=True)
class AccessConfig:
    admins: tuple[int, ...] = ()
    allowed_chats: tuple[int, ...] = ()  # empty: every chat


@dataclass(frozen=True, slots=True)
class RepliesConfig:
    hits_per_page: int = 3
    max_results: int = 50  # a list window: a session keeps this many, ▶ looks up the next
    group_max_hits: int = 3
    inline_max_results: int = 50
    quote_threshold: float = 80
    max_query_chars: int = 512


@dataclass(frozen=True, slots=True)
class SearchConfig:
    """How searches read what users type (issue 13)."""

    synonyms: tuple[tuple[str, ...], ...] = ()  # groups of words that find each other
    timezone: str = "UTC"  # `today`, `last week`… are days in this zone (IANA name)
    date_order: str = "dmy"  # how 03/07/2025 reads: dmy (3 Jul) or mdy (7 Mar)
    time_budget: float = 2.0  # seconds of CPU one lookup may take (0: no limit)
    # lookups on this many worker threads (0: on the bot's event loop, the fastest for short
    # lookups; threads keep other users answered while one slow lookup runs)
    lookup_threads: int = 0


SEARCH_KEYS = ("synonyms", "timezone", "date_order", "time_budget", "lookup_threads")


@dataclass(frozen=True, slots=True)
class RateLimitConfig:
    user_per_minute: int = 20  # 0: no limit
    chat_per_minute: int = 30
    inline_per_minute: int = 120  # inline queries come per keystroke; a user's, not a chat's


RATE_LIMIT_KEYS = ("user_per_minute", "chat_per_minute", "inline_per_minute")


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    corpus: CorpusConfig
    index: IndexConfig
    state: StateConfig
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    access: AccessConfig = field(default_factory=AccessConfig)
    replies: RepliesConfig = field(default_factory=RepliesConfig)
    rate_limit: RateLimitConfig = field(default_factory=RateLimitConfig)
    search: SearchConfig = field(default_factory=SearchConfig)

    def source_specs(self) -> tuple[SourceSpec, ...]:
        return self.corpus.sources

    def source_entry(self, source_name: str) -> str:
        """Where a source sits in the config: `corpus.sources[3] (tweets.csv)`."""
        for i, spec in enumerate(self.corpus.sources):
            if spec.name == source_name:
                return f"corpus.sources[{i}] ({source_name})"
        return source_name

    def medium(self, source_name: str) -> str:
        """The display medium of a source (`X thread`, `article`, `text`)."""
        return self.corpus.media.get(source_name, "text")

    def resolve_token(self, env: Mapping[str, str]) -> str | None:
        """The configured token, else the one in the environment variable `token_env`."""
        if self.telegram.token:
            return self.telegram.token
        value = env.get(self.telegram.token_env, "").strip() if self.telegram.token_env else ""
        return value or None


def default_config_path() -> Path:
    """The checkout's config/corpusbot.yaml, else the one under the current directory."""
    bundled = Path(__file__).resolve().parent.parent / "config" / "corpusbot.yaml"
    if bundled.is_file():
        return bundled
    return Path.cwd() / "config" / "corpusbot.yaml"


class _Reader:
    """Typed access to a YAML mapping that names the key path in every error."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.base = file.parent

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(self.file, key, message)

    def mapping(self, value: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key or "(top level)", f"must be a mapping, got {_kind(value)}")
        for name in value:
            if not isinstance(name, str) or name not in allowed:
                path = f"{key}.{name}" if key else str(name)
                raise self.fail(path, f"unknown key (allowed: {', '.join(allowed)})")
        return value

    def string(self, value: Any, key: str, *, default: str | None = None) -> str:
        if value is None and default is not None:
            return default
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, got {_kind(value)}")
        return value

    def integer(self, value: Any, key: str, *, default: int, minimum: int, maximum: int) -> int:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be an integer, got {_kind(value)}")
        if not minimum <= value <= maximum:
            raise self.fail(key, f"must be between {minimum} and {maximum}, got {value}")
        return value

    def ints(self, value: Any, key: str) -> tuple[int, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(key, f"must be a list of integers, got {_kind(value)}")
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int):
                raise self.fail(f"{key}[{i}]", f"must be an integer, got {_kind(item)}")
        return tuple(value)

    def number(
        self, value: Any, key: str, *, default: float, minimum: float, maximum: float
    ) -> float:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, got {_kind(value)}")
        if not minimum <= value <= maximum:
            raise self.fail(key, f"must be between {minimum:g} and {maximum:g}, got {value}")
        return float(value)

    def path(self, value: Any, key: str, *, default: str | None = None) -> Path:
        text = self.string(value, key, default=default)
        if not text.strip():
            raise self.fail(key, "must not be empty")
        return (self.base / Path(text).expanduser()).resolve()


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), f"{type(value).__name__} {value!r}"
    )


def _choice(r: _Reader, value: Any, key: str, choices: tuple[str, ...], default: str) -> str:
    text = r.string(value, key, default=default)
    if text not in choices:
        raise r.fail(key, f"must be one of {', '.join(choices)}, got {text!r}")
    return text


MAX_EMBEDDED_LINES = 1_000_000  # lines one `embedded.lines` may name (a range is a set of ints)
TOKEN_LIKE_RE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")  # what BotFather hands out


def parse_lines(value: Any, key: str, file: Path | str = "config") -> tuple[int, ...]:
    """`"3,5-8"`, `7` or `[3, 5, 6]` -> sorted 1-based line numbers."""
    if isinstance(value, bool):
        raise ConfigError(file, key, 'must be a line list like "3,5-8"')
    if isinstance(value, int):
        value = [value]
    lines: set[int] = set()
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                raise ConfigError(file, f"{key}[{i}]", "must be a line number >= 1")
            lines.add(item)
    elif isinstance(value, str) and value.strip():
        for part in value.split(","):
            m = LINES_ITEM_RE.fullmatch(part)
            first, last = (int(m[1]), int(m[2] or m[1])) if m else (0, 0)
            if not m or first < 1 or last < first:
                raise ConfigError(
                    file, key, f'bad line list {value!r}: write numbers and ranges like "3,5-8"'
                )
            if last - first + len(lines) >= MAX_EMBEDDED_LINES:
                raise ConfigError(
                    file, key, f"covers over {MAX_EMBEDDED_LINES:,} lines; name the lines meant"
                )
            lines.update(range(first, last + 1))
    else:
        raise ConfigError(file, key, 'must be a line list like "3,5-8" or [3, 5, 6]')
    return tuple(sorted(lines))


def _parse_date(r: _Reader, value: Any, key: str) -> PassageDate | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PassageDate(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    m = DATE_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if not m:
        raise r.fail(key, f"must be a date like 2025, 2025-09 or 2025-09-04, got {value!r}")
    year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as err:
        raise r.fail(key, f"not a real date: {value!r} ({err})") from None
    return PassageDate(year, month or None, day or None)


SOURCE_KEYS: tuple[str, ...] = (
    "path",
    "format",
    "speaker",
    "year",
    "title",
    "url",
    "medium",
    "date",
)
SOURCE_KEYS += ("embedded", "paragraphs")
SOURCE_KEYS += ("link", "columns", "table_format", "date_format", "language")
SOURCE_KEYS += ("sheet",)


def _parse_source(r: _Reader, raw: Any, key: str) -> tuple[SourceSpec, str]:
    data = r.mapping(raw, key, SOURCE_KEYS)
    if not data:
        raise r.fail(key, "must be a mapping with path, format and speaker")
    for required in ("path", "format"):
        if data.get(required) is None:
            raise r.fail(f"{key}.{required}", "is required")
    path = r.path(data["path"], f"{key}.path")
    fmt = _choice(r, data["format"], f"{key}.format", CONFIG_FORMATS, "plain")
    # a Telegram HTML export or an X archive may be given as its folder
    if not path.is_file() and not (path.is_dir() and fmt in FOLDER_FORMATS):
        found = (
            "is a folder: only telegram_html and x_archive read one"
            if path.is_dir()
            else "not found"
        )
        raise r.fail(f"{key}.path", f"source file {found}: {path}")
    if data.get("speaker") is None:
        if fmt not in SPEAKER_FROM_FILE:
            raise r.fail(f"{key}.speaker", f"is required for format {fmt}")
        data = {**data, "speaker": UNKNOWN_SPEAKER}
    speaker = r.string(data["speaker"], f"{key}.speaker").strip()
    if not speaker:
        raise r.fail(f"{key}.speaker", "must not be empty")
    year = None
    if data.get("year") is not None or fmt == "thread_dump":
        if data.get("year") is None:
            raise r.fail(f"{key}.year", "is required for format thread_dump")
        year = r.integer(data["year"], f"{key}.year", default=0, minimum=1, maximum=9999)
    title = _optional_text(r, data.get("title"), f"{key}.title")
    url = _optional_text(r, data.get("url"), f"{key}.url")
    if url and not url.startswith(("http://", "https://")):
        raise r.fail(f"{key}.url", f"must start with http:// or https://, got {url!r}")
    medium = _optional_text(r, data.get("medium"), f"{key}.medium") or DEFAULT_MEDIUM[fmt]
    paragraphs = None
    if data.get("paragraphs") is not None:
        paragraphs = _choice(r, data["paragraphs"], f"{key}.paragraphs", PARAGRAPH_KEYS, "")
        paragraphs = PARAGRAPH_ALIASES.get(paragraphs, paragraphs)  # one spelling onwards
    embedded = _parse_embedded(r, data.get("embedded"), f"{key}.embedded")
    spec = SourceSpec(
        path=path,
        format=fmt,  # type: ignore[arg-type]
        speaker=speaker,
        year=year,
        title=title,
        url=url,
        date=_parse_date(r, data.get("date"), f"{key}.date"),
        embedded=embedded,
        paragraphs=paragraphs or "auto",  # type: ignore[arg-type]
        **_parse_record_keys(r, data, key, fmt),
        language=_parse_language(r, data.get("language"), f"{key}.language"),
    )
    return spec, medium


def _parse_record_keys(r: _Reader, data: dict[str, Any], key: str, fmt: str) -> dict[str, Any]:
    """The keys of the structured formats (issue 10): `link`, `columns`, `table_format`,
    `date_format`, `sheet`; each refused with its key path where its format cannot use it."""
    out: dict[str, Any] = {}
    link = _optional_text(r, data.get("link"), f"{key}.link")
    if link is not None:
        if fmt not in STRUCTURED_FORMATS:
            raise r.fail(f"{key}.link", f"is for {', '.join(STRUCTURED_FORMATS)}, not {fmt}")
        if not link.startswith(("http://", "https://")) or "{id}" not in link:
            raise r.fail(
                f"{key}.link", f"must be an http(s) URL template with {{id}}, got {link!r}"
            )
        out["link"] = link
    for name in ("columns", "table_format", "date_format", "sheet"):
        if data.get(name) is not None and fmt != "table":
            raise r.fail(f"{key}.{name}", f"is for format table, not {fmt}")
    if data.get("columns") is not None:
        cols = r.mapping(data["columns"], f"{key}.columns", COLUMN_KEYS)
        if cols.get("text") is None:
            raise r.fail(f"{key}.columns.text", "is required (the field holding the text)")
        fields = {}
        for name, value in cols.items():
            if value is None:
                continue
            text = r.string(value, f"{key}.columns.{name}").strip()
            if not text:
                raise r.fail(f"{key}.columns.{name}", "must not be empty")
            fields[name] = text
        out["columns"] = TableColumns(**fields)
    if data.get("table_format") is not None:
        out["table_format"] = _choice(
            r, data["table_format"], f"{key}.table_format", TABLE_FORMATS, ""
        )
    if data.get("sheet") is not None:  # a name, or a 1-based number (YAML may give an int)
        sheet = data["sheet"]
        sheet = str(sheet) if isinstance(sheet, int) and not isinstance(sheet, bool) else sheet
        out["sheet"] = r.string(sheet, f"{key}.sheet").strip()
        if not out["sheet"]:
            raise r.fail(f"{key}.sheet", "must not be empty")
    if data.get("date_format") is not None:
        fmt_text = r.string(data["date_format"], f"{key}.date_format")
        if "%" not in fmt_text:
            raise r.fail(
                f"{key}.date_format", f"must be a strptime format like %d.%m.%Y, got {fmt_text!r}"
            )
        out["date_format"] = fmt_text
    return out


LANGUAGE_RE = re.compile(r"[a-z]{2}")


def _parse_language(r: _Reader, value: Any, key: str) -> str | None:
    """An ISO 639-1 code (`uk`, `en-GB` -> `en`); None (absent) means: detect it."""
    if value is None:
        return None
    code = normalise_code(r.string(value, key).strip())
    if code is None or not LANGUAGE_RE.fullmatch(code):
        raise r.fail(key, f"must be an ISO 639-1 code like en, uk or de, got {value!r}")
    return code


def _optional_text(r: _Reader, value: Any, key: str) -> str | None:
    if value is None:
        return None
    return r.string(value, key).strip() or None


def _parse_embedded(r: _Reader, value: Any, key: str) -> tuple[EmbeddedSpec, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise r.fail(key, f"must be a list, got {_kind(value)}")
    out = []
    for i, raw in enumerate(value):
        item_key = f"{key}[{i}]"
        data = r.mapping(raw, item_key, ("lines", "speaker", "note"))
        for required in ("lines", "speaker"):
            if data.get(required) is None:
                raise r.fail(f"{item_key}.{required}", "is required")
        speaker = r.string(data["speaker"], f"{item_key}.speaker").strip()
        if not speaker:
            raise r.fail(f"{item_key}.speaker", "must not be empty")
        lines = parse_lines(data["lines"], f"{item_key}.lines", r.file)
        note = _optional_text(r, data.get("note"), f"{item_key}.note")
        out.append(EmbeddedSpec(lines=lines, speaker=speaker, note=note))
    return tuple(out)


def _parse_corpus(r: _Reader, raw: Any) -> CorpusConfig:
    data = r.mapping(raw, "corpus", ("sources",))
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        raise r.fail("corpus.sources", "must be a non-empty list of sources")
    specs: list[SourceSpec] = []
    media: dict[str, str] = {}
    for i, raw_source in enumerate(sources):
        spec, medium = _parse_source(r, raw_source, f"corpus.sources[{i}]")
        if spec.name in media:
            raise r.fail(
                f"corpus.sources[{i}].path",
                f"duplicate source file name {spec.name!r}: names identify sources",
            )
        specs.append(spec)
        media[spec.name] = medium
    return CorpusConfig(tuple(specs), media)


def _section(r: _Reader, data: dict[str, Any], name: str, keys: tuple[str, ...]) -> dict:
    return r.mapping(data.get(name), name, keys)


def _parse_telegram(r: _Reader, data: dict[str, Any]) -> TelegramConfig:
    keys = ("token", "token_env", "base_url", "mode", "webhook", "network", "shutdown_grace")
    tg = _section(r, data, "telegram", keys)
    hook_keys = ("url", "listen", "port", "path", "secret_token", "max_body", "backlog")
    hook = r.mapping(tg.get("webhook"), "telegram.webhook", hook_keys)
    d = WebhookConfig()
    secret = r.string(hook.get("secret_token"), "telegram.webhook.secret_token", default="")
    if secret and not SECRET_TOKEN_RE.fullmatch(secret):
        raise r.fail("telegram.webhook.secret_token", "must be 1-256 characters A-Z a-z 0-9 _ -")
    webhook = WebhookConfig(
        url=r.string(hook.get("url"), "telegram.webhook.url", default=d.url).strip(),
        listen=r.string(hook.get("listen"), "telegram.webhook.listen", default=d.listen),
        port=r.integer(
            hook.get("port"), "telegram.webhook.port", default=d.port, minimum=1, maximum=65535
        ),
        path=r.string(hook.get("path"), "telegram.webhook.path", default=d.path),
        secret_token=secret,
        max_body=r.integer(
            hook.get("max_body"), "telegram.webhook.max_body", default=d.max_body,
            minimum=1024, maximum=1 << 30,
        ),
        backlog=r.integer(
            hook.get("backlog"), "telegram.webhook.backlog", default=d.backlog,
            minimum=1, maximum=10_000_000,
        ),
    )  # fmt: skip
    mode = _choice(r, tg.get("mode"), "telegram.mode", MODES, "polling")
    if mode == "webhook" and not webhook.url:
        raise r.fail("telegram.webhook.url", "is required when telegram.mode is webhook")
    t = TelegramConfig()
    token = tg.get("token")
    return TelegramConfig(
        token=("" if token is None else r.string(token, "telegram.token")).strip(),
        token_env=_token_env(r, tg.get("token_env"), t.token_env),
        base_url=r.string(tg.get("base_url"), "telegram.base_url", default=t.base_url),
        mode=mode,
        webhook=webhook,
        network=_parse_network(r, tg.get("network")),
        shutdown_grace=r.number(
            tg.get("shutdown_grace"), "telegram.shutdown_grace", default=t.shutdown_grace,
            minimum=0, maximum=3600,
        ),
    )  # fmt: skip


def _token_env(r: _Reader, raw: Any, default: str) -> str:
    """The name of the token's environment variable; a token put here by mistake is
    refused without being printed."""
    name = r.string(raw, "telegram.token_env", default=default)
    if TOKEN_LIKE_RE.fullmatch(name.strip()):
        raise r.fail(
            "telegram.token_env",
            "holds what looks like a bot token (not shown); put the token in an environment "
            "variable and that variable's name here (e.g. TELEGRAM_BOT_TOKEN)",
        )
    return name


def _parse_network(r: _Reader, raw: Any) -> NetworkConfig:
    data = r.mapping(raw, "telegram.network", NETWORK_KEYS)
    d = NetworkConfig()

    def seconds(name: str, minimum: float = 0.001) -> float:
        key = f"telegram.network.{name}"
        return r.number(data.get(name), key, default=getattr(d, name), minimum=minimum, maximum=600)

    return NetworkConfig(
        connect_timeout=seconds("connect_timeout"),
        read_timeout=seconds("read_timeout"),
        write_timeout=seconds("write_timeout"),
        pool_timeout=seconds("pool_timeout"),
        retries=r.integer(
            data.get("retries"),
            "telegram.network.retries",
            default=d.retries,
            minimum=0,
            maximum=10,
        ),
        retry_backoff=seconds("retry_backoff", minimum=0),
    )


def _parse_replies(r: _Reader, data: dict[str, Any]) -> RepliesConfig:
    d = RepliesConfig()
    keys: tuple[str, ...] = ("hits_per_page", "max_results", "group_max_hits", "inline_max_results")
    keys += ("quote_threshold", "max_query_chars")
    raw = _section(r, data, "replies", keys)

    def num(name: str, minimum: int, maximum: int) -> int:
        return r.integer(
            raw.get(name),
            f"replies.{name}",
            default=getattr(d, name),
            minimum=minimum,
            maximum=maximum,
        )

    threshold = raw.get("quote_threshold", d.quote_threshold)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise r.fail("replies.quote_threshold", f"must be a number, got {_kind(threshold)}")
    if not 0 <= threshold <= 100:
        raise r.fail("replies.quote_threshold", f"must be between 0 and 100, got {threshold}")
    return RepliesConfig(
        hits_per_page=num("hits_per_page", 1, 10),
        max_results=num("max_results", 1, 5000),
        group_max_hits=num("group_max_hits", 1, 10),
        inline_max_results=num("inline_max_results", 1, 50),
        quote_threshold=float(threshold),
        max_query_chars=num("max_query_chars", 16, 4096),
    )


def _parse_search(r: _Reader, data: dict[str, Any]) -> SearchConfig:
    raw = _section(r, data, "search", SEARCH_KEYS)
    groups: list[tuple[str, ...]] = []
    value = raw.get("synonyms")
    if value is not None:
        if not isinstance(value, list):
            raise r.fail("search.synonyms", f"must be a list of word lists, got {_kind(value)}")
        for i, group in enumerate(value):
            key = f"search.synonyms[{i}]"
            if not isinstance(group, list) or len(group) < 2:
                raise r.fail(key, "must be a list of two words or more, e.g. [Kyiv, Kiev]")
            groups.append(tuple(r.string(w, f"{key}[{j}]") for j, w in enumerate(group)))
    zone = r.string(raw.get("timezone"), "search.timezone", default="UTC")
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise r.fail(
            "search.timezone", f"unknown time zone {zone!r} (e.g. UTC, Europe/Kyiv)"
        ) from None
    order = r.string(raw.get("date_order"), "search.date_order", default="dmy")
    if order not in ("dmy", "mdy"):
        raise r.fail("search.date_order", f"must be dmy or mdy, got {order!r}")
    budget = r.number(
        raw.get("time_budget"), "search.time_budget", default=2.0, minimum=0, maximum=600
    )
    threads = r.integer(
        raw.get("lookup_threads"), "search.lookup_threads", default=0, minimum=0, maximum=16
    )
    return SearchConfig(tuple(groups), zone, order, budget, threads)


def load_config(path: Path) -> Config:
    """Read and validate the YAML config at `path`; raise `ConfigError` on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, None, "config file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(path, None, f"cannot read the config: {err}") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigError(path, None, f"YAML syntax error at {where}: {problem}") from None
    except RecursionError:
        raise ConfigError(path, None, "the YAML is nested too deeply to be a config") from None
    r = _Reader(path.resolve())
    if data is None:
        raise r.fail("corpus.sources", "the config is empty; it needs at least corpus.sources")
    top = r.mapping(
        data,
        "",
        ("corpus", "index", "state", "telegram", "access", "replies", "rate_limit", "search"),
    )
    if top.get("corpus") is None:
        raise r.fail("corpus", "is required (a mapping with sources)")
    index = _section(r, top, "index", ("path",))
    state = _section(r, top, "state", ("path",))
    access = _section(r, top, "access", ("admins", "allowed_chats"))
    limits = _section(r, top, "rate_limit", RATE_LIMIT_KEYS)
    rl = RateLimitConfig()
    return Config(
        path=path.resolve(),
        corpus=_parse_corpus(r, top["corpus"]),
        index=IndexConfig(r.path(index.get("path"), "index.path", default="corpusbot.sqlite3")),
        state=StateConfig(
            r.path(state.get("path"), "state.path", default="corpusbot-state.sqlite3")
        ),
        telegram=_parse_telegram(r, top),
        access=AccessConfig(
            admins=r.ints(access.get("admins"), "access.admins"),
            allowed_chats=r.ints(access.get("allowed_chats"), "access.allowed_chats"),
        ),
        replies=_parse_replies(r, top),
        rate_limit=RateLimitConfig(
            **{
                key: r.integer(
                    limits.get(key),
                    f"rate_limit.{key}",
                    default=getattr(rl, key),
                    minimum=0,
                    maximum=10_000,
                )
                for key in RATE_LIMIT_KEYS
            }
        ),
        search=_parse_search(r, top),
    )
