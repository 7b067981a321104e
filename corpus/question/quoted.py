"""The quoted words inside a question: “…”, "…", «…», „…“, ‘…’, '…' (the first quotation).

The question is masked: the quotation (marks included) becomes one `MARK` character, so the
phrasings match the words around it and never the quoted words themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

MARK = "\ue000"  # a private-use character: stands for the quotation in a masked question
# opening mark -> the marks that may close it
PAIRS: dict[str, str] = {
    '"': '"”“',
    "“": '”“"',
    "”": "”",
    "„": '“”"',
    "«": "»",
    "»": "«",
    "‘": "’",
    "'": "'’",
    "‚": "‘’",
    "「": "」",
}
# a straight or typographic apostrophe may close only after the last word: `'Russia's next'`
APOSTROPHES = frozenset("'’")
BEFORE_OPEN = frozenset(" \t\n:(—–-,;")  # what may stand before an opening mark


@dataclass(frozen=True, slots=True)
class Masked:
    """A question with its quotation replaced by `MARK`; `inner` the quoted words as typed."""

    text: str
    inner: str | None = None  # None: no quotation
    outer: str = ""  # the quotation with its marks

    def restore(self, part: str, *, marks: bool = True) -> str:
        """`part` of the masked text with the quotation put back (with its marks or without)."""
        if self.inner is None:
            return part
        return part.replace(MARK, self.outer if marks else self.inner)


def mask_quotation(text: str) -> Masked:
    """The text with its first quotation masked (an unclosed one runs to the end)."""
    for at, char in enumerate(text):
        if char not in PAIRS or (at and text[at - 1] not in BEFORE_OPEN):
            continue
        if at + 1 >= len(text) or text[at + 1].isspace():
            continue
        end = _closing(text, at, PAIRS[char])
        inner = text[at + 1 : end]
        if not any(c.isalnum() for c in inner):
            continue
        outer = text[at : end + 1]
        return Masked(text[:at] + MARK + text[end + 1 :], inner, outer)
    return Masked(text)


def _closing(text: str, at: int, closers: str) -> int:
    """Where the quotation opened at `at` closes: the first closing mark followed by no
    letter (the last one when it may be an apostrophe); the text's end when unclosed."""
    found = len(text)
    for end in range(at + 1, len(text)):
        if text[end] not in closers or text[end - 1].isspace():
            continue
        if end + 1 < len(text) and text[end + 1].isalnum():
            continue  # an apostrophe inside a word: Russia's
        found = end
        if text[end] not in APOSTROPHES:
            break
    return found
