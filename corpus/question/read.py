"""`read_question`: a fact-checking question in plain words -> the `Question` it asks, or None.

Only the forms in `phrasings` are read, and only when their parts read too: a speaker name
(a pronoun means none; a name the corpus lacks is kept and said so by the caller), quote
words (quoted, or three words or more), a topic or a date. Anything else is None, and the
caller routes the text as it always did; nothing is guessed.
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
        "я",
        "ты",
        "вы",
        "мы",
        "кто-то",
        "кто-нибудь",
        "это",
        "тот",
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
        "что",
        "кто",
        "когда",
        "почему",
        "как",
        "где",
        "действительно",
        "ли",
        "также",
    ]
)
LEAD_RE = re.compile(
    r"^(?:(?:that|що|ніби|нібито|что|будто|якобы)\s*[,:—–\-]?\s+"
    r"|(?:this|these\s+words|the\s+words|the\s+following|it|це|ці\s+слова|это|эти\s+слова)"
    r"\s*(?:[:—–\-]\s*|(?=\ue000)))",
    re.I,
)
TAIL_RE = re.compile(
    r"(?:\s*[,;—–\-]\s*(?:true|right|correct|really|real|fake|or\s+not|"
    r"is\s+(?:that|it|this)\s+(?:true|right|correct|real|so)|правда|це\s+правда|так|чи\s+ні|"
    r"вірно|справді|это\s+правда|верно|так\s+ли\s+это|или\s+нет))?\s*[?!]*\s*$",
    re.I,
)
EDGE = " \t\n,;:—–-"
WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Speaker:
    corpus: str | None  # the one corpus speaker meant
    asked: str  # as typed ('' for none or a pronoun)
    candidates: tuple[str, ...]


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
    return _read(mask_quotation(cleaned), text, tuple(speakers), today, date_order, 0)


def _read(
    masked: Masked,
    text: str,
    speakers: tuple[str, ...],
    today: dt.date | None,
    date_order: DateOrder,
    depth: int,
) -> Question | None:
    asked = masked.text.strip()
    for phrasing in PHRASINGS:
        found = phrasing.pattern.fullmatch(asked)
        if found is None:
            continue
        if phrasing.kind == "check":
            rest = Masked(found["rest"].strip(), masked.inner, masked.outer)
            question = _read_check(rest, text, phrasing, speakers, today, date_order, depth)
        elif phrasing.kind in ("topic", "topic_known"):
            question = _read_topic(found, masked, text, phrasing, speakers, today, date_order)
        else:
            question = _read_quote(found, masked, text, phrasing, speakers)
        if question is not None:
            return question
    return None


def _read_check(
    rest: Masked,
    text: str,
    phrasing: Phrasing,
    speakers: tuple[str, ...],
    today: dt.date | None,
    date_order: DateOrder,
    depth: int,
) -> Question | None:
    """`fact check: …`: a question in the rest, else `X said …` / `… (X)`, else the words."""
    if depth < MAX_CHECK_DEPTH:
        inner = _read(rest, text, speakers, today, date_order, depth + 1)
        if inner is not None:
            return inner
    restored = rest.restore(rest.text)
    claim = parse_claim(restored, known=speakers)
    if claim is not None:
        speaker = _speaker(claim.name, speakers)
        words = _words(Masked(restored[claim.start : claim.end]))
        if speaker is None or words is None:
            return None
        return _quote_question("quote", phrasing.language, text, words, speaker)
    words = _words(rest)
    if words is None:
        return None
    return _quote_question("quote", phrasing.language, text, words, _Speaker(None, "", ()))


def _read_quote(
    found: re.Match[str], masked: Masked, text: str, phrasing: Phrasing, speakers: tuple[str, ...]
) -> Question | None:
    speaker = _Speaker(None, "", ())
    name = _name_in(found)
    if name is not None:
        named = _speaker(name, speakers)
        if named is None:
            return None
        speaker = named
    words = _words(masked, found["body"])
    if words is None:
        return None
    kind: QuestionKind = "who" if phrasing.kind == "who" else phrasing.kind  # type: ignore[assignment]
    return _quote_question(kind, phrasing.language, text, words, speaker)


def _name_in(found: re.Match[str]) -> str | None:
    """The speaker name a phrasing matched (in whichever branch), or None."""
    for group in ("name", "name2"):
        if group in found.re.groupindex and found[group] is not None:
            return found[group]
    return None


def _quote_question(
    kind: QuestionKind, language: str, text: str, words: tuple[str, bool], speaker: _Speaker
) -> Question:
    quote, quoted = words
    return Question(
        kind,
        language,
        text,
        quote=quote,
        quoted=quoted,
        speaker=speaker.corpus,
        speaker_asked=speaker.asked,
        candidates=speaker.candidates,
    )


def _words(masked: Masked, raw: str | None = None) -> tuple[str, bool] | None:
    """The quote words of a question's body: the quotation exactly as typed when the body is
    only that, else the body's words (at least `MIN_UNQUOTED_WORDS`) with any quotation put
    back, question words and marks at its edges left out."""
    body = (masked.text if raw is None else raw).strip(EDGE)
    body = LEAD_RE.sub("", body, count=1)
    body = TAIL_RE.sub("", body, count=1).strip(EDGE)
    if body == MARK and masked.inner is not None:
        inner = masked.inner.strip()
        return (inner, True) if WORD_RE.search(inner) else None
    body = masked.restore(body)
    if len(WORD_RE.findall(body)) < MIN_UNQUOTED_WORDS:
        return None
    return body, False


def _speaker(name: str, speakers: Sequence[str]) -> _Speaker | None:
    """Who a name in a question means: a pronoun is nobody; a corpus speaker (or several
    sharing the name); an unknown but capitalised name kept as typed; else None (no name)."""
    name = name.strip(" .,")
    words = name.split()
    if not words or len(words) > 4:
        return None
    if len(words) == 1 and words[0].casefold() in PRONOUNS:
        return _Speaker(None, "", ())
    if any(w.casefold() in NOT_NAMES or w.casefold() in PRONOUNS for w in words):
        return None
    candidates = tuple(c.name for c in match_speaker(name, speakers).candidates)
    if candidates:
        return _Speaker(candidates[0] if len(candidates) == 1 else None, name, candidates)
    if not any(w.lstrip("@")[:1].isupper() for w in words):
        return None
    return _Speaker(None, name, ())


def _read_topic(
    found: re.Match[str],
    masked: Masked,
    text: str,
    phrasing: Phrasing,
    speakers: tuple[str, ...],
    today: dt.date | None,
    date_order: DateOrder,
) -> Question | None:
    """`what did X say about Y since Z` -> topic Y by:X since:Z; `… on Aug 28` -> date."""
    speaker = _Speaker(None, "", ())
    name = _name_in(found)
    if name is not None:
        named = _speaker(name, speakers)
        if named is None or (phrasing.kind == "topic_known" and not named.candidates):
            return None
        speaker = named
    rest = masked.restore(found["rest"]).strip(EDGE + "?!.")
    by = _by_filter(speaker)
    date = read_date(rest, today=today, date_order=date_order) if rest else None
    if date is not None:
        value = date.value if date.key == "date" else f"{date.key} {date.value}"
        dated = _about(speaker, "date", phrasing.language, text, "", value, by)
        return _checked(dated, today, date_order)
    topic = ""
    filters = by
    if rest:
        first, _, after = rest.partition(" ")
        if first.casefold() not in TOPIC_WORDS[phrasing.language]:
            return None
        topic, tail = split_date_tail(after.strip(EDGE), today=today, date_order=date_order)
        topic = topic.strip(EDGE)
        if not WORD_RE.search(topic):
            return None
        if tail is not None:
            filters = (*by, tail.filter)
    if not topic and not by:
        return None
    about = _about(speaker, "topic", phrasing.language, text, topic, "", filters)
    return _checked(about, today, date_order)


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
        topic=topic,
        date=date,
        filters=filters,
    )


def _by_filter(speaker: _Speaker) -> tuple[str, ...]:
    name = speaker.corpus or speaker.asked
    if not name:
        return ()
    name = name.replace('"', "")
    return (f'by:"{name}"' if " " in name else f"by:{name}",)


def _checked(question: Question, today: dt.date | None, date_order: DateOrder) -> Question | None:
    """The question when the query syntax reads its filters as meant, else None."""
    parsed = parse_search_query(
        " ".join((question.topic, *question.filters)), today=today, date_order=date_order
    )
    return None if isinstance(parsed, SyntaxProblem) else question
