"""Every SQL statement a lookup runs reads an index or the rowid, never every passage."""

from __future__ import annotations

from corpus.library import Library

LOOKUPS = (
    ("date", "Aug 28"),
    ("date", "August"),
    ("date", "Sep 2025"),
    ("date", "2025"),
    ("date", "Dec 24 - Jan 3"),
    ("topic", "drones"),
    ("topic", "dictator elections"),
    ("topic", "dronse"),
    ("quote", "so long as he kills, he lives"),
)


async def run_lookups(library: Library) -> None:
    for kind, text in LOOKUPS:
        if kind == "date":
            await library.find_date(text)
        elif kind == "topic":
            await library.find_topic(text)
        else:
            found = await library.find_quote(text)
            anchor = found.hits[0].passage
            await library.get(anchor.id)
            await library.context(anchor.id)


async def test_no_lookup_scans_the_passages_table(library: Library) -> None:
    db = library._live.store.db
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    try:
        await run_lookups(library)
    finally:
        db.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) >= len(LOOKUPS)
    for sql in selects:
        plan = [row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")]
        full_scans = [step for step in plan if step.startswith("SCAN passages")]
        assert not full_scans, (sql, plan)
