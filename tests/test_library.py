"""Library: opening, reusing and rebuilding the index; get, context, random, sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import seed_specs

from corpus.build import BuildProgress, content_hash, read_digests
from corpus.errors import CorpusError, SourceError
from corpus.library import Library, known_speakers
from corpus.model import SourceSpec
from corpus.store import open_store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
THREADS = "000_0e2a154100ffc278.txt"
ARTICLE = "004_587f944356045ec1.txt"


def copy_seeds(folder: Path) -> tuple[SourceSpec, ...]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in (THREADS, ARTICLE):
        shutil.copyfile(SEEDS / name, folder / name)
    return seed_specs(folder)


async def all_ids(lib: Library) -> list[str]:
    found = await lib.find_date("2025")
    return [h.passage.id for h in found.hits]


async def test_first_open_builds_and_second_reuses(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    progress: list[BuildProgress] = []
    first = await Library.open(seed_specs(), path, progress=progress.append)
    assert first.report.rebuilt is True
    stages = [p.stage for p in progress]
    assert stages[0] == "parsing" and stages[-1] == "done" and "finishing" in stages
    assert stages.count("indexing") == len(seed_specs())
    last = progress[-1]
    assert last.passages == 68 and last.sources_done == last.sources_total == len(seed_specs())
    assert last.bytes_done == last.bytes_total == sum(s.path.stat().st_size for s in seed_specs())
    done = [p.passages for p in progress]
    assert done == sorted(done)
    ids = await all_ids(first)
    await first.close()
    second = await Library.open(seed_specs(), path)
    assert second.report.rebuilt is False
    assert await all_ids(second) == ids
    assert [s.passages for s in second.report.sources] == [44, 24]
    await second.close()
    tantivy_dirs = [p for p in tmp_path.iterdir() if ".tantivy-" in p.name]
    assert len(tantivy_dirs) == 1


async def test_changed_source_rebuilds_and_keeps_ids_of_unchanged_text(tmp_path: Path) -> None:
    specs = copy_seeds(tmp_path / "src")
    path = tmp_path / "index.sqlite3"
    lib = await Library.open(specs, path)
    before = await lib.find_date("Aug 28")
    old_dirs = {p.name for p in tmp_path.iterdir() if ".tantivy-" in p.name}
    await lib.close()
    thread_file = specs[0].path
    thread_file.write_text(
        "An added line on top about sanctions.\n" + thread_file.read_text("utf-8"), "utf-8"
    )
    lib = await Library.open(specs, path)
    assert lib.report.rebuilt is True
    after = await lib.find_date("Aug 28")
    assert [h.passage.id for h in after.hits] == [h.passage.id for h in before.hits]
    assert [h.passage.line for h in after.hits] == [h.passage.line + 1 for h in before.hits]
    new_dirs = {p.name for p in tmp_path.iterdir() if ".tantivy-" in p.name}
    assert len(new_dirs) == 1 and new_dirs != old_dirs
    await lib.close()


async def test_changed_spec_field_rebuilds(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    await (await Library.open(seed_specs(), path)).close()
    specs = list(seed_specs())
    specs[0] = SourceSpec(specs[0].path, "thread_dump", "Volodymyr Zelensky", year=2024)
    lib = await Library.open(specs, path)
    assert lib.report.rebuilt is True
    assert (await lib.find_date("28 Aug 2024")).hits
    await lib.close()


async def test_corrupt_index_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    await (await Library.open(seed_specs(), path)).close()
    path.write_bytes(b"this is not a database" * 100)
    lib = await Library.open(seed_specs(), path)
    assert lib.report.rebuilt is True
    assert len((await lib.find_date("Aug 28")).hits) == 2
    await lib.close()


async def test_truncated_index_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    await (await Library.open(seed_specs(), path)).close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    lib = await Library.open(seed_specs(), path)
    assert lib.report.rebuilt is True
    assert (await lib.find_quote("so long as he kills, he lives")).verdict == "verbatim"
    await lib.close()


async def test_deleted_search_directory_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    await (await Library.open(seed_specs(), path)).close()
    for directory in tmp_path.glob("*.tantivy-*"):
        shutil.rmtree(directory)
    lib = await Library.open(seed_specs(), path)
    assert lib.report.rebuilt is True
    assert (await lib.find_topic("drones")).hits
    await lib.close()


async def test_emptied_search_directory_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    await (await Library.open(seed_specs(), path)).close()
    for directory in tmp_path.glob("*.tantivy-*"):
        for file in directory.iterdir():
            file.unlink()
    lib = await Library.open(seed_specs(), path)
    assert lib.report.rebuilt is True
    assert (await lib.find_topic("drones")).hits
    await lib.close()


async def test_leftovers_of_a_crashed_build_do_not_matter(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    (tmp_path / ".index.sqlite3.tmp-1-dead").write_bytes(b"half a database")
    (tmp_path / "index.sqlite3.tantivy-0000").mkdir()
    lib = await Library.open(seed_specs(), path)
    assert len((await lib.find_date("Sep 4")).hits) == 2
    await lib.close()
    assert not (tmp_path / "index.sqlite3.tantivy-0000").exists()


async def test_a_missing_source_fails_alone(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Words that stay.\n", encoding="utf-8")
    specs = (
        SourceSpec(tmp_path / "nope.txt", "plain", "Someone"),
        SourceSpec(good, "plain", "Someone"),
    )
    lib = await Library.open(specs, tmp_path / "index.sqlite3")
    try:
        assert [f.source for f in lib.report.failed] == ["nope.txt"]
        assert "cannot read" in lib.report.failed[0].message
        assert (await lib.find_quote("Words that stay")).verdict == "verbatim"
    finally:
        await lib.close()


async def test_reload_swaps_in_changed_sources(tmp_path: Path) -> None:
    specs = copy_seeds(tmp_path / "src")
    lib = await Library.open(specs, tmp_path / "index.sqlite3")
    assert not (await lib.find_topic("zeppelin")).hits
    assert (await lib.reload()).rebuilt is False
    with specs[1].path.open("a", encoding="utf-8") as handle:
        handle.write("\nA zeppelin was seen over the harbour.\n")
    report = await lib.reload()
    assert report.rebuilt is True
    hits = (await lib.find_topic("zeppelin")).hits
    assert len(hits) == 1
    passage = hits[0].passage
    assert lib.source_text(passage.source)[passage.start : passage.end] == passage.text
    await lib.close()


async def test_reload_failure_keeps_serving_the_old_index(tmp_path: Path) -> None:
    specs = copy_seeds(tmp_path / "src")
    lib = await Library.open(specs, tmp_path / "index.sqlite3")
    specs[0].path.write_bytes(b"broken \x80 bytes\n")  # (FF FE would be a UTF-16 BOM)
    with pytest.raises(CorpusError, match="UTF-8"):
        await lib.reload()
    assert len((await lib.find_date("Aug 28")).hits) == 2
    assert (await lib.find_quote("so long as he kills, he lives")).verdict == "verbatim"
    specs[0].path.unlink()
    with pytest.raises(CorpusError):
        await lib.reload()
    assert (await lib.find_topic("sanctions")).hits
    await lib.close()


async def test_source_text_is_decoded_file_and_unknown_name_raises(library: Library) -> None:
    text = library.source_text(THREADS)
    assert text == (SEEDS / THREADS).read_bytes().decode("utf-8")
    with pytest.raises(CorpusError):
        library.source_text("missing.txt")


async def test_source_text_refuses_a_file_changed_since_indexing(tmp_path: Path) -> None:
    specs = copy_seeds(tmp_path / "src")
    lib = await Library.open(specs, tmp_path / "index.sqlite3")
    specs[1].path.write_text("Different text now.\n", "utf-8")
    with pytest.raises(SourceError, match="changed"):
        lib.source_text(ARTICLE)
    await lib.close()


async def test_get_and_get_many(library: Library) -> None:
    ids = await all_ids(library)
    first = await library.get(ids[0])
    assert first is not None and first.id == ids[0]
    assert await library.get("zzzzzzzzzz") is None
    many = await library.get_many([ids[3], "nope", ids[1]])
    assert [p.id for p in many] == [ids[3], ids[1]]


async def test_sources_summaries(library: Library) -> None:
    threads, article = await library.sources()
    assert threads.name == THREADS and threads.format == "thread_dump"
    assert (threads.passages, threads.threads, threads.dated, threads.undated) == (44, 20, 42, 2)
    assert threads.first_date is not None and threads.first_date.human() == "24 Jun 2025"
    assert threads.last_date is not None and threads.last_date.human() == "4 Sep 2025"
    assert article.quote_spans == 6 and article.dated == 0 and article.title == "Opinion article"
    assert article.speakers == ("Unknown author", "Volodymyr Zelensky", "Mark Rutte")
    assert len(threads.sha256) == 64


async def test_random_is_seeded_distinct_and_skips_quote_spans(library: Library) -> None:
    first = await library.random(5, seed=7)
    again = await library.random(5, seed=7)
    assert [p.id for p in first] == [p.id for p in again]
    assert len({p.id for p in first}) == 5
    everything = await library.random(1000, seed=1)
    assert len(everything) == 62  # 68 passages less 6 quote spans
    assert all(p.kind != "quote" for p in everything)
    assert await library.random(0) == ()


async def test_context_of_a_tweet_holds_neighbours_and_its_thread(library: Library) -> None:
    hits = (await library.find_date("Aug 28")).hits
    ctx = await library.context(hits[1].passage.id, around=2)
    assert ctx is not None
    assert [p.id for p in ctx.before][-1] == hits[0].passage.id
    assert len(ctx.before) == 2 and len(ctx.after) == 2
    assert [p.id for p in ctx.thread] == [h.passage.id for h in hits]
    assert all(p.source == THREADS for p in (*ctx.before, *ctx.after))


async def test_context_of_a_paragraph_and_of_a_quote(library: Library) -> None:
    quote = (await library.find_quote("I am ready for elections")).hits[0].passage
    assert quote.kind == "quote" and quote.parent_id
    ctx = await library.context(quote.id, around=1)
    assert ctx is not None
    assert ctx.before[-1].id == quote.parent_id
    assert all(p.kind != "quote" for p in ctx.after)
    assert quote.id in {p.id for p in ctx.thread}
    parent_ctx = await library.context(quote.parent_id, around=3)
    assert parent_ctx is not None
    assert [p.kind for p in parent_ctx.thread] == ["quote", "quote"]
    assert all(p.kind != "quote" for p in (*parent_ctx.before, *parent_ctx.after))
    assert await library.context("nope") is None


async def test_passages_in_store_are_verbatim_slices(library: Library, tmp_path: Path) -> None:
    store = await open_store(tmp_path / "index.sqlite3", content_hash(read_digests(seed_specs())))
    assert store is not None
    passages = await store.fetch("1 ORDER BY seq")
    await store.close()
    assert [p.seq for p in passages] == list(range(68))
    for p in passages:
        assert library.source_text(p.source)[p.start : p.end] == p.text


def test_known_speakers_include_embedded() -> None:
    assert known_speakers(seed_specs()) == {"Volodymyr Zelensky", "Unknown author"}
