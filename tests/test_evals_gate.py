"""The quality gate (evals/gate.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.gate import check_gate, default_thresholds_path, load_thresholds
from recept.errors import InputError

METRICS: dict[str, Any] = {
    "retrieval": {"hit@1": 0.6, "hit@5": 0.9, "n": 10},
    "citations": {"quote_validity": 1.0, "invalid": []},
    "refusal": {"false_refusal_rate": 0.2, "out_of_scope_refusal_rate": None},
    "latency_ms": {"p95": 900.0},
}


def test_passing_gate() -> None:
    limits: dict[str, dict[str, float]] = {
        "min": {"retrieval.hit@1": 0.5, "retrieval.hit@5": 0.9},
        "max": {"refusal.false_refusal_rate": 0.2, "latency_ms.p95": 1000},
    }
    assert check_gate(METRICS, limits) == []


def test_violations_are_listed() -> None:
    limits: dict[str, dict[str, float]] = {
        "min": {
            "retrieval.hit@1": 0.7,
            "refusal.out_of_scope_refusal_rate": 0.5,
            "geen.metriek": 0.1,
        },
        "max": {"latency_ms.p95": 500},
    }
    assert check_gate(METRICS, limits) == [
        "retrieval.hit@1 = 0.6, minimaal 0.7 vereist",
        "refusal.out_of_scope_refusal_rate: niet gemeten (geen vragen van deze soort)",
        "geen.metriek: onbekende of ontbrekende metriek",
        "latency_ms.p95 = 900.0, maximaal 500 toegestaan",
    ]


def test_quote_validity_below_one_always_fails() -> None:
    bad = {**METRICS, "citations": {"quote_validity": 0.99}}
    assert check_gate(bad, {"min": {"citations.quote_validity": 0.5}}) == [
        "citations.quote_validity = 0.99, minimaal 1.0 vereist (altijd)"
    ]
    assert check_gate(bad, {}) == ["citations.quote_validity = 0.99, minimaal 1.0 vereist (altijd)"]


def test_bundled_thresholds_load_and_pass_perfect_metrics() -> None:
    limits = load_thresholds()
    assert limits["min"]["citations.quote_validity"] == 1.0
    assert default_thresholds_path().name == "thresholds.json"


def test_bad_threshold_files(tmp_path: Path) -> None:
    p = tmp_path / "t.json"
    p.write_text("{kapot", encoding="utf-8")
    with pytest.raises(InputError, match="geen geldige JSON"):
        load_thresholds(p)
    p.write_text(json.dumps({"min": {"retrieval.hit@1": "hoog"}}), encoding="utf-8")
    with pytest.raises(InputError, match="'min' moet namen met getallen"):
        load_thresholds(p)
    with pytest.raises(InputError, match="niet gevonden"):
        load_thresholds(tmp_path / "weg.json")
