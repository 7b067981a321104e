"""The update journal: recorded before acknowledgement, claimed once after a kill."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from bot.journal import UpdateJournal, process_stamp, sent_path_of
from bot.state import StateStore

BOT = 42


def body(update_id: int) -> str:
    return json.dumps({"update_id": update_id, "message": {"text": f"/topic {update_id}"}})


async def test_record_is_idempotent_and_done_leaves_the_backlog(tmp_path: Path) -> None:
    journal = UpdateJournal.open(tmp_path / "s.sqlite3")
    try:
        assert await journal.record(BOT, 1, body(1))
        assert not await journal.record(BOT, 1, body(1))  # redelivery: do not answer twice
        assert await journal.record(BOT + 1, 1, body(1))  # another bot's update 1
        assert await journal.pending_count() == 2
        await journal.mark_done(BOT, 1)
        assert await journal.pending_count() == 1
        assert not await journal.record(BOT, 1, body(1))  # done ids still catch redelivery
    finally:
        journal.close()


async def test_concurrent_records_are_grouped(tmp_path: Path) -> None:
    journal = UpdateJournal.open(tmp_path / "s.sqlite3")
    try:
        got = await asyncio.gather(*(journal.record(BOT, i, body(i)) for i in range(500)))
        assert all(got)
        assert await journal.pending_count() == 500
    finally:
        journal.close()


CHILD = textwrap.dedent(
    """
    import asyncio, json, os, signal, sys
    from pathlib import Path
    from bot.journal import UpdateJournal, process_stamp

    async def main():
        journal = UpdateJournal.open(Path(sys.argv[1]))
        await journal.record_many([(42, i, json.dumps({"update_id": i})) for i in range(50)])
        for i in range(0, 50, 3):
            await journal.mark_done(42, i)
        print("recorded", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(main())
    """
)


async def test_a_killed_process_leaves_its_updates_to_exactly_one_successor(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite3"
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert "recorded" in child.stdout
    first = UpdateJournal.open(path)
    second = UpdateJournal.open(path)
    try:
        claims = await asyncio.gather(first.unfinished(), second.unfinished())
        ids = [entry.update_id for claim in claims for entry in claim]
        expected = [i for i in range(50) if i % 3]
        assert sorted(ids) == expected  # 0 lost, 0 twice
        assert all(json.loads(e.body)["update_id"] == e.update_id for c in claims for e in c)
        assert await first.unfinished() == [] and await second.unfinished() == []
        for claim, journal in zip(claims, (first, second), strict=True):
            for entry in claim:
                await journal.mark_done(entry.bot_id, entry.update_id)
        assert await first.pending_count() == 0
    finally:
        first.close()
        second.close()


async def test_a_live_process_keeps_its_updates(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    live = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        journal = UpdateJournal.open(path, lease=30.0)
        # pretend the rows belong to another live process on this host
        journal._db.execute(
            "UPDATE journal_owners SET pid = ?, stamp = ?", (live.pid, process_stamp(live.pid))
        )
        await journal.record(BOT, 1, body(1))
        other = UpdateJournal.open(path, lease=30.0)
        assert await other.unfinished() == []
        other.close()
        journal.close()
    finally:
        live.communicate(b"")


async def test_a_stale_heartbeat_from_another_host_is_claimed_after_the_lease(
    tmp_path: Path,
) -> None:
    now = [1000.0]
    path = tmp_path / "s.sqlite3"
    away = UpdateJournal.open(path, clock=lambda: now[0], lease=30.0)
    away._db.execute("UPDATE journal_owners SET host = 'elsewhere'")
    await away.record(BOT, 9, body(9))
    here = UpdateJournal.open(path, clock=lambda: now[0], lease=30.0)
    try:
        assert await here.unfinished() == []
        now[0] += 31
        assert [e.update_id for e in await here.unfinished()] == [9]
    finally:
        here.close()
        away.close()


async def test_the_state_store_carries_the_journal(tmp_path: Path) -> None:
    store = await StateStore.open(tmp_path / "s.sqlite3")
    try:
        assert store.journal is not None
        assert await store.journal.record(BOT, 3, body(3))
    finally:
        await store.close()


async def test_unreadable_sent_marks_are_started_afresh(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    sent_path_of(path).write_bytes(b"not sqlite at all " * 200)
    journal = UpdateJournal.open(path)
    try:
        assert await journal.record(BOT, 1, body(1))
        journal.mark_sent_now(BOT, 1, 0)
        await journal.mark_sent(BOT, 1, 1)
    finally:
        journal.close()
    again = UpdateJournal.open(path)
    try:
        assert not await again.record(BOT, 1, body(1))  # the journal itself was kept
    finally:
        again.close()
