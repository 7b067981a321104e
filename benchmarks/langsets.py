"""Generated inflection sets per language: does a query word's term equal its forms' terms?

Each set is a list of lexemes (the word a reader types in its dictionary form, and the
inflected forms that must match it) plus distractors (look-alike words that must not match),
and sentence templates to put each form in a passage. Nothing here is anyone's statement:
the sentences are made from templates with fictional wording.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Lexeme:
    query: str  # what a user types (dictionary form)
    forms: tuple[str, ...]  # forms in text that must match the query


@dataclass(frozen=True, slots=True)
class LangSet:
    lang: str
    lexemes: tuple[Lexeme, ...]
    distractors: tuple[str, ...]  # forms that must match no lexeme's query
    templates: tuple[str, ...]  # each with one "{}" for the form


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


def _lex(query: str, forms: str) -> Lexeme:
    return Lexeme(query, _split(forms))


UKRAINIAN = LangSet(
    "uk",
    (
        _lex("Шольц", "Шольц Шольца Шольцу Шольцом Шольці"),
        _lex("Макрон", "Макрон Макрона Макрону Макроном Макроні"),
        _lex("партнери", "партнер партнера партнери партнерів партнерам партнерами партнерах"),
        _lex("переговори", "переговори переговорів переговорам переговорами переговорах"),
        _lex("Україна", "Україна України Україні Україну Україною"),
        _lex("війна", "війна війни війні війну війною війн"),
        _lex("президент", "президент президента президентові президентом президенти президентів"),
        _lex("зброя", "зброя зброї зброєю зброю"),
        _lex("санкції", "санкція санкції санкцій санкціям санкціями санкціях"),
        _lex("підтримка", "підтримка підтримки підтримці підтримку підтримкою"),
        _lex("місто", "місто міста місту містом місті містах"),
        _lex("армія", "армія армії армією армію"),
        _lex("Європа", "Європа Європи Європі Європу Європою"),
        _lex("безпека", "безпека безпеки безпеці безпеку безпекою"),
        _lex("союзник", "союзник союзника союзники союзників союзникам союзниками"),
        _lex("ракета", "ракета ракети ракеті ракету ракетою ракет ракетами"),
        _lex("Байден", "Байден Байдена Байдену Байденом"),
        _lex("зустріч", "зустріч зустрічі зустріччю зустрічей зустрічах"),
        _lex(
            "український",
            "український українського українському українським українська "
            "української українську українські українських",
        ),
        _lex("енергетика", "енергетика енергетики енергетиці енергетику енергетикою"),
    ),
    _split(
        "макарони макаронів перегони перегонах партія партії вина вини місце місця "
        "президія президії ракетка ракетки збори зборах"
    ),
    (
        "Сьогодні в ефірі знову говорили про {} і про наступні кроки.",
        "Учора ввечері {} стали головною темою розмови в студії.",
        "Ми окремо обговорили {} з колегами та експертами.",
        "Наступного тижня буде нова заява щодо {} та інших питань.",
        "Усе це пов'язано з {} більше, ніж здається на перший погляд.",
    ),
)

RUSSIAN = LangSet(
    "ru",
    (
        _lex("Шольц", "Шольц Шольца Шольцу Шольцем Шольце"),
        _lex("партнёры", "партнёр партнера партнёры партнеров партнёрам партнерами партнёрах"),
        _lex("переговоры", "переговоры переговоров переговорам переговорами переговорах"),
        _lex("Украина", "Украина Украины Украине Украину Украиной"),
        _lex("война", "война войны войне войну войной"),
        _lex("президент", "президент президента президенту президентом президенты президентов"),
        _lex("оружие", "оружие оружия оружию оружием"),
        _lex("санкции", "санкция санкции санкций санкциям санкциями санкциях"),
        _lex("поддержка", "поддержка поддержки поддержке поддержку поддержкой"),
        _lex("город", "город города городу городом городе городов"),
        _lex("армия", "армия армии армией армию"),
        _lex("Европа", "Европа Европы Европе Европу Европой"),
        _lex("безопасность", "безопасность безопасности безопасностью"),
        _lex("союзник", "союзник союзника союзники союзников союзникам союзниками"),
        _lex("ракета", "ракета ракеты ракете ракету ракетой ракет ракетами"),
        _lex("встреча", "встреча встречи встрече встречу встречей встреч"),
    ),
    _split("макароны перегоны перегонах партия партии вина вины место места"),
    (
        "Сегодня в эфире снова говорили про {} и про следующие шаги.",
        "Вчера вечером {} стали главной темой разговора в студии.",
        "Мы отдельно обсудили {} с коллегами и экспертами.",
    ),
)

ENGLISH = LangSet(
    "en",
    (
        _lex("news", "news"),
        _lex("series", "series"),
        _lex("bias", "bias biases"),
        _lex("strikes", "strike strikes striking"),
        _lex("negotiations", "negotiation negotiations negotiating"),
        _lex("partners", "partner partners"),
        _lex("weapons", "weapon weapons"),
        _lex("sanctions", "sanction sanctions sanctioned"),
        _lex("meeting", "meeting meetings"),
        _lex("city", "city cities"),
        _lex("army", "army armies"),
        _lex("allies", "ally allies"),
        _lex("missiles", "missile missiles"),
        _lex("defence", "defence defense defences defenses"),
        _lex("colour", "colour color colours colors"),
        _lex("organisation", "organisation organization organisations organizations"),
        _lex("support", "support supports supported supporting"),
    ),
    _split("new newer very serious bia strict partnership meat missions organ"),
    (
        "Today on air we spoke again about {} and about the next steps.",
        "Last night the {} became the main subject of the talk in the studio.",
        "We discussed {} with colleagues and experts separately.",
    ),
)

# Arabic: the query is typed without vowel marks; the text carries them (and tatweel,
# alef forms), so each pair must fold to the same term.
ARABIC = LangSet(
    "ar",
    (
        _lex("على", "عَلَى على علي"),
        _lex("إلى", "إِلَى إلى الى"),
        _lex("مدينة", "مَدِينَة مدينة مدينه مـدينة"),
        _lex("السلام", "السَّلَامُ السلام"),
        _lex("الحرب", "الْحَرْب الحرب الحـرب"),
        _lex("أمن", "أَمْن امن أمن"),
    ),
    _split("من في عن مع"),
    ("قال المتحدث اليوم {} في بيان رسمي.",),
)

SETS: dict[str, LangSet] = {s.lang: s for s in (UKRAINIAN, RUSSIAN, ENGLISH, ARABIC)}


def make_passages(langset: LangSet, seed: int = 12) -> list[str]:
    """One generated passage per (form, template) pair, shuffled reproducibly."""
    forms = [f for lexeme in langset.lexemes for f in lexeme.forms] + list(langset.distractors)
    passages = [t.format(f) for f in forms for t in langset.templates]
    random.Random(seed).shuffle(passages)
    return passages


# Short generated paragraphs per language for the language detector (no one's statements).
DETECT_SAMPLES: dict[str, tuple[str, ...]] = {
    "en": (
        "We met our partners today to talk about the support for the cities in the east.",
        "The talks will go on next week, and the ministers agreed on a new plan for energy.",
        "Thank you to everyone who helps the families who lost their homes this winter.",
    ),
    "uk": (
        "Сьогодні ми зустрілися з партнерами, щоб поговорити про підтримку міст на сході.",
        "Переговори триватимуть наступного тижня, і міністри погодили новий план.",
        "Дякую всім, хто допомагає родинам, які цієї зими втратили свої домівки.",
    ),
    "ru": (
        "Сегодня мы встретились с партнёрами, чтобы поговорить о поддержке городов на востоке.",
        "Переговоры продолжатся на следующей неделе, и министры согласовали новый план.",
        "Спасибо всем, кто помогает семьям, которые этой зимой потеряли свои дома.",
    ),
    "de": (
        "Heute haben wir unsere Partner getroffen, um über die Hilfe für die Städte zu sprechen.",
        "Die Gespräche gehen nächste Woche weiter, und die Minister einigten sich auf einen Plan.",
        "Danke an alle, die den Familien helfen, die in diesem Winter ihr Zuhause verloren haben.",
    ),
    "ar": (
        "التقينا اليوم بشركائنا للحديث عن دعم المدن في الشرق.",
        "ستستمر المحادثات الأسبوع المقبل، واتفق الوزراء على خطة جديدة للطاقة.",
        "شكرا لكل من يساعد العائلات التي فقدت منازلها هذا الشتاء.",
    ),
}
