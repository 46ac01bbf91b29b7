"""Question-file loading and validation (evals/cases.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.cases import default_questions_path, load_cases, missing_gold, parse_cases
from recept.errors import InputError

GOOD = {
    "id": "q1",
    "question": "Wat betekent ANNA?",
    "lang": "nl",
    "type": "factual",
    "answerable": True,
    "gold": ["altijd nagaan, nooit aannemen"],
    "must_all": ["nagaan"],
    "must_any": [],
    "history": [],
}


def line(**changes: object) -> str:
    return json.dumps({**GOOD, **changes})


def test_valid_line_becomes_case_and_unknown_fields_are_ignored() -> None:
    [case] = parse_cases([line(extra="x", _todo="n.v.t.")])
    assert case.id == "q1"
    assert case.gold == ("altijd nagaan, nooit aannemen",)
    assert case.must_all == ("nagaan",)
    assert case.line == 1


def test_optional_lists_default_to_empty() -> None:
    obj = {k: GOOD[k] for k in ("id", "question", "lang", "type", "answerable")}
    [case] = parse_cases([json.dumps(obj)])
    assert case.gold == case.must_all == case.must_any == ()
    assert case.history == ()


def test_every_problem_is_reported_with_its_line_number() -> None:
    lines = [
        line(),
        "",
        "{niet json",
        line(id="q2", lang="de"),
        line(id="q1"),
        line(id="q4", type="TODO", answerable=None),
        line(id="q5", type="followup", history=[]),
        line(id="q6", history=[{"role": "bot", "content": "x"}]),
        "[1, 2]",
    ]
    with pytest.raises(InputError) as err:
        parse_cases(lines, source="golden.jsonl")
    msg = err.value.message
    assert msg.startswith("golden.jsonl: 8 fout(en):")
    assert "regel 3: geen geldige JSON" in msg
    assert "regel 4: 'lang' is 'de'" in msg
    assert "regel 5: id 'q1' komt al voor op regel 1" in msg
    assert "regel 6: 'type' is 'TODO'" in msg and "concept uit feedback" in msg
    assert "regel 6: 'answerable' moet true of false zijn" in msg
    assert "regel 7: een 'followup'-vraag heeft een 'history' of een 'conv' met 'turn' > 1" in msg
    assert "regel 8: 'history'[1]" in msg
    assert "regel 9: verwacht een JSON-object" in msg


def test_out_of_scope_must_not_be_answerable() -> None:
    with pytest.raises(InputError, match="out_of_scope"):
        parse_cases([line(type="out_of_scope", gold=[])])


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "leeg.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="bevat geen vragen"):
        load_cases(empty)
    with pytest.raises(InputError, match="niet gevonden"):
        load_cases(tmp_path / "weg.jsonl")


def test_missing_gold_reports_phrases_absent_from_the_corpus() -> None:
    cases = parse_cases([line(gold=["Altijd  nagaan", "nooit vergeten"])])
    assert missing_gold(cases, ["ANNA (altijd nagaan, nooit aannemen)"]) == [
        "q1 (regel 1): 'nooit vergeten'"
    ]


def test_bundled_golden_set_loads_and_its_gold_is_in_the_corpus() -> None:
    path = default_questions_path()
    if not path.exists():
        pytest.fail("evals/sets/golden.jsonl ontbreekt")
    cases = load_cases(path)
    corpus = Path(__file__).resolve().parents[1] / "corpus" / "recept-voor-de-toekomst.md"
    assert missing_gold(cases, [corpus.read_text(encoding="utf-8")]) == []


def test_expect_overrides_answerable_and_conversation_turns_need_no_history() -> None:
    partial = line(id="p", expect="partial", answerable=True, gold_parts=[["a"], []])
    turn = line(id="t", type="followup", conv="c1", turn=2, history=[])
    bad = line(id="b", expect="maybe")
    [p, t] = parse_cases([partial, turn])
    assert (p.expected, p.answerable, p.gold_parts) == ("partial", False, (("a",), ()))
    assert (t.conv, t.turn, t.expected) == ("c1", 2, "answer")
    with pytest.raises(InputError, match="'expect' is 'maybe'"):
        parse_cases([bad])
