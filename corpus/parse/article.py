"""Articles: paragraphs in the publication's voice, embedded statements, attributed quotes.

A paragraph is spoken by `spec.speaker` (never by the people it writes about), unless the
config marks its lines as a named person's embedded statement. Explicit quotations tied to
a named person by a speech verb become extra `quote` passages inside their paragraph.
"""

from __future__ import annotations

from corpus.model import EmbeddedSpec, ParseWarning, Passage, SourceSpec
from corpus.parse.attribution import SpeakerResolver, find_quotes
from corpus.parse.common import Block, LineIndex, ParagraphMode, PassageIds, split_paragraphs


def embedded_by_line(spec: SourceSpec) -> dict[int, EmbeddedSpec]:
    """Source line -> the embedded statement that claims it (first one wins)."""
    claims: dict[int, EmbeddedSpec] = {}
    for embed in spec.embedded:
        for line in embed.lines:
            claims.setdefault(line, embed)
    return claims


def claim_of(block: Block, claims: dict[int, EmbeddedSpec]) -> EmbeddedSpec | None:
    """The embedded statement that claims one of the block's lines (its first such line)."""
    lines = range(block.first_line, block.last_line + 1)
    return next((claims[n] for n in lines if n in claims), None)


def check_embedded(
    spec: SourceSpec, blocks: list[Block], claims: dict[int, EmbeddedSpec]
) -> list[ParseWarning]:
    """Warn about configured statement lines that hold no paragraph text."""
    covered = {line for block in blocks for line in range(block.first_line, block.last_line + 1)}
    return [
        ParseWarning(spec.name, line, f"embedded statement line {line} holds no paragraph text")
        for line in sorted(claims)
        if line not in covered
    ]


def parse_article(
    spec: SourceSpec,
    text: str,
    *,
    known_speakers: frozenset[str] = frozenset(),
    mode: ParagraphMode = "auto",
) -> tuple[tuple[Passage, ...], tuple[ParseWarning, ...]]:
    """Paragraphs (kind paragraph/statement) each followed by its attributed quote spans."""
    blocks = split_paragraphs(text, mode)
    claims = embedded_by_line(spec)
    warnings = check_embedded(spec, blocks, claims)
    source = spec.name  # a property of the path: read once, not per passage
    ids = PassageIds(source)
    lines = LineIndex(text)
    resolver = SpeakerResolver(text, known_speakers)
    passages: list[Passage] = []
    for number, block in enumerate(blocks, start=1):
        body = text[block.start : block.end]
        embed = claim_of(block, claims) if claims else None
        paragraph = Passage(
            id=ids.next_id(body),
            source=source,
            start=block.start,
            end=block.end,
            text=body,
            line=block.first_line,
            speaker=embed.speaker if embed else spec.speaker,
            kind="statement" if embed else "paragraph",
            date=spec.date,
            paragraph=number,
            note=embed.note if embed else None,
        )
        passages.append(paragraph)
        for span in find_quotes(text, block.start, block.end, resolver=resolver):
            words = text[span.start : span.end]
            passages.append(
                Passage(
                    id=ids.next_id(words),
                    source=source,
                    start=span.start,
                    end=span.end,
                    text=words,
                    line=lines.line_of(span.start),
                    speaker=span.speaker,
                    kind="quote",
                    date=spec.date,
                    paragraph=number,
                    parent_id=paragraph.id,
                )
            )
    return tuple(passages), tuple(warnings)
