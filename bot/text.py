"""The bot's fixed words: the command list (for /help, set_my_commands and the README),
the words of the welcome and help texts (bot/render.py builds their HTML), the polite notices.
Each is an English msgid marked `N_` for `pybabel extract`, translated where it is shown
(`ctx.tr._(words.RATE_NOTICE)`); README "Languages of the bot"."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True, slots=True)
class CommandInfo:
    name: str  # without the slash; [a-z0-9_]{1,32}
    description: str  # 1-256 characters, for set_my_commands
    example: str  # what a user would type
    admin: bool = False


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("start", N_("welcome and examples"), "/start"),
    CommandInfo("help", N_("every command with an example"), "/help"),
    CommandInfo(
        "quote",
        N_("find the passage closest to your wording: verdict, score, diff"),
        "/quote Russia is stronger than any of us",
    ),
    CommandInfo("topic", N_("passages about these words, most relevant first"), "/topic sanctions"),
    CommandInfo("date", N_("passages of a day, a month or a range"), "/date Aug 28"),
    CommandInfo("random", N_("a random passage"), "/random"),
    CommandInfo("sources", N_("the sources with passage counts and date coverage"), "/sources"),
    CommandInfo("context", N_("the passages around one, and its whole thread"), "/context <id>"),
    CommandInfo("reload", N_("admins: re-read the sources and swap the index"), "/reload", True),
    CommandInfo("stats", N_("admins: queries served by command"), "/stats", True),
    CommandInfo("speakers", N_("every speaker with passage counts and dates"), "/speakers"),
    CommandInfo(
        "timeline", N_("how often a topic comes up, per week or month"), "/timeline drones"
    ),
)
COMMAND_NAMES: frozenset[str] = frozenset(c.name for c in COMMANDS)
USAGE: dict[str, str] = {
    "quote": N_(
        "Send the words you remember after /quote, for example:\n"
        "<code>/quote so long as he kills, he lives</code>"
    ),
    "topic": N_("Send one or a few words after /topic, for example:\n<code>/topic drones</code>"),
    "timeline": N_(
        "Send one or a few words after /timeline, for example:\n<code>/timeline drones</code>"
    ),
    "date": N_(
        "Send a day, a month or a range after /date, for example:\n"
        "<code>/date Aug 28</code>, <code>/date 28.08.2025</code>, "
        "<code>/date Aug 9 - Aug 17</code>, <code>/date August 2025</code>"
    ),
    "context": N_(
        "Send a passage id after /context; every answer ends with one, for example:\n"
        "<code>/context abc123def0</code>"
    ),
}

PROMISE = N_(
    "Every answer quotes the source word for word and says who said it, where and when; "
    "when nothing matches well enough, I say so."
)

PLAIN_TEXT_RULE = N_(
    "In a private chat you can also just send text: a date (<code>Aug 28</code>) is looked up "
    "with /date, four words or more with /quote, fewer with /topic."
)

QUESTIONS_RULE = N_(
    "Questions in plain words work too, as text or after /quote and /topic: "
    "<code>did Zelensky say “…”?</code>, <code>who said …</code>, "
    "<code>when did Rutte say …</code>, <code>what did Rutte say about drones since August</code>; "
    "the reply says how I read it."
)


RATE_NOTICE = N_("You are sending lookups faster than I can answer. Please wait a minute.")
ACCESS_REFUSAL = N_("Sorry, this bot only answers in the chats its owner has allowed.")
ADMIN_REFUSAL = N_("Sorry, /{name} is only for the bot's admins.")
UNKNOWN_COMMAND = N_("I don't know /{name}. /help lists what I can do.")
TOO_LONG = N_(
    "That is {length} characters; I look up at most {limit}. Please send a shorter piece."
)
EXPIRED = N_("This list has expired, send the command again.")
NOT_YOURS = N_("Only the person who asked can turn these pages.")
BAD_BUTTON = N_("This button no longer works. Send the command again.")
LOOKUP_TIMEOUT = N_("That search took too long, so I stopped it. Try fewer or more specific words.")
# the core's QueryError codes, in the user's language (corpus.errors: TOO_COMMON, ...)
QUERY_ERRORS = {
    "too_common": N_(
        "Those words are too common to search for on their own (like “the” or “and”): they "
        "would match nearly every passage. Add a word that says what the passages are about."
    ),
    "quote_too_short": N_(
        "That is too short to check as a quote: one word, or only words as common as “the”, "
        "stand in too many places. Send a few more of the words you remember."
    ),
}
PARTIAL_ANSWER = N_(
    "I ran out of time and checked only the closest candidates: a better match may exist."
)
SOMETHING_WRONG = N_("Sorry, something went wrong on my side. Please try again later.")
EMPTY_CORPUS = N_("The corpus is empty.")
PASSAGE_GONE = N_("That passage is no longer in the corpus.")
BAD_PAYLOAD = N_("That link did not carry anything I know; here is the welcome instead.")

SEARCH_SYNTAX = N_(
    "Narrow /topic, /quote and /date: <code>by:Rutte</code> (speaker), "
    '<code>in:rutte.txt</code> (source title or file), <code>since:"Aug 20"</code>, '
    '<code>until:2025-09-01</code>; <code>"exact phrase"</code>, <code>-word</code> to leave '
    "out, <code>drones OR missiles</code>. For example: <code>/topic drones by:Zelensky "
    "since:2025-08-20</code>, <code>/date last week</code>, <code>/date since Aug 20</code>, "
    "<code>/date between 1 Aug and 15 Aug</code>."
)
