"""Sanity checks for the evaluation sets evals/golden.jsonl and evals/holdout.jsonl.

These guard the *data*, not the assistant: every line is valid JSON with the agreed
fields, ids are unique, gold phrases really occur in the source text, refusal cases
are marked consistently, follow-ups carry a usable history, and each set has the
planned mix of question types and languages.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "recept-voor-de-toekomst.md"
GOLDEN = ROOT / "evals" / "sets" / "golden.jsonl"
HOLDOUT = ROOT / "evals" / "sets" / "holdout.jsonl"
# Written by people (sessions) who never saw the system or the other sets: measured, not tuned.
BLIND = sorted((ROOT / "evals" / "sets").glob("holdout[0-9]*.jsonl"))

TYPES = {"factual", "quote", "paraphrase", "apply", "out_of_scope", "motion", "followup"}
LANGS = {"nl", "en"}
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "question": str,
    "lang": str,
    "type": str,
    "answerable": bool,
    "gold": list,
    "must_all": list,
    "must_any": list,
    "history": list,
}
MOTION_PARTS = (
    "constaterende dat",
    "overwegende dat",
    "verzoekt het college",
    "en gaat over tot de orde van de dag",
)

GOLDEN_MIN = {
    "factual": 12,
    "quote": 8,
    "paraphrase": 14,
    "apply": 12,
    "out_of_scope": 10,
    "motion": 5,
    "followup": 8,
}
GOLDEN_MIN_TOTAL = 72
HOLDOUT_MIN_TOTAL = 30
HOLDOUT_MIN_PER_TYPE = 2
MIN_EN_SHARE = 0.20


def _ws(text: str) -> str:
    """Normalise whitespace only: runs of whitespace become one space."""
    return re.sub(r"\s+", " ", text).strip()


def _load(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:  # pragma: no cover - failure path
            pytest.fail(f"{path.name}:{n}: invalid JSON: {exc}")
        assert isinstance(obj, dict), f"{path.name}:{n}: not a JSON object"
        rows.append(obj)
    return rows


@pytest.fixture(scope="module")
def corpus() -> str:
    return _ws(CORPUS.read_text(encoding="utf-8"))


SETS = {"golden": GOLDEN, "holdout": HOLDOUT} | {p.stem: p for p in BLIND}


@pytest.fixture(scope="module", params=sorted(SETS))
def evalset(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    name: str = request.param
    return name, _load(SETS[name])


def test_every_line_is_a_json_object() -> None:
    for path in SETS.values():
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        assert lines, f"{path.name} is empty"
        for n, line in enumerate(lines, start=1):
            assert isinstance(json.loads(line), dict), f"{path.name}:{n}"


def test_required_fields_and_types(evalset: tuple[str, list[dict[str, Any]]]) -> None:
    name, rows = evalset
    for row in rows:
        rid = row.get("id", "?")
        for field, typ in REQUIRED.items():
            assert field in row, f"{name}/{rid}: missing field {field!r}"
            assert isinstance(row[field], typ), f"{name}/{rid}: {field!r} has wrong type"
        assert row["id"].strip(), f"{name}: empty id"
        assert row["question"].strip(), f"{name}/{rid}: empty question"
        assert row["type"] in TYPES, f"{name}/{rid}: unknown type {row['type']!r}"
        assert row["lang"] in LANGS, f"{name}/{rid}: unknown lang {row['lang']!r}"
        for field in ("gold", "must_all", "must_any"):
            for s in row[field]:
                assert isinstance(s, str) and s.strip(), f"{name}/{rid}: empty string in {field}"


def test_ids_unique_within_and_across_sets() -> None:
    seen: dict[str, str] = {}
    for name, path in SETS.items():
        ids = [r["id"] for r in _load(path)]
        dup = [i for i, c in Counter(ids).items() if c > 1]
        assert not dup, f"{name}: duplicate ids {dup}"
        for i in ids:
            assert i not in seen, f"id {i!r} in both {seen[i]} and {name}"
            seen[i] = name


def test_questions_not_shared_between_sets() -> None:
    seen: dict[str, str] = {}
    for name, path in SETS.items():
        for q in {_ws(r["question"]).lower() for r in _load(path)}:
            assert q not in seen, f"{name} repeats a question of {seen[q]}: {q!r}"
            seen[q] = name


def test_there_is_a_blind_set() -> None:
    assert BLIND, "no evals/holdoutN.jsonl written blind to the system"


def test_gold_phrases_occur_in_corpus(
    evalset: tuple[str, list[dict[str, Any]]], corpus: str
) -> None:
    name, rows = evalset
    missing = [
        (row["id"], phrase) for row in rows for phrase in row["gold"] if _ws(phrase) not in corpus
    ]
    assert not missing, f"{name}: gold phrases not found verbatim in corpus: {missing}"


def test_answerable_iff_not_out_of_scope(evalset: tuple[str, list[dict[str, Any]]]) -> None:
    name, rows = evalset
    for row in rows:
        rid = row["id"]
        oos = row["type"] == "out_of_scope"
        assert row["answerable"] is (not oos), f"{name}/{rid}: answerable must be {not oos}"
        if oos:
            assert row["gold"] == [], f"{name}/{rid}: out_of_scope must have no gold"
        else:
            assert row["gold"], f"{name}/{rid}: answerable question without gold"


def test_motion_requests_are_answerable_and_structured(
    evalset: tuple[str, list[dict[str, Any]]],
) -> None:
    name, rows = evalset
    for row in rows:
        if row["type"] != "motion":
            continue
        assert row["answerable"] is True, f"{name}/{row['id']}"
        for part in MOTION_PARTS:
            assert part in row["must_all"], f"{name}/{row['id']}: must_all lacks {part!r}"


def test_followups_have_alternating_history(evalset: tuple[str, list[dict[str, Any]]]) -> None:
    name, rows = evalset
    for row in rows:
        rid = row["id"]
        hist = row["history"]
        if row["type"] != "followup":
            continue
        assert hist, f"{name}/{rid}: follow-up without history"
        for i, msg in enumerate(hist):
            assert isinstance(msg, dict), f"{name}/{rid}: history[{i}] not an object"
            assert set(msg) == {"role", "content"}, f"{name}/{rid}: history[{i}] keys {set(msg)}"
            expected = "user" if i % 2 == 0 else "assistant"
            assert msg["role"] == expected, f"{name}/{rid}: history[{i}] role should be {expected}"
            assert isinstance(msg["content"], str) and msg["content"].strip()
        assert hist[-1]["role"] == "assistant", f"{name}/{rid}: history must end with an answer"


def test_golden_counts_per_type() -> None:
    rows = _load(GOLDEN)
    assert len(rows) >= GOLDEN_MIN_TOTAL, f"golden has {len(rows)} < {GOLDEN_MIN_TOTAL}"
    counts = Counter(r["type"] for r in rows)
    short = {t: (counts[t], n) for t, n in GOLDEN_MIN.items() if counts[t] < n}
    assert not short, f"golden: too few per type (have, need): {short}"


def test_holdout_counts_per_type() -> None:
    rows = _load(HOLDOUT)
    assert len(rows) >= HOLDOUT_MIN_TOTAL, f"holdout has {len(rows)} < {HOLDOUT_MIN_TOTAL}"
    counts = Counter(r["type"] for r in rows)
    short = {t: counts[t] for t in TYPES if counts[t] < HOLDOUT_MIN_PER_TYPE}
    assert not short, f"holdout: too few per type: {short}"


def test_english_share(evalset: tuple[str, list[dict[str, Any]]]) -> None:
    name, rows = evalset
    en = sum(r["lang"] == "en" for r in rows)
    assert en / len(rows) >= MIN_EN_SHARE, f"{name}: only {en}/{len(rows)} English"
    # English should not be confined to one kind of question.
    en_types = {r["type"] for r in rows if r["lang"] == "en"}
    assert len(en_types) >= 4, f"{name}: English only in {en_types}"


def test_every_indexed_set_exists_parses_and_its_gold_is_in_its_corpus() -> None:
    from evals.cases import load_cases, missing_gold

    index = json.loads((ROOT / "evals" / "sets" / "index.json").read_text(encoding="utf-8"))
    corpora = {
        name: [(ROOT / path).read_text(encoding="utf-8") for path in paths]
        for name, paths in index["corpora"].items()
    }
    files = {p.stem for p in (ROOT / "evals" / "sets").glob("*.jsonl")}
    assert files == {s["name"] for s in index["sets"]}, "every set file is in the index"
    for entry in index["sets"]:
        assert entry["status"] in {"trained", "never-trained", "development"}
        cases = load_cases(ROOT / "evals" / "sets" / f"{entry['name']}.jsonl")
        assert len(cases) == entry["questions"], entry["name"]
        assert missing_gold(cases, corpora[entry["corpus"]]) == [], entry["name"]
    never = [s for s in index["sets"] if s["status"] == "never-trained"]
    assert sum(s["questions"] for s in never) * 2 >= sum(
        s["questions"] for s in index["sets"] if s["status"] != "trained"
    ), "at least half of the sets not trained on stay never read"
    # The rule: at least half of all sets are never trained on and never read.
    assert len(never) * 2 >= len(index["sets"]), "at least half of all sets stay never-trained"
