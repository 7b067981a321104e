"""Articles: paragraphs in the publication's voice, embedded statements, attributed quotes.

A paragraph is spoken by `spec.speaker` (never by the people it writes about), unless the
config marks its lines as a named person's embedded statement. Explicit quotations tied to
a named person by a speech verb become extra `quote` passages inside their paragraph; quoted
words with no speech verb next to them go to the known speaker their sentence (or the one
before) is about, flagged `speaker_inferred` (`corpus.verify.inferred`). A quote span's note
says where it was said when the paragraph says so (`speech in Berlin, Germany`), and a
paragraph made mostly of one person's quoted words is named for them, `quoted in` the source.
"""

from __future__ import annotations

from corpus.model import EmbeddedSpec, ParseWarning, Passage, SourceSpec
from corpus.parse.attribution import SpeakerResolver, find_quotes
from corpus.parse.common import Block, LineIndex, ParagraphMode, PassageIds, split_paragraphs
from corpus.verify.inferred import dominant_speaker, find_venue, infer_quotes


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
    speakers = set(known_speakers)  # grows by the people the article quotes by name
    before = 0
    for number, block in enumerate(blocks, start=1):
        body = text[block.start : block.end]
        embed = claim_of(block, claims) if claims else None
        spans = quote_spans(text, block, before, resolver, speakers) if not embed else []
        before = block.start
        mostly = dominant_speaker(block.start, block.end, [(s, e, who) for s, e, who, _ in spans])
        named = mostly if mostly and mostly != spec.speaker else None
        paragraph = Passage(
            id=ids.next_id(body),
            source=source,
            start=block.start,
            end=block.end,
            text=body,
            line=block.first_line,
            speaker=embed.speaker if embed else (named or spec.speaker),
            kind="statement" if embed else "paragraph",
            date=spec.date,
            paragraph=number,
            note=embed.note if embed else (quoted_in(spec) if named else None),
            speaker_inferred=named is not None
            and all(inferred for *_, who, inferred in spans if who == named),
        )
        passages.append(paragraph)
        venue = find_venue(text, block.start, block.end) if spans else None
        for start, end, speaker, inferred in spans:
            words = text[start:end]
            passages.append(
                Passage(
                    id=ids.next_id(words),
                    source=source,
                    start=start,
                    end=end,
                    text=words,
                    line=lines.line_of(start),
                    speaker=speaker,
                    kind="quote",
                    date=spec.date,
                    paragraph=number,
                    parent_id=paragraph.id,
                    note=venue,
                    speaker_inferred=inferred,
                )
            )
    return tuple(passages), tuple(warnings)


def quote_spans(
    text: str, block: Block, before: int, resolver: SpeakerResolver, speakers: set[str]
) -> list[tuple[int, int, str, bool]]:
    """(start, end, speaker, inferred) of the paragraph's quotations in text order: those a
    speech verb ties to a person, then the rest credited by inference to a known speaker."""
    found = [
        (s.start, s.end, s.speaker, False)
        for s in find_quotes(text, block.start, block.end, resolver=resolver)
    ]
    speakers.update(who for *_, who, _ in found)
    attributed = [(s, e) for s, e, _, _ in found]
    for q in infer_quotes(
        text,
        block.start,
        block.end,
        speakers=sorted(speakers),
        attributed=attributed,
        before=before,
    ):
        if not any(s < q.end and q.start < e for s, e in attributed):
            found.append((q.start, q.end, q.speaker, True))
    return sorted(found)


def quoted_in(spec: SourceSpec) -> str:
    """The note of a paragraph named for the person it quotes: `quoted in <title>`."""
    return f"quoted in {spec.title}" if spec.title else "quoted in the article"
