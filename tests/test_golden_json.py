"""`ask --json` for a handful of gold questions, pinned byte for byte.

A refactor must not change what a user (or a script reading `--json`) gets. A feature that
changes the answers on purpose regenerates the pinned file and says why in its commit:
`CORPUSBOT_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_json.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import write_seed_config
from test_cli import run

GOLDEN = Path(__file__).parent / "golden" / "ask.jsonl"
COMMANDS = [
    "/date Aug 28",
    "/date Aug 9 - Aug 17",
    "/date 1999",
    "/topic drones",
    "/topic sanktions",
    "/topic defence industry",
    "/quote so long as he kills, he lives",
    "/quote Russia is stronger than any of us",
    "/quote we are Russia's next target",
    "/quote I will hand Crimea to Russia tomorrow",
    "/sources",
    "/date banana",
    "what about sanctions",
]


def test_gold_questions_answer_as_pinned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_seed_config(tmp_path)
    rc, out, err = run(
        ["ask", "--config", str(config), "--json", "-"], capsys, "\n".join(COMMANDS) + "\n"
    )
    assert rc == 0, err
    got = [json.loads(line) for line in out.splitlines()]
    assert len(got) == len(COMMANDS)
    if os.environ.get("CORPUSBOT_REGEN_GOLDEN"):
        GOLDEN.write_text(
            "".join(json.dumps(reply, ensure_ascii=False, sort_keys=True) + "\n" for reply in got),
            encoding="utf-8",
        )
    pinned = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    for command, want, have in zip(COMMANDS, pinned, got, strict=True):
        assert have == want, command
