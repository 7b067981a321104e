"""The word diff reads at a glance: added words shown where the source adds them."""

from __future__ import annotations

from corpus.model import DiffOp
from corpus.normalize import tokenize
from corpus.verify.align import align_units, diff_ops
from corpus.verify.words import units_of


def diff(query: str, source: str) -> tuple[DiffOp, ...]:
    qt, st = tokenize(query), tokenize(source)
    qu, su = units_of(query, qt), units_of(source, st)
    return diff_ops(query, qt, qu, source, st, su, align_units(qu, su))


def test_source_adds_words_in_its_own_place() -> None:
    ops = diff(
        "war our grandparents endured", "war our grandparents and great grandparents endured"
    )
    assert DiffOp("insert", "", "and great grandparents") in ops
    assert all(op.op in ("equal", "insert") for op in ops)


def test_contraction_and_number_word_are_equal_steps() -> None:
    assert [op.op for op in diff("I don't know four", "I do not know 4")] == ["equal"]


def test_changed_word_is_one_replacement() -> None:
    ops = diff("Trump thinks in terms of potential", "Putin thinks in terms of potential")
    assert ops[0] == DiffOp("replace", "Trump", "Putin")
