"""Questions in plain words end to end through `corpusbot ask --json` on the bundled seeds:
the real reader, routing, lookup and verification. Each row: what a user types, how it must
be read, and the verdict and speaker the answer must carry."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import write_seed_config
from test_cli import check_schema, run, source_texts

TAG = re.compile(r"<[^>]*>")
ZELENSKY = "Volodymyr Zelensky"
RUTTE = "Mark Rutte"
# (what is typed, {field: value} the reply must hold). Fields: command, verdict,
# claimed_speaker, attribution, speaker (of the first result), kind/speaker/quote/topic/
# filters of `question` (q_*), and lines the first message must show (has, as text).
CASES: list[tuple[str, dict[str, Any]]] = [
    (
        'did Zelensky say "Russia is stronger than any of us"?',
        {
            "verdict": "verbatim",
            "claimed_speaker": ZELENSKY,
            "attribution": "matches",
            "q_kind": "quote",
            "q_quote": "Russia is stronger than any of us",
            "has": ["Checked as a quote by Volodymyr Zelensky", "Said by Volodymyr Zelensky"],
        },
    ),
    (
        "who said so long as he kills, he lives",
        {
            "verdict": "verbatim",
            "speaker": ZELENSKY,
            "q_kind": "who",
            "has": ["Who said “so long as he kills, he lives”?", "🗣 Who: Volodymyr"],
        },
    ),
    (
        "what did Rutte say about drones since August",
        {
            "command": "topic",
            "q_kind": "topic",
            "q_topic": "drones",
            "q_filters": ['by:"Mark Rutte"', "since:August"],
            "has": ['Read as: /topic drones by:"Mark Rutte" since:August'],
        },
    ),
    (
        '/quote Did Zelensky really say "Russia is stronger than any of us"?',
        {"verdict": "verbatim", "claimed_speaker": ZELENSKY, "attribution": "matches"},
    ),
    (
        'did Zelensky say "we are Russia\'s next target"?',
        {
            "verdict": "verbatim",
            "attribution": "differs",
            "speaker": RUTTE,
            "has": ["These are Mark Rutte's words"],
        },
    ),
    (
        'Rutte said "we are Russia\'s next target", true?',
        {"verdict": "verbatim", "attribution": "matches", "claimed_speaker": RUTTE},
    ),
    (
        "is it true that Zelensky said so long as he kills, he lives?",
        {"verdict": "verbatim", "attribution": "matches", "claimed_speaker": ZELENSKY},
    ),
    (
        'fact check: "Russia is stronger than any of us" (Zelensky)',
        {"verdict": "verbatim", "attribution": "matches"},
    ),
    (
        "did he really say that sanctions are not working?",
        {"verdict": "altered", "claimed_speaker": None, "q_kind": "quote"},
    ),
    (
        'did Putin say "Russia is stronger than any of us"?',
        {
            "verdict": "verbatim",
            "claimed_speaker": None,
            "speaker": ZELENSKY,
            "has": ["No speaker named “Putin” in the corpus", "🗣 Who:"],
        },
    ),
    (
        'who said "we are Russia\'s next target"?',
        {"verdict": "verbatim", "speaker": RUTTE, "has": ["🗣 Who: Mark Rutte"]},
    ),
    (
        'who said "I will hand Crimea to Russia tomorrow"?',
        {"verdict": "not_found", "has": ["nobody in the corpus said these words"]},
    ),
    (
        'when did Zelensky say "so long as he kills, he lives"?',
        {
            "verdict": "verbatim",
            "attribution": "matches",
            "q_kind": "when",
            "has": ["📅 When: 24 Jun 2025"],
        },
    ),
    (
        "what was said on Aug 28",
        {"command": "date", "q_kind": "date", "has": ["Read as: /date Aug 28"]},
    ),
    (
        "what did Zelensky say about drones in August?",
        {
            "command": "topic",
            "q_filters": ['by:"Volodymyr Zelensky"', "date:August"],
            "speaker": ZELENSKY,
        },
    ),
    (
        "/topic Zelensky on sanctions",
        {"command": "topic", "q_kind": "topic", "q_topic": "sanctions", "speaker": ZELENSKY},
    ),
    (
        "what did Putin say about drones?",
        {"command": "topic", "has": ["Read as", "no speaker matches “Putin”"]},
    ),
    (
        "чи справді Зеленський казав, що «Russia is stronger than any of us»?",
        {"verdict": "verbatim", "attribution": "matches", "claimed_speaker": ZELENSKY},
    ),
    (
        "хто сказав «so long as he kills, he lives»?",
        {"verdict": "verbatim", "speaker": ZELENSKY, "q_kind": "who"},
    ),
    (
        "що Зеленський казав 28 серпня?",
        {"command": "date", "q_kind": "date", "speaker": ZELENSKY},
    ),
    (
        "правда ли, что Зеленский сказал «so long as he kills, he lives»?",
        {"verdict": "verbatim", "attribution": "matches", "claimed_speaker": ZELENSKY},
    ),
    (
        "говорил ли Рютте, что «we are Russia's next target»?",
        {"verdict": "verbatim", "attribution": "matches", "claimed_speaker": RUTTE},
    ),
    (
        "кто сказал «we are Russia's next target»?",
        {"verdict": "verbatim", "speaker": RUTTE},
    ),
    (
        "Did Zelensky say 'Russia is stronger than any of us' in June?",
        {"verdict": "verbatim", "attribution": "matches", "q_filters": ["date:June"]},
    ),
    (
        "Did Zelensky say 'Russia is stronger than any of us' in August?",
        {"verdict": "not_found", "q_filters": ["date:August"]},
    ),
    (
        "who said 'Russia is stronger than any of us' in August?",  # only August searched
        {"verdict": "not_found", "q_kind": "who", "has": ["Who: these words are not in the"]},
    ),
    (
        "did Zelensky say anything about drones?",
        {"command": "topic", "q_topic": "drones", "speaker": ZELENSKY},
    ),
    (
        'did Rutte or Zelensky say "we are Russia\'s next target"?',
        {"verdict": "verbatim", "speaker": RUTTE, "has": ["🗣 Who: Mark Rutte"]},
    ),
    (
        "هل قال Zelensky إن «Russia is stronger than any of us»؟",
        {"verdict": "verbatim", "attribution": "matches", "q_language": "ar"},
    ),
    # not questions: routed as before
    ("so long as he kills, he lives", {"verdict": "verbatim", "q_kind": None}),
    ("what about sanctions", {"command": "topic", "q_kind": None}),
    (
        "/quote Zelensky said we are Russia's next target",
        {"attribution": "differs", "q_kind": None},
    ),
]


def ask_all(config: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    stdin = "".join(text + "\n" for text, _ in CASES)
    rc, out, err = run(["ask", "--config", str(config), "--json", "-"], capsys, stdin)
    assert rc == 0, err
    got = [json.loads(line) for line in out.splitlines()]
    assert len(got) == len(CASES)
    return got


def problems(want: dict[str, Any], reply: dict[str, Any]) -> list[str]:
    question = reply.get("question") or {}
    found = []
    for key, value in want.items():
        if key == "has":
            first = html.unescape(TAG.sub("", reply["messages"][0])) if reply["messages"] else ""
            found += [f"message lacks {line!r}" for line in value if line not in first]
            continue
        if key == "speaker":
            have = reply["results"][0]["speaker"] if reply["results"] else None
        elif key.startswith("q_"):
            have = question.get(key[2:]) if question or value is not None else None
        else:
            have = reply[key]
        if have != value:
            found.append(f"{key} {have!r} (want {value!r})")
    return found


def test_questions_answer_as_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = ask_all(write_seed_config(tmp_path), capsys)
    texts = source_texts()
    failures = []
    for (text, want), reply in zip(CASES, got, strict=True):
        check_schema(reply, texts)
        failures += [f"{text!r}: {p}" for p in problems(want, reply)]
    assert not failures, "\n".join(failures)
