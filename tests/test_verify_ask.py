"""The verification case table (tests/data/verification_cases.yaml) through `ask --json`:
the real lookup (search, coarse filter, verification) over the seeds and a generated corpus
of two invented speakers, and docs/verification.md generated from the same table.

Regenerate the doc after editing the table:
`CORPUSBOT_REGEN_DOCS=1 .venv/bin/python -m pytest tests/test_verify_ask.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, write_seed_config
from test_cli import run
from test_verify_cases import CASES, GENERATED

DOC = ROOT / "docs" / "verification.md"


def write_generated_config(folder: Path) -> Path:
    """Thread dumps of the invented speakers (one file each, newest thread first)."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for speaker in dict.fromkeys(s for s, _, _ in GENERATED):
        threads = sorted(((n, tweets) for s, n, tweets in GENERATED if s == speaker), reverse=True)
        lines = []
        for number, tweets in threads:
            lines.append(f"Mar {number} • {len(tweets)} tweets • 1 min read")
            lines += tweets
        path = folder / f"{speaker.split()[-1].lower()}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        sources.append(
            {"path": str(path), "format": "thread_dump", "speaker": speaker, "year": 2031}
        )
    return write_seed_config(folder, corpus={"sources": sources})


def ask_all(config: Path, queries: list[str], capsys: pytest.CaptureFixture[str]) -> list[Any]:
    stdin = "".join(f"/quote {q}\n" for q in queries)
    rc, out, err = run(["ask", "--config", str(config), "--json", "-"], capsys, stdin)
    assert rc == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_every_case_holds_through_ask_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configs = {
        "seeds": write_seed_config(tmp_path / "seeds_cfg"),
        "generated": write_generated_config(tmp_path / "generated"),
    }
    failures = []
    for corpus, config in configs.items():
        cases = [c for c in CASES if c.get("corpus", "seeds") == corpus]
        replies = ask_all(config, [c["query"] for c in cases], capsys)
        assert len(replies) == len(cases)
        for case, reply in zip(cases, replies, strict=True):
            problem = check_case(case, reply)
            if problem:
                failures.append(f"{case['query']!r}: {problem}")
    assert not failures, "\n".join(failures)


def check_case(case: dict[str, Any], reply: dict[str, Any]) -> str | None:
    if reply["verdict"] != case["verdict"]:
        return f"verdict {reply['verdict']} (want {case['verdict']}); {reply['changes']}"
    kinds = {c["kind"] for c in reply["changes"]}
    if not set(case.get("kinds", ())) <= kinds:
        return f"changes {reply['changes']} (want {case['kinds']})"
    if reply["verdict"] in ("verbatim", "close") and reply["changes"]:
        return f"a {reply['verdict']} quote with changes {reply['changes']}"
    if reply["verdict"] == "not_found" and reply["results"]:
        return "a not_found quote with results (the closest is a hint only)"
    for key, field in (("claimed", "claimed_speaker"), ("attribution", "attribution")):
        if key in case and reply[field] != case[key]:
            return f"{field} {reply[field]!r} (want {case[key]!r})"
    if "parts" in case:
        if len(reply["parts"]) != case["parts"]:
            return f"parts {reply['parts']}"
        places = {(r["id"], r["match_start"]) for r in reply["results"]}
        if len(places) < 2:
            return "a part without its own place"
    for result in reply["results"]:
        if not result["text"][
            result["match_start"] - result["start"] : result["match_end"] - result["start"]
        ].strip():
            return "an empty matched span"
    return None


def render_doc() -> str:
    """docs/verification.md from the case table."""
    lines = [
        "# Quote verification: the case table",
        "",
        "Generated from `tests/data/verification_cases.yaml` by `tests/test_verify_ask.py`",
        "(`CORPUSBOT_REGEN_DOCS=1 .venv/bin/python -m pytest tests/test_verify_ask.py`);",
        "every row is checked through `corpusbot ask --json` on each test run, so the table",
        "cannot drift from what the bot answers.",
        "",
        "Verdicts: `verbatim` (the words stand, in one passage or across consecutive passages",
        "of one thread; an ellipsis is a gap), `close` (only spelling, case, punctuation,",
        "contractions, British/American spelling, another form of a word, an article or filler",
        "differ), `altered` (a negation, number, name or quantifier differs, or a word is",
        "replaced by another word, `accepts` for `rejects`: never close), `spliced` (the parts",
        "stand in places that do not follow one another), `not_found` (the closest is a hint).",
        "`seeds` is the bundled corpus; `generated` two invented speakers (see the test).",
        "",
        "| # | corpus | query | verdict | changes | speaker named | attribution | parts |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, case in enumerate(CASES, 1):
        query = case["query"].replace("|", "\\|")
        cells = [
            str(number),
            case.get("corpus", "seeds"),
            f"`{query}`" if "`" not in query else query,
            f"**{case['verdict']}**",
            ", ".join(case.get("kinds", ())),
            case.get("claimed", ""),
            case.get("attribution", ""),
            str(case.get("parts", "")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    counts: dict[str, int] = {}
    for case in CASES:
        counts[case["verdict"]] = counts.get(case["verdict"], 0) + 1
    lines += ["", f"{len(CASES)} cases: " + ", ".join(f"{n} {v}" for v, n in counts.items()), ""]
    return "\n".join(lines)


def test_doc_table_is_current() -> None:
    want = render_doc()
    if os.environ.get("CORPUSBOT_REGEN_DOCS"):
        DOC.write_text(want, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == want, "regenerate docs/verification.md"
    assert want.count("\n| ") - 1 >= 40
