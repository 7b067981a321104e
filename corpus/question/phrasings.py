"""The question forms read (English, Ukrainian, Russian, Arabic) as regular expressions over
a masked question.

Each matches the whole question (the quotation masked as `quoted.MARK`) and names its parts:
`name` (the speaker asked about), `body` (the quote words), `rest` (what a topic or date
question asks about), or, for a fact-check request, `rest` (read again as a question).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PhrasingKind = Literal["quote", "who", "when", "topic", "topic_direct", "topic_known", "check"]

NAME = r"(?P<name>@?[^\W\d_][\w’'.\-]*(?:\s+@?[^\W\d_][\w’'.\-]*){0,3}?)"
NAME2 = NAME.replace("<name>", "<name2>")  # the name's place in a pattern's other branch
BODY = r"(?P<body>.*)"
REST = r"(?P<rest>.*)"
DASH = r"\s*[—–\-:,]*\s*"  # between quoted words and a question about them

# English
ADV_EN = r"(?:(?:really|actually|ever|truly|indeed|once|genuinely|honestly|in\s+fact|even)\s+)*"
SAY_EN = (
    r"(?:say|said|write|wrote|written|tweet|tweeted|post|posted|state|stated|claim|claimed|"
    r"declare|declared|tell\s+\w+|told\s+\w+)"
)
SAID_EN = (
    r"(?:said|says|wrote|writes|tweeted|tweets|posted|stated|claimed|claims|declared|"
    r"told\s+\w+|has\s+said|had\s+said)"
)
AUX_EN = r"(?:did|didn[’']?t|has|hasn[’']?t|have|had|does|doesn[’']?t|do)"
TAIL_EN = (
    r"(?:true|right|correct|really|real|fake|or\s+not|"
    r"is\s+(?:that|it|this)\s+(?:true|right|correct|real|so))"
)
# Ukrainian
ADV_UK = r"(?:(?:справді|дійсно|насправді|колись|взагалі|таки|правда)\s+)*"
VERB_UK = (
    r"(?:(?:с?каза|говори|(?:на)?писа|заявля|заяви|стверджува|повідоми)(?:в|ла|ли)|"
    r"твітнула?|твітнули)"
)
TOPIC_VERB_UK = rf"(?:{VERB_UK}|каже|говорить|пише|думає|думав|думала)"
THAT_UK = r"(?:\s*[,:]\s*(?:(?:що|ніби|нібито)\s+)?|\s+(?:що|ніби|нібито)\s+|\s*(?=\ue000))"
TAIL_UK = r"(?:правда|це\s+правда|так|чи\s+ні|вірно|справді)"
# Russian
ADV_RU = r"(?:(?:действительно|правда|вправду|на\s+самом\s+деле|когда-нибудь|вообще|реально)\s+)*"
VERB_RU = (
    r"(?:(?:с?каза|говори|(?:на)?писа|заявля|заяви|утвержда|сообщи)(?:л|ла|ли)|"
    r"твитнула?|твитнули)"
)
TOPIC_VERB_RU = rf"(?:{VERB_RU}|говорит|пишет|думает|думал|думала)"
THAT_RU = r"(?:\s*[,:]\s*(?:(?:что|будто|якобы)\s+)?|\s+(?:что|будто|якобы)\s+|\s*(?=\ue000))"
TAIL_RU = r"(?:правда|это\s+правда|верно|так|так\s+ли\s+это|или\s+нет|да)"

# Arabic
ADV_AR = r"(?:(?:حقا|حقًا|فعلا|فعلًا|بالفعل)\s+)*"
VERB_AR = r"(?:قال|قالت|كتب|كتبت|صرح|صرّح|صرحت|غرد|غرّد|غردت|ذكر|ذكرت)"
THAT_WORD_AR = r"(?:إن|إنّ|أن|أنّ|بأن|بأنّ)"
THAT_AR = (
    r"(?:\s+(?:حقا|حقًا|فعلا|فعلًا|بالفعل))?"
    rf"(?:\s*[,:]\s*(?:{THAT_WORD_AR}\s+)?|\s+{THAT_WORD_AR}\s+|\s*(?=\ue000))"
)

# The words that introduce what a topic question is about.
TOPIC_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset({"about", "on", "regarding", "concerning", "of"}),
    "uk": frozenset({"про", "щодо", "стосовно"}),
    "ru": frozenset({"о", "об", "обо", "про", "насчёт", "насчет"}),
    "ar": frozenset({"عن", "حول", "بشأن"}),
}


@dataclass(frozen=True, slots=True)
class Phrasing:
    kind: PhrasingKind
    language: str
    pattern: re.Pattern[str]


def _p(kind: PhrasingKind, language: str, pattern: str) -> Phrasing:
    return Phrasing(kind, language, re.compile(pattern, re.I | re.S))


# Tried in order; the first whose pattern matches the whole question (and whose parts read)
# wins.
PHRASINGS: tuple[Phrasing, ...] = (
    # --- fact-check requests: the rest is read again
    _p(
        "check",
        "en",
        r"(?:please\s+)?(?:fact[\s\-]?check|check|verify)"
        r"(?:\s+(?:this|that|the\s+quote|this\s+quote))?\s*[:—–\-]\s*" + REST,
    ),
    _p("check", "en", r"(?:please\s+)?fact[\s\-]?check\s+" + REST),
    _p(
        "check",
        "uk",
        r"(?:перевір(?:те|ка|ити)?|фактчек|факт-чек|перевірка(?:\s+фактів)?)"
        r"(?:\s+(?:це|цитату|цю\s+цитату))?\s*[:—–\-]\s*" + REST,
    ),
    _p(
        "check",
        "ru",
        r"(?:провер(?:ь|ьте|ка|ить)|фактчек|факт-чек)"
        r"(?:\s+(?:это|цитату|эту\s+цитату))?\s*[:—–\-]\s*" + REST,
    ),
    # --- when did X say …
    _p("when", "en", rf"when\s+(?:did|has|had)\s+{NAME}\s+{ADV_EN}{SAY_EN}\b" + BODY),
    _p("when", "en", r"when\s+was\s+(?P<body>.+?)\s+(?:said|written|tweeted|posted)\s*\?*"),
    _p(
        "when",
        "en",
        r"(?P<body>.+?)" + DASH + rf"when\s+did\s+{NAME}\s+{ADV_EN}(?:say|write|tweet|post)"
        r"\s+(?:this|that|it|these\s+words)\s*\?*",
    ),
    _p(
        "when",
        "en",
        r"(?P<body>.+?)" + DASH + r"when\s+was\s+(?:this|that|it)\s+(?:said|written)\s*\?*",
    ),
    _p("when", "uk", rf"коли\s+{NAME}\s+{ADV_UK}{VERB_UK}\b\s*[,:]?\s*(?:що\s+)?" + BODY),
    _p("when", "uk", rf"коли\s+{ADV_UK}{VERB_UK}\s+{NAME}{THAT_UK}" + BODY),
    _p("when", "ru", rf"когда\s+{NAME}\s+{ADV_RU}{VERB_RU}\b\s*[,:]?\s*(?:что\s+)?" + BODY),
    _p("when", "ru", rf"когда\s+{ADV_RU}{VERB_RU}\s+{NAME}{THAT_RU}" + BODY),
    # --- who said …
    _p(
        "who",
        "en",
        r"who\s+(?:first\s+|originally\s+|actually\s+|really\s+|exactly\s+)?"
        r"(?:said|says|wrote|writes|tweeted|posted|stated|claimed|is\s+quoted\s+as\s+saying)\b"
        + BODY,
    ),
    _p(
        "who",
        "en",
        r"who\s+is\s+the\s+(?:author|source)\s+of"
        r"(?:\s+(?:the|these|this|that)\s+(?:words|quote|line|statement))?\s*[:,]?" + BODY,
    ),
    _p(
        "who",
        "en",
        r"whose\s+(?:words|quote|line|statement|phrase)\s+(?:are|is)"
        r"(?:\s+(?:these|this|that|it))?\s*[:—–\-]?" + BODY,
    ),
    _p("who", "en", r"whose\s+(?:words|quote|line|statement|phrase)\s*[:—–\-]" + BODY),
    _p(
        "who",
        "en",
        r"(?P<body>.+?)" + DASH + r"(?:who\s+(?:first\s+|originally\s+|actually\s+|really\s+)?"
        r"(?:said|wrote|tweeted)\s+(?:this|that|it|these\s+words)|whose\s+(?:words|quote)"
        r"(?:\s+(?:are|is)\s+(?:these|this|that|it))?)\s*\?*",
    ),
    _p(
        "who",
        "uk",
        rf"хто\s+{ADV_UK}(?:це\s+|першим\s+)?(?:{VERB_UK}|автор(?:\s+(?:цих\s+слів|цитати|слів|"
        r"вислову))?)\b\s*[,:—–\-]?\s*" + BODY,
    ),
    _p("who", "uk", r"чи[їя]\s+(?:це\s+)?(?:слова|цитата|вислів|фраза)\s*[:—–\-,]?" + BODY),
    _p(
        "who",
        "uk",
        r"(?P<body>.+?)" + DASH + rf"(?:хто\s+(?:це\s+)?{VERB_UK}(?:\s+це)?|чи[їя]\s+це\s+"
        r"(?:слова|цитата|вислів|фраза))\s*\?*",
    ),
    _p(
        "who",
        "ru",
        rf"кто\s+{ADV_RU}(?:это\s+|первым\s+)?(?:{VERB_RU}|автор(?:\s+(?:этих\s+слов|цитаты|"
        r"слов|высказывания))?)\b\s*[,:—–\-]?\s*" + BODY,
    ),
    _p(
        "who",
        "ru",
        r"чь(?:и|я)\s+(?:это\s+)?(?:слова|цитата|высказывание|фраза)\s*[:—–\-,]?" + BODY,
    ),
    _p(
        "who",
        "ru",
        r"(?P<body>.+?)" + DASH + rf"(?:кто\s+(?:это\s+)?{VERB_RU}(?:\s+это)?|чь(?:и|я)\s+это\s+"
        r"(?:слова|цитата|фраза))\s*\?*",
    ),
    # --- what did X say about Y (since Z); what was said on Z
    _p(
        "topic",
        "en",
        rf"what\s+(?:exactly\s+)?{AUX_EN}\s+{NAME}\s+(?:ever\s+|really\s+|actually\s+)?"
        r"(?:say|said|write|written|wrote|tweet|tweeted|post|posted|think|thought)\b" + REST,
    ),
    _p(
        "topic",
        "en",
        rf"what\s+{NAME}\s+(?:has\s+|had\s+)?(?:said|says|wrote|writes|tweeted|thinks|thought)\b"
        + REST,
    ),
    _p(
        "topic",
        "en",
        r"what\s+(?:was|has\s+been|have\s+been|is|were|got)\s+(?:said|written|tweeted|posted|"
        r"being\s+said)\b" + REST,
    ),
    _p(
        "topic",
        "uk",
        rf"що\s+(?:саме\s+)?{NAME}\s+{ADV_UK}{TOPIC_VERB_UK}\b" + REST,
    ),
    _p("topic", "uk", r"що\s+(?:було\s+)?(?:сказано|казали|говорили|писали|заявляли)\b" + REST),
    _p(
        "topic",
        "ru",
        rf"что\s+(?:именно\s+)?{NAME}\s+{ADV_RU}{TOPIC_VERB_RU}\b" + REST,
    ),
    _p("topic", "ru", r"что\s+(?:было\s+)?(?:сказано|говорили|писали|заявляли)\b" + REST),
    # --- when / did X mention (talk about, discuss) Y; quotes about Y: `rest` is the topic
    _p(
        "topic_direct",
        "en",
        rf"(?:(?:when|where|how\s+often|why)\s+)?{AUX_EN}\s+{NAME}\s+{ADV_EN}(?:first\s+|last\s+)?"
        r"(?:mention|mentioned|talk\s+about|talked\s+about|speak\s+about|spoke\s+about|"
        r"discuss|discussed|address|addressed|comment\s+on|commented\s+on|bring\s+up|"
        r"brought\s+up|raise|raised)\s+(?P<rest>.+?)\s*\?*",
    ),
    _p(
        "topic_direct",
        "en",
        r"(?:(?:show|give|find|list)\s+(?:me\s+)?|any\s+|all\s+)?(?:the\s+)?"
        r"(?:quotes|statements|posts|tweets|passages|messages|remarks)\s+"
        r"(?:about|on|regarding|concerning|mentioning)\s+(?P<rest>.+?)\s*\?*",
    ),
    # --- did X say anything about Y (a topic, not a quote)
    _p(
        "topic",
        "en",
        rf"{AUX_EN}\s+{NAME}\s+{ADV_EN}{SAY_EN}\s+(?:anything|something|much)\s+"
        r"(?P<rest>(?:about|on|regarding|concerning)\s+.+?)\s*\?*",
    ),
    _p(
        "topic",
        "uk",
        rf"чи\s+{ADV_UK}(?:{VERB_UK}\s+{NAME}|{NAME2}\s+{ADV_UK}{VERB_UK})\s+щось\s+"
        r"(?P<rest>(?:про|щодо)\s+.+?)\s*\?*",
    ),
    _p(
        "topic",
        "ru",
        rf"{VERB_RU}\s+ли\s+{NAME}\s+(?:что-нибудь|что-то|чего-нибудь)\s+"
        r"(?P<rest>(?:о|об|обо|про)\s+.+?)\s*\?*",
    ),
    # --- did X (really) say …
    _p(
        "quote",
        "en",
        rf"(?:and\s+|but\s+|so\s+)?{AUX_EN}\s+{NAME}\s+(?:not\s+)?{ADV_EN}{SAY_EN}\b" + BODY,
    ),
    _p(
        "quote",
        "en",
        r"(?:is\s+it|it\s*[’']?s|is\s+that)\s+(?:really\s+)?(?:true|correct|right|accurate)"
        rf"\s*[,:]?\s*(?:that\s+)?{NAME}\s+{ADV_EN}{SAID_EN}\b" + BODY,
    ),
    _p(
        "quote",
        "en",
        rf"was\s+it\s+(?:really\s+)?{NAME}\s+(?:who|that)\s+{ADV_EN}{SAID_EN}\b" + BODY,
    ),
    _p(
        "quote",
        "en",
        rf"{NAME}\s+{ADV_EN}{SAID_EN}\b(?P<body>.*?)\s*(?:[,;—–\-]\s*|\s){TAIL_EN}\s*\?+",
    ),
    _p("quote", "en", rf"{NAME}\s+(?:really|actually)\s+{SAID_EN}\b(?P<body>.*\?)"),
    _p(
        "quote",
        "en",
        r"(?P<body>.+?)" + DASH + rf"(?:did|has)\s+{NAME}\s+{ADV_EN}(?:say|said|write|wrote|"
        r"tweet|tweeted)\s+(?:this|that|it|these\s+words|so)\s*\?*",
    ),
    _p("quote", "uk", rf"чи\s+{ADV_UK}{VERB_UK}\s+{NAME}{THAT_UK}" + BODY),
    _p(
        "quote",
        "uk",
        rf"чи\s+{ADV_UK}{NAME}\s+{ADV_UK}{VERB_UK}\b\s*[,:]?\s*(?:(?:що|ніби|нібито)\s+)?" + BODY,
    ),
    _p(
        "quote",
        "uk",
        rf"(?:чи\s+)?(?:це\s+)?правда\s*[,:]?\s*що\s+{NAME}\s+{ADV_UK}{VERB_UK}\b\s*[,:]?\s*"
        r"(?:що\s+)?" + BODY,
    ),
    _p(
        "quote",
        "uk",
        rf"{NAME}\s+{ADV_UK}{VERB_UK}\b\s*[,:]?\s*(?:що\s+)?(?P<body>.*?)\s*(?:[,;—–\-]\s*|\s)"
        rf"{TAIL_UK}\s*\?+",
    ),
    _p(
        "quote",
        "uk",
        r"(?P<body>.+?)" + DASH + rf"чи\s+{ADV_UK}(?:це\s+)?(?:{VERB_UK}\s+(?:це\s+)?{NAME}|"
        rf"{NAME2}\s+{ADV_UK}(?:це\s+)?{VERB_UK}(?:\s+це)?)\s*\?*",
    ),
    _p(
        "quote",
        "ru",
        r"(?:а\s+)?(?:правда|верно|действительно|неужели|точно|это\s+правда)\s*,?\s*"
        rf"(?:ли\s*,?\s*)?(?:что\s+)?{NAME}\s+{ADV_RU}{VERB_RU}\b\s*[,:]?\s*"
        r"(?:(?:что|будто|якобы)\s+)?" + BODY,
    ),
    _p("quote", "ru", rf"{VERB_RU}\s+ли\s+(?:когда-нибудь\s+)?{NAME}{THAT_RU}" + BODY),
    _p(
        "quote",
        "ru",
        rf"{NAME}\s+{ADV_RU}{VERB_RU}\b\s*[,:]?\s*(?:что\s+)?(?P<body>.*?)\s*(?:[,;—–\-]\s*|\s)"
        rf"{TAIL_RU}\s*\?+",
    ),
    _p(
        "quote",
        "ru",
        r"(?P<body>.+?)" + DASH + rf"(?:{VERB_RU}\s+ли\s+(?:это\s+)?{NAME}(?:\s+это)?|"
        rf"(?:правда|действительно)\s+ли\s+{NAME2}\s+(?:это\s+)?{VERB_RU}(?:\s+это)?)\s*\?*",
    ),
    # --- X said … (the English form is the lookup's own: corpus.verify.speaker)
    _p("quote", "uk", rf"{NAME}\s+{ADV_UK}{VERB_UK}\b\s*[,:]?\s*(?:(?:що|ніби|нібито)\s+)?" + BODY),
    _p(
        "quote", "ru", rf"{NAME}\s+{ADV_RU}{VERB_RU}\b\s*[,:]?\s*(?:(?:что|будто|якобы)\s+)?" + BODY
    ),
    # --- Arabic: هل قال X إن … (did X say), من قال … (who said), متى قال X … (when),
    # ماذا قال X عن Y (what did X say about Y)
    _p("when", "ar", rf"متى\s+{ADV_AR}{VERB_AR}\s+{NAME}{THAT_AR}" + BODY),
    _p(
        "who",
        "ar",
        rf"من\s+(?:الذي\s+)?{VERB_AR}\b\s*[,:]?\s*(?:{THAT_WORD_AR}\s+)?" + BODY,
    ),
    _p(
        "who",
        "ar",
        r"(?:لمن|من\s+صاحب)\s+(?:هذه\s+|هذا\s+)?(?:الكلمات|المقولة|العبارة|الاقتباس|الكلام)"
        r"\s*[:—–\-,]?" + BODY,
    ),
    _p(
        "topic",
        "ar",
        rf"ماذا\s+{VERB_AR}\s+{NAME}(?P<rest>(?:\s+(?:عن|حول|بشأن)\s+.*?)?)\s*\?*",
    ),
    _p("quote", "ar", rf"هل\s+{ADV_AR}{VERB_AR}\s+{NAME}{THAT_AR}" + BODY),
    _p(
        "quote",
        "ar",
        rf"هل\s+(?:من\s+)?(?:الصحيح|صحيح|حقا|يصح)\s+(?:أن|أنّ)\s+{NAME}\s+{VERB_AR}{THAT_AR}" + BODY,
    ),
    # --- X on Y (X a known speaker)
    _p("topic_known", "en", rf"{NAME}\s+(?P<rest>(?:on|about)\s+.+?)\s*\?*"),
    _p("topic_known", "uk", rf"{NAME}\s+(?P<rest>(?:про|щодо)\s+.+?)\s*\?*"),
    _p("topic_known", "ru", rf"{NAME}\s+(?P<rest>(?:о|об|обо|про|насчёт|насчет)\s+.+?)\s*\?*"),
)
