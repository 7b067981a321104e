"""Folding of one word for matching (never for quoting): case, accents, script variants.

`fold_word` makes the forms a reader treats as the same word equal:
- case (casefold) and compatibility forms (NFKC: ligatures, full-width letters);
- combining accents on Latin, Greek and Cyrillic letters (`Borodinó` -> `borodino`),
  but not the letters whose mark makes another letter: Ukrainian/Russian `й`, Ukrainian
  `ї`, Belarusian `ў` stay (NFD would split them into `и`/`і`/`у` plus a mark);
- Cyrillic `ё` -> `е`;
- every apostrophe form (' ’ ʼ ` ‘ ʻ ´ ＇), at the edges and inside words (`м’ясо` = `м'ясо`);
- Arabic: harakat and Quranic marks (U+064B-U+065F, U+0670, U+06D6-U+06ED) and tatweel
  (U+0640) dropped; alef forms (أ إ آ ٱ) -> ا, alef maqsura ى -> ي, ta marbuta ة -> ه.

It is one `str.translate` over a table built once at import for the scripts above (ASCII words
take a faster path), so the index can fold every word it sees. Marks outside the combining
diacritic blocks (Indic vowel signs, viramas) are kept: they are letters' parts, not accents.
"""

from __future__ import annotations

import unicodedata

APOSTROPHES = "'`\u2019\u02bc\u2018\u02bb\u00b4\uff07"

# Combining diacritic blocks: marks here are accents and are dropped.
_ACCENT_BLOCKS = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)
# Arabic vowel marks (harakat, shadda, sukun, superscript alef, Quranic annotation) and tatweel.
_ARABIC_DROPPED = [*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE), 0x0640]
_ARABIC_LETTERS = {
    "\u0623": "\u0627",  # أ alef with hamza above
    "\u0625": "\u0627",  # إ alef with hamza below
    "\u0622": "\u0627",  # آ alef with madda
    "\u0671": "\u0627",  # ٱ alef wasla
    "\u0649": "\u064a",  # ى alef maqsura -> ي ya
    "\u0629": "\u0647",  # ة ta marbuta -> ه ha
}
# Letters whose NFD mark makes a different letter: kept whole (lower case).
_KEPT_LETTERS = set("йЙїЇўЎ")
# Ranges of precomposed letters folded through NFKC + casefold + NFD without accents.
_LETTER_RANGES = (
    (0x0041, 0x024F),  # Basic Latin letters .. Latin Extended-B
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic and its supplement
    (0x1E00, 0x1FFF),  # Latin Extended Additional, Greek Extended
    (0xFB00, 0xFB06),  # Latin ligatures
    (0xFF21, 0xFF5A),  # full-width Latin
)


def _is_accent(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _ACCENT_BLOCKS)


def _fold_letter(char: str) -> str:
    if char in _KEPT_LETTERS:
        return char.lower()
    folded = unicodedata.normalize("NFKC", char).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not _is_accent(c)))


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for low, high in _LETTER_RANGES:
        for code in range(low, high + 1):
            char = chr(code)
            folded = _fold_letter(char)
            if folded != char:
                table[code] = folded
    for low, high in _ACCENT_BLOCKS:
        for code in range(low, high + 1):
            table[code] = ""
    for code in _ARABIC_DROPPED:
        table[code] = ""
    for char, folded in _ARABIC_LETTERS.items():
        table[ord(char)] = folded
    for char in APOSTROPHES:
        table[ord(char)] = ""
    table[ord("ё")] = "е"
    table[ord("Ё")] = "е"
    return table


_TABLE: dict[int, str] = _build_table()
_ASCII_APOSTROPHES = str.maketrans("", "", "'`")


def fold_word(word: str) -> str:
    """`word` folded for matching (see the module docstring); '' when nothing is left."""
    if word.isascii():
        if "'" in word or "`" in word:
            word = word.translate(_ASCII_APOSTROPHES)
        return word.lower()
    if not unicodedata.is_normalized("NFC", word):
        word = unicodedata.normalize("NFC", word)  # и + U+0306 becomes й before marks go
    return word.translate(_TABLE).casefold()
