"""The index build path: parallel parsing gives the same index, the fast term path gives the
same terms, start-up trusts an unchanged (size, mtime_ns), build progress is complete."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import seed_specs
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import progress_printer
from corpus import build
from corpus.build import BuildProgress, build_index, read_digests
from corpus.library import Library, known_speakers
from corpus.model import SourceSpec
from corpus.normalize import index_terms, stem, tokenize
from corpus.parse.common import BLANKS, BOM

ROOT = Path(__file__).resolve().parent.parent


def slow_index_terms(text: str) -> str:
    """What `index_terms` must give, by the reference tokeniser (no fast path)."""
    return " ".join(stem(t.norm) for t in tokenize(text))


def rows_of(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM passages ORDER BY seq").fetchall()


def test_parallel_build_equals_in_process_build(tmp_path: Path, monkeypatch) -> None:
    specs = seed_specs()
    speakers = known_speakers(specs)
    alone = build_index(specs, speakers, tmp_path / "alone" / "index.sqlite3")
    monkeypatch.setattr(build, "PARALLEL_BYTES", 0)  # worker processes even for the seeds
    pooled = build_index(specs, speakers, tmp_path / "pooled" / "index.sqlite3")
    assert alone == pooled
    rows = rows_of(tmp_path / "alone" / "index.sqlite3")
    assert rows and rows == rows_of(tmp_path / "pooled" / "index.sqlite3")
    assert [r[0] for r in rows] == list(range(len(rows)))


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ9 '`.,-_\t\n\x00\x7fé’ʼﬁ"), max_size=40))
def test_index_terms_are_the_stems_of_the_tokens(text: str) -> None:
    assert index_terms(text) == slow_index_terms(text)


def test_index_terms_on_plain_and_accented_words() -> None:
    for text in ("Drones, DRONES and drone's", "Defence—Offences: labour", "café naïve ﬁx"):
        assert index_terms(text) == slow_index_terms(text)


def test_blanks_are_every_space_and_the_bom() -> None:
    every = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(BLANKS) == every | {BOM}


async def test_startup_hashes_only_a_file_whose_size_or_mtime_changed(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(seed_specs()[0].path.parent, folder)
    specs = seed_specs(folder)
    path = tmp_path / "index.sqlite3"
    old = 1_600_000_000_000_000_000  # long ago: a trusted mtime
    for spec in specs:
        os.utime(spec.path, ns=(old, old))
    lib = await Library.open(specs, path)
    await lib.close()
    known = build.stored_file_stats(path)
    assert set(known) == {str(s.path) for s in specs}
    assert all(mtime == old for _, mtime, _ in known.values())
    # a recorded hash is used without reading the file while size and mtime stay
    forged = {k: (size, mtime, "0" * 64) for k, (size, mtime, _) in known.items()}
    assert {d.sha256 for d in read_digests(specs, forged)} == {"0" * 64}
    # same size, other mtime: hashed again (the content hash stays the truth)
    target = specs[1].path
    data = target.read_bytes()
    target.write_bytes(data[:-1] + (b"X" if data[-1:] != b"X" else b"Y"))
    os.utime(target, ns=(old + 10**9, old + 10**9))
    again = await Library.open(specs, path)
    assert again.report.rebuilt is True
    await again.close()
    # touched but unchanged: the hash still matches, so the index is reused
    os.utime(target, ns=(old + 2 * 10**9, old + 2 * 10**9))
    reused = await Library.open(specs, path)
    assert reused.report.rebuilt is False
    await reused.close()


def test_a_recently_modified_file_is_not_trusted_by_its_mtime(tmp_path: Path) -> None:
    source = tmp_path / "fresh.txt"
    source.write_text("One line of text.\n", encoding="utf-8")
    spec = SourceSpec(source, "plain", "Someone")
    prepared = build.prepare_source(spec, frozenset())
    assert prepared.mtime_ns == -1 and prepared.size == source.stat().st_size


def test_cli_progress_printer_shows_each_stage() -> None:
    out = io.StringIO()
    show = progress_printer(out)
    assert show is not None
    mb = 5_000_000
    show(BuildProgress("parsing", 0, 2, 0, mb, 0, 0.0))
    show(BuildProgress("indexing", 1, 2, mb // 2, mb, 1000, 1.0))
    show(BuildProgress("indexing", 2, 2, mb, mb, 2000, 2.0))
    show(BuildProgress("finishing", 2, 2, mb, mb, 2000, 2.1))
    show(BuildProgress("done", 2, 2, mb, mb, 2000, 3.0))
    text = out.getvalue()
    assert "indexing 2 sources" in text and "50%" in text and "sorting" in text
    assert text.rstrip(" \n").endswith("indexed 2,000 passages in 3.0 s") and text[-1] == "\n"


def test_piped_progress_is_a_line_per_source() -> None:
    from bot.cli import source_lines
    from corpus.model import SourceFailure

    out = io.StringIO()
    show = source_lines(out)
    mb = 5_000_000
    show(BuildProgress("parsing", 0, 2, 0, mb, 0, 0.0))
    show(BuildProgress("indexing", 1, 2, mb // 2, mb, 1000, 1.0, "a.csv", 1000))
    bad = SourceFailure("b.csv", 3, "not valid UTF-8")
    show(BuildProgress("indexing", 2, 2, mb, mb, 1000, 2.0, "b.csv", 0, bad))
    show(BuildProgress("done", 2, 2, mb, mb, 1000, 3.0))
    lines = out.getvalue().splitlines()
    assert lines == [
        "indexing 1/2 (50%) a.csv: 1,000 passages [1,000 passages, 1.0 s]",
        "indexing 2/2 (100%) b.csv: failed: line 3: not valid UTF-8 [1,000 passages, 2.0 s]",
        "indexed 1,000 passages in 3.0 s",
    ]
    assert "\r" not in out.getvalue()


def test_unguarded_script_still_builds_in_process(tmp_path: Path) -> None:
    """A script without a `__main__` guard cannot start "spawn" workers; the build then
    parses in this process instead of failing."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import asyncio
            from pathlib import Path
            import corpus.build
            from corpus.library import Library
            from conftest import seed_specs
            corpus.build.PARALLEL_BYTES = 0
            async def main():
                lib = await Library.open(seed_specs(), Path({str(tmp_path / "i.sqlite3")!r}))
                print("passages", sum(s.passages for s in await lib.sources()))
                await lib.close()
            asyncio.run(main())
            """
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "passages 68" in done.stdout
