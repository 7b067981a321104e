"""English specifics kept beside Snowball: British spellings folded to American ones before
stemming (so `defence` finds `defense`), and the short English stop-word list.
"""

from __future__ import annotations

import re

# British spellings folded to American ones (prefixes of the singular form).
VARIANTS: dict[str, str] = {
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "pretence": "pretense",
    "labour": "labor",
    "honour": "honor",
    "favour": "favor",
    "colour": "color",
    "behaviour": "behavior",
    "neighbour": "neighbor",
    "harbour": "harbor",
    "rumour": "rumor",
    "endeavour": "endeavor",
    "armour": "armor",
    "vigour": "vigor",
    "centre": "center",
    "theatre": "theater",
    "metre": "meter",
    "programme": "program",
    "catalogue": "catalog",
    "dialogue": "dialog",
    "organis": "organiz",
    "recognis": "recogniz",
    "realis": "realiz",
    "criticis": "criticiz",
    "mobilis": "mobiliz",
    "stabilis": "stabiliz",
    "prioritis": "prioritiz",
    "apologis": "apologiz",
    "emphasis": "emphasiz",
    "legitimis": "legitimiz",
    "normalis": "normaliz",
    "militaris": "militariz",
    "analys": "analyz",
    "paralys": "paralyz",
    "travell": "travel",
    "cancell": "cancel",
    "grey": "gray",
}
VARIANT_RE = re.compile("^(" + "|".join(sorted(VARIANTS, key=len, reverse=True)) + ")")


def americanise(word: str) -> str:
    """A folded English word with its British spelling made American (`labour` -> `labor`)."""
    match = VARIANT_RE.match(word)
    return VARIANTS[match.group(1)] + word[match.end() :] if match else word


_STOP_WORDS = """a about above after again against all am an and any are as at be because
    been before being below between both but by can could did do does doing down during each
    few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS.split())
