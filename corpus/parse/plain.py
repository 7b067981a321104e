"""Plain text: one passage per paragraph, all in the configured speaker's voice."""

from __future__ import annotations

from corpus.model import ParseWarning, Passage, SourceSpec
from corpus.parse.common import ParagraphMode, PassageIds, split_paragraphs


def parse_plain(
    spec: SourceSpec, text: str, *, mode: ParagraphMode = "auto"
) -> tuple[tuple[Passage, ...], tuple[ParseWarning, ...]]:
    """Paragraphs (blank-line blocks, else lines) as passages of kind `paragraph`."""
    source = spec.name  # a property of the path: read once, not per passage
    ids = PassageIds(source)
    passages = []
    for number, block in enumerate(split_paragraphs(text, mode), start=1):
        body = text[block.start : block.end]
        passages.append(
            Passage(
                id=ids.next_id(body),
                source=source,
                start=block.start,
                end=block.end,
                text=body,
                line=block.first_line,
                speaker=spec.speaker,
                kind="paragraph",
                date=spec.date,
                paragraph=number,
            )
        )
    return tuple(passages), ()
