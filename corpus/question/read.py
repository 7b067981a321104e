"""`read_question`: a fact-checking question in plain words -> the `Question` it asks, or None.

Only the forms in `phrasings` are read, and only when their parts read too: a speaker name
(a pronoun means none; a name the corpus lacks is kept and said so by the caller), quote
words (a quotation, or three words or more), a topic or a date. Anything else is None, and
the caller routes the text as it always did; nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.lookup.date_query import DateOrder
from corpus.query_syntax import SyntaxProblem, parse_search_query
from corpus.question.dates import read_date, split_date_tail
from corpus.question.model import Question, QuestionKind
from corpus.question.phrasings import PHRASINGS, TOPIC_WORDS, Phrasing
from corpus.question.quoted import MARK, Masked, mask_quotation
from corpus.speaker_match import match_speaker
from corpus.verify.speaker import parse_claim

MAX_CHARS = 1000  # a longer text is no question (the lookups refuse it anyway)
MIN_UNQUOTED_WORDS = 3  # unquoted quote words: fewer are no quote (`who said that?`)
MIN_QUOTATION_WORDS = 3  # a shorter quotation inside more words is a scare quote, not the quote
MAX_CHECK_DEPTH = 2  # `fact check: fact check: …`
# A speaker named by these is no speaker: the question checks the words alone.
PRONOUNS = frozenset(
    [
        "he",
        "she",
        "they",
        "i",
        "you",
        "we",
        "it",
        "this",
        "that",
        "someone",
        "somebody",
        "anyone",
        "anybody",
        "everyone",
        "people",
        "він",
        "вона",
        "вони",
        "я",
        "ти",
        "ви",
        "ми",
        "хтось",
        "це",
        "той",
        "та",
        "он",
        "она",
        "они",
        "ты",
        "вы",
        "мы",
        "кто-то",
        "кто-нибудь",
        "это",
        "тот",
        "هو",
        "هي",
        "هم",
        "أنت",
        "أنا",
        "نحن",
    ]
)
# Never (part of) a name: a phrasing that would take one as a name does not apply.
NOT_NAMES = frozenset(
    [
        "what",
        "who",
        "whom",
        "whose",
        "when",
        "why",
        "how",
        "where",
        "which",
        "really",
        "actually",
        "ever",
        "not",
        "also",
        "then",
        "there",
        "here",
        "about",
        "said",
        "say",
        "exactly",
        "anything",
        "something",
        "що",
        "хто",
        "коли",
        "чому",
        "як",
        "де",
        "справді",
        "дійсно",
        "чи",
        "також",
        "щось",
        "что",
        "кто",
        "когда",
        "почему",
        "как",
        "где",
        "действительно",
        "ли",
        "также",
        "что-нибудь",
        "что-то",
        "هل",
        "من",
        "ماذا",
        "متى",
        "حقا",
        "فعلا",
        "بالفعل",
        "إن",
        "أن",
        "الذي",
    ]
)
# Titles before a name (`President Zelensky`): left out when matching the name.
TITLES = frozenset(
    [
        "president",
        "prime",
        "minister",
        "pm",
        "secretary",
        "general",
        "chancellor",
        "chief",
        "nato",
        "mr",
        "mrs",
        "ms",
        "dr",
        "ukrainian",
        "ukraine's",
        "ukraine’s",
        "президент",
        "прем'єр",
        "прем’єр",
        "міністр",
        "генсек",
        "генсекретар",
        "пан",
        "пані",
        "премьер",
        "министр",
        "господин",
        "госпожа",
    ]
)
JOINED_NAMES = re.compile(r"\s*(?:,|&|\band\b|\bor\b|\bі\b|\bта\b|\bабо\b|\bи\b|\bили\b)\s*", re.I)
LEAD_RE = re.compile(
    r"^(?:(?:that|що|ніби|нібито|что|будто|якобы)\s*[,:—–\-]?\s+"
    r"|(?:this|these\s+words|the\s+words|the\s+following|it|це|ці\s+слова|это|эти\s+слова)"
    r"\s*(?:[:—–\-]\s*|(?=\ue000)))",
    re.I,
)
TAIL_RE = re.compile(
    r"(?:\s*[,;.—–\-]\s*(?:true|right|correct|really|real|fake|or\s+not|"
    r"is\s+(?:that|it|this)\s+(?:true|right|correct|real|so)|правда|це\s+правда|так|чи\s+ні|"
    r"вірно|справді|это\s+правда|верно|так\s+ли\s+это|или\s+нет)"
    r"|\s+(?:and\s+when|і\s+коли|та\s+коли|и\s+когда))?\s*[?!]*\s*$",
    re.I,
)
EDGE = " \t\n,;:—–-"
UKRAINIAN_ONLY = frozenset("іїєґ")
RUSSIAN_ONLY = frozenset("ыэъё")
ARABIC_MARKS = str.maketrans({"؟": "?", "،": ",", "؛": ";"})
WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Speaker:
    corpus: str | None = None  # the one corpus speaker meant
    asked: str = ""  # as typed ('' for none, a pronoun, or several names)
    candidates: tuple[str, ...] = ()
    several: tuple[str, ...] = ()  # `Rutte or Zelensky`: each one's corpus name


@dataclass(frozen=True, slots=True)
class _Words:
    quote: str
    quoted: bool
    filters: tuple[str, ...] = ()  # a date after the quotation: `"…" in June`


@dataclass(frozen=True, slots=True)
class _Asking:
    """What a reading needs besides the words: the corpus's speakers and how dates read."""

    speakers: tuple[str, ...]
    today: dt.date | None
    date_order: DateOrder


def read_question(
    text: str,
    *,
    speakers: Sequence[str],
    today: dt.date | None = None,
    date_order: DateOrder = "dmy",
) -> Question | None:
    """What the question `text` asks, read against the corpus's `speakers`; None when it is
    not one of the forms read (the caller routes the text as before)."""
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        return None
    cleaned = "".join(c if c.isprintable() or c in "\n\t" else " " for c in text).strip()
    if not cleaned or MARK in cleaned:
        return None
    asking = _Asking(tuple(speakers), today, date_order)
    masked = mask_quotation(cleaned)
    # Arabic question mark and comma read as `?` and `,` (outside the quotation only)
    masked = Masked(masked.text.translate(ARABIC_MARKS), masked.inner, masked.outer)
    return _read(masked, text, asking, 0)


def _read(masked: Masked, text: str, asking: _Asking, depth: int) -> Question | None:
    asked = masked.text.strip()
    for phrasing in PHRASINGS:
        found = phrasing.pattern.fullmatch(asked)
        if found is None:
            continue
        if phrasing.kind == "check":
            rest = Masked(found["rest"].strip(), masked.inner, masked.outer)
            question = _read_check(rest, text, phrasing, asking, depth)
        elif phrasing.kind in ("topic", "topic_direct", "topic_known"):
            question = _read_topic(found, masked, text, phrasing, asking)
        else:
            question = _read_quote(found, masked, text, phrasing, asking)
        if question is not None:
            return question
    return None


def _read_check(
    rest: Masked, text: str, phrasing: Phrasing, asking: _Asking, depth: int
) -> Question | None:
    """`fact check: …`: a question in the rest, else `X said …` / `… (X)`, else the words."""
    if depth < MAX_CHECK_DEPTH:
        inner = _read(rest, text, asking, depth + 1)
        if inner is not None:
            return inner
    restored = rest.restore(rest.text)
    claim = parse_claim(restored, known=asking.speakers)
    if claim is not None:
        speaker = _speaker(claim.name, asking.speakers)
        words = _words(mask_quotation(restored[claim.start : claim.end]), asking)
        if speaker is None or words is None:
            return None
        return _quote_question("quote", _language(phrasing, text), text, words, speaker)
    words = _words(rest, asking)
    if words is None:
        return None
    return _quote_question("quote", _language(phrasing, text), text, words, _Speaker())


def _read_quote(
    found: re.Match[str], masked: Masked, text: str, phrasing: Phrasing, asking: _Asking
) -> Question | None:
    speaker = _asked_speaker(found, asking)
    if speaker is None:
        return None
    words = _words(masked, asking, found["body"])
    if words is None:
        return None
    kind: QuestionKind = "when" if phrasing.kind == "when" else "quote"
    if phrasing.kind == "who":
        kind = "who"
    return _quote_question(kind, _language(phrasing, text), text, words, speaker)


def _language(phrasing: Phrasing, text: str) -> str:
    """The question's language: its phrasing's, unless a phrasing Ukrainian and Russian share
    (`Зеленський про …`) meets letters only one of them has."""
    if phrasing.language in ("uk", "ru"):
        letters = set(text.casefold())
        if letters & RUSSIAN_ONLY and not letters & UKRAINIAN_ONLY:
            return "ru"
        if letters & UKRAINIAN_ONLY and not letters & RUSSIAN_ONLY:
            return "uk"
    return phrasing.language


def _asked_speaker(found: re.Match[str], asking: _Asking) -> _Speaker | None:
    """Whom the phrasing names (`_Speaker()` when it names nobody), or None when the name
    it matched is no name (`_speaker`): the phrasing does not apply."""
    name = _name_in(found)
    return _Speaker() if name is None else _speaker(name, asking.speakers)


def _name_in(found: re.Match[str]) -> str | None:
    """The speaker name a phrasing matched (in whichever branch), or None."""
    for group in ("name", "name2"):
        if group in found.re.groupindex and found[group] is not None:
            return found[group]
    return None


def _quote_question(
    kind: QuestionKind, language: str, text: str, words: _Words, speaker: _Speaker
) -> Question:
    return Question(
        kind,
        language,
        text,
        quote=words.quote,
        quoted=words.quoted,
        speaker=speaker.corpus,
        speaker_asked=speaker.asked,
        candidates=speaker.candidates,
        speakers=speaker.several,
        filters=words.filters,
    )


def _words(masked: Masked, asking: _Asking, raw: str | None = None) -> _Words | None:
    """The quote words of a question's body: its quotation exactly as typed (the words
    around it are the question's, a date after it a filter), unless it is a word or two
    inside a longer sentence; else the body's words (at least `MIN_UNQUOTED_WORDS`), the
    question's words and marks at its edges left out."""
    body = (masked.text if raw is None else raw).strip(EDGE)
    body = LEAD_RE.sub("", body, count=1)
    body = TAIL_RE.sub("", body, count=1).strip(EDGE)
    if MARK in body and masked.inner is not None:
        inner = masked.inner.strip()
        around = body.replace(MARK, " ")
        if not WORD_RE.search(inner):
            return None
        if len(WORD_RE.findall(inner)) >= MIN_QUOTATION_WORDS or not WORD_RE.search(around):
            after = body.partition(MARK)[2].strip(EDGE + "?!.")
            dated = read_date(after, today=asking.today, date_order=asking.date_order)
            return _Words(inner, True, (dated.filter,) if dated and after else ())
    body = masked.restore(body)
    if len(WORD_RE.findall(body)) < MIN_UNQUOTED_WORDS:
        return None
    return _Words(body, False)


def _speaker(name: str, speakers: Sequence[str]) -> _Speaker | None:
    """Who a name in a question means: a pronoun is nobody; a corpus speaker (or several
    sharing the name, or several names each a corpus speaker's); an unknown but capitalised
    name kept as typed; else None (no name: the phrasing does not apply)."""
    name = name.strip(" .,")
    words = name.split()
    if not words or len(words) > 4:
        return None
    if len(words) == 1 and words[0].casefold() in PRONOUNS:
        return _Speaker()
    if any(w.casefold() in NOT_NAMES or w.casefold() in PRONOUNS for w in words):
        return None
    parts = [p for p in JOINED_NAMES.split(name) if p]
    if len(parts) > 1:
        each = [_one_speaker(p, speakers) for p in parts]
        found = tuple(s.corpus for s in each if s is not None and s.corpus)
        return _Speaker(several=found) if len(found) == len(parts) else None
    return _one_speaker(name, speakers)


def _one_speaker(name: str, speakers: Sequence[str]) -> _Speaker | None:
    words = name.split()
    while len(words) > 1 and words[0].casefold() in TITLES:
        words = words[1:]  # `President Zelensky`, `NATO chief Rutte`
    bare = " ".join(words)
    candidates = tuple(c.name for c in match_speaker(bare, speakers).candidates)
    if candidates:
        return _Speaker(candidates[0] if len(candidates) == 1 else None, name, candidates)
    if not any(_name_like(w) for w in words):
        return None
    return _Speaker(None, name, ())


def _name_like(word: str) -> bool:
    """Capitalised, or in a script without capitals (Arabic): may be an unknown name."""
    first = word.lstrip("@")[:1]
    return first.isupper() or (first.isalpha() and first.lower() == first.upper())


def _read_topic(
    found: re.Match[str], masked: Masked, text: str, phrasing: Phrasing, asking: _Asking
) -> Question | None:
    """`what did X say about Y since Z` -> topic Y by:X since:Z; `… on Aug 28` -> date."""
    speaker = _asked_speaker(found, asking)
    known = speaker is not None and (speaker.candidates or speaker.several)
    if speaker is None or (phrasing.kind == "topic_known" and not known):
        return None
    rest = masked.restore(found["rest"]).strip(EDGE + "?!.")
    by = _by_filters(speaker)
    today, order = asking.today, asking.date_order
    date = read_date(rest, today=today, date_order=order) if rest else None
    if date is not None:
        value = date.value if date.key == "date" else f"{date.key} {date.value}"
        return _checked(
            _about(speaker, "date", _language(phrasing, text), text, "", value, by), asking
        )
    topic = ""
    filters = by
    if rest:
        first, _, after = rest.partition(" ")
        if phrasing.kind == "topic_direct":  # `mentioned Y`: no word introduces the topic
            after = rest
        elif first.casefold() not in TOPIC_WORDS[phrasing.language]:
            return None
        topic, tail = split_date_tail(after.strip(EDGE), today=today, date_order=order)
        topic = topic.strip(EDGE)
        if not WORD_RE.search(topic):
            return None
        if tail is not None:
            filters = (*by, tail.filter)
    if not topic and not by:
        return None
    about = _about(speaker, "topic", _language(phrasing, text), text, topic, "", filters)
    return _checked(about, asking)


def _about(
    speaker: _Speaker,
    kind: QuestionKind,
    language: str,
    text: str,
    topic: str,
    date: str,
    filters: tuple[str, ...],
) -> Question:
    return Question(
        kind,
        language,
        text,
        speaker=speaker.corpus,
        speaker_asked=speaker.asked,
        candidates=speaker.candidates,
        speakers=speaker.several,
        topic=topic,
        date=date,
        filters=filters,
    )


def _by_filters(speaker: _Speaker) -> tuple[str, ...]:
    """`by:` filters for whom a question names (each of several names; the corpus's name
    when known, else as typed: the lookup then says no speaker matches)."""
    names = speaker.several or ((speaker.corpus or speaker.asked),)
    found = []
    for name in names:
        name = name.replace('"', "")
        if name:
            found.append(f'by:"{name}"' if " " in name else f"by:{name}")
    return tuple(found)


def _checked(question: Question, asking: _Asking) -> Question | None:
    """The question when the query syntax reads its filters as meant, else None."""
    parsed = parse_search_query(
        " ".join((question.topic, *question.filters)),
        today=asking.today,
        date_order=asking.date_order,
    )
    return None if isinstance(parsed, SyntaxProblem) else question
