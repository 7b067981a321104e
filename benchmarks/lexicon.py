"""Word lists for the synthetic corpus: function words, a political lexicon in topics, names.

The general vocabulary is made of pronounceable pseudo-words (see `make_vocabulary`), so the
corpus holds no real person's words; speakers are fictional.
"""

from __future__ import annotations

import random

_FUNCTION_TEXT = """
    the of and to in a is that for it as with was on be by we are this at from have not
    they our will all but has their more which were an been who its one can would there also
    must only after now new other than when into about over those these people world today
    against every between under without through during because still each before further
    where while very just even most many some such them us my me i you he she his her no
    so what how why out up then here first last next long own same both any few much well
    time year years day week country countries state together already again always never
    support need help make work working continue important clear strong real"""
FUNCTION_WORDS: tuple[str, ...] = tuple(_FUNCTION_TEXT.split())

# 30 topics of 8 words: what a /topic query asks for. Lower-case, distinct, >= 4 letters
# (tests/test_generate.py checks it).
TOPICS: tuple[tuple[str, ...], ...] = (
    ("sanctions", "embargo", "tariffs", "oligarchs", "assets", "frozen", "exports", "banking"),
    ("drones", "interceptors", "airspace", "radar", "shahed", "launches", "swarms", "jamming"),
    ("missiles", "ballistic", "cruise", "warheads", "patriot", "batteries", "launchers", "salvo"),
    ("elections", "ballots", "candidates", "turnout", "polling", "campaign", "voters", "recount"),
    ("negotiations", "ceasefire", "mediators", "talks", "envoys", "truce", "summit", "roadmap"),
    (
        "refugees",
        "shelters",
        "evacuation",
        "displaced",
        "asylum",
        "humanitarian",
        "convoys",
        "orphans",
    ),
    ("energy", "pipelines", "blackouts", "turbines", "reactors", "substations", "grid", "nuclear"),
    ("grain", "harvests", "farmers", "farmland", "silos", "granaries", "wheat", "fertilizer"),
    (
        "parliament",
        "deputies",
        "legislation",
        "amendments",
        "ratified",
        "committee",
        "quorum",
        "session",
    ),
    (
        "corruption",
        "bribery",
        "prosecutors",
        "indictment",
        "embezzlement",
        "auditors",
        "procurement",
        "graft",
    ),
    (
        "reconstruction",
        "rebuilding",
        "investors",
        "donors",
        "pledges",
        "infrastructure",
        "housing",
        "bridges",
    ),
    (
        "alliance",
        "membership",
        "accession",
        "treaty",
        "partners",
        "deterrence",
        "guarantees",
        "coalition",
    ),
    (
        "artillery",
        "shells",
        "howitzers",
        "ammunition",
        "calibre",
        "barrels",
        "stockpiles",
        "munitions",
    ),
    (
        "frontline",
        "trenches",
        "offensive",
        "counteroffensive",
        "brigades",
        "infantry",
        "positions",
        "assault",
    ),
    ("navy", "fleet", "warships", "frigates", "submarines", "blockade", "maritime", "harbour"),
    (
        "cyberattacks",
        "hackers",
        "malware",
        "servers",
        "espionage",
        "intelligence",
        "leaks",
        "encryption",
    ),
    (
        "prisoners",
        "exchange",
        "captivity",
        "detainees",
        "hostages",
        "release",
        "torture",
        "tribunal",
    ),
    ("budget", "deficit", "inflation", "bonds", "loans", "currency", "taxation", "revenue"),
    (
        "children",
        "schools",
        "teachers",
        "students",
        "universities",
        "classrooms",
        "deported",
        "abducted",
    ),
    (
        "hospitals",
        "doctors",
        "surgeons",
        "medicine",
        "ambulances",
        "wounded",
        "clinics",
        "vaccines",
    ),
    (
        "journalists",
        "media",
        "censorship",
        "propaganda",
        "broadcasters",
        "newsrooms",
        "disinformation",
        "reporters",
    ),
    (
        "territory",
        "occupation",
        "annexation",
        "referendum",
        "borders",
        "sovereignty",
        "integrity",
        "liberation",
    ),
    ("weapons", "deliveries", "tanks", "fighters", "jets", "squadrons", "pilots", "aircraft"),
    (
        "diplomacy",
        "embassy",
        "ambassador",
        "consulate",
        "diplomats",
        "credentials",
        "protocol",
        "communique",
    ),
    ("climate", "emissions", "pollution", "forests", "floods", "drought", "wildfires", "ecology"),
    (
        "veterans",
        "pensions",
        "soldiers",
        "families",
        "memorial",
        "fallen",
        "rehabilitation",
        "mobilization",
    ),
    ("courts", "judges", "verdict", "lawsuit", "appeal", "constitution", "justice", "rulings"),
    (
        "industry",
        "factories",
        "production",
        "manufacturing",
        "workers",
        "steel",
        "plants",
        "output",
    ),
    (
        "satellites",
        "spacecraft",
        "orbit",
        "telescopes",
        "launchpad",
        "rockets",
        "astronauts",
        "starlink",
    ),
    ("railways", "trains", "stations", "logistics", "trucks", "highways", "airports", "cargo"),
)

FIRST_NAMES: tuple[str, ...] = (
    "Olena",
    "Taras",
    "Marta",
    "Ivo",
    "Lena",
    "Petra",
    "Anders",
    "Mirela",
    "Jonas",
    "Ilse",
    "Dario",
    "Kasia",
    "Viktor",
    "Noor",
    "Elias",
    "Greta",
    "Tomas",
    "Alma",
    "Rafael",
    "Sunniva",
)
SURNAMES: tuple[str, ...] = (
    "Marchenko",
    "Halvorsen",
    "Kovalyk",
    "Dussault",
    "Brannigan",
    "Okafor",
    "Lindqvist",
    "Petrescu",
    "Varga",
    "Moretti",
    "Szabo",
    "Castellan",
    "Harrowgate",
    "Novak",
    "Ferreira",
    "Aaltonen",
    "Brezina",
    "Quill",
    "Ostrowski",
    "Delacroix",
    "Yarrow",
    "Kestrel",
    "Mbeki",
    "Thornbury",
    "Vasquez",
    "Ilyin",
    "Rask",
    "Sandoval",
    "Whitcombe",
    "Zoric",
)

ONSETS = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "br",
    "cr",
    "dr",
    "fl",
    "gr",
    "pl",
    "pr",
    "st",
    "tr",
    "sh",
    "ch",
    "th",
    "",
)
VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "ie")
CODAS = ("", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "rt", "ck", "ng")


def lexicon_words() -> tuple[str, ...]:
    """Every topical word, in topic order, without repeats."""
    seen: dict[str, None] = {}
    for topic in TOPICS:
        for word in topic:
            seen.setdefault(word, None)
    return tuple(seen)


def make_vocabulary(size: int, seed: int) -> list[str]:
    """`size` distinct pseudo-words of 3-12 letters, none a function or topical word."""
    rng = random.Random(f"vocab:{seed}")
    taken = set(FUNCTION_WORDS) | set(lexicon_words())
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        syllables = rng.choice((1, 2, 2, 2, 3, 3))
        word = "".join(
            rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)
        )
        if 3 <= len(word) <= 12 and word not in taken and word not in seen:
            seen.add(word)
            words.append(word)
    words.sort(key=len)  # frequent words are short, as in real text (stable: seeded order kept)
    return words
