"""Eval metrics on hand-built records (evals/metrics.py)."""

from __future__ import annotations

from typing import Any

import pytest

from evals.cases import EvalCase
from evals.metrics import compute_metrics, flatten, format_comparison, format_table
from evals.runner import EvalRecord

ANNA = "Het ezelsbruggetje ANNA (altijd nagaan, nooit aannemen) helpt."
KEN = "'Ken jezelf. Niemand kan alles.'"
OTHER = "Zet geen hek om de eigen gemeente."
INVALID = "dit staat nergens"


def cite(n: int, quote: str, passage: str) -> dict[str, Any]:
    return {"n": n, "section": "s", "quote": quote, "passage": passage}


def rec(
    cid: str,
    case: EvalCase,
    answer: str,
    refused: bool,
    latency: float,
    retrieved: list[str],
    citations: list[dict[str, Any]],
) -> EvalRecord:
    return EvalRecord(
        cid,
        case.type,
        case.lang,
        case.question,
        answer,
        refused,
        latency,
        retrieved=[{"text": t, "section": t[:10], "score": 0.0} for t in retrieved],
        citations=citations,
    )


CASES = [
    EvalCase(
        "f1", "Wat is ANNA?", "nl", "factual", True, gold=("altijd  nagaan",), must_all=("nagaan",)
    ),
    EvalCase(
        "f2",
        "Know yourself?",
        "en",
        "quote",
        True,
        gold=("\u2018Ken jezelf",),
        must_any=("jezelf", "uzelf"),
    ),
    EvalCase("f3", "Wat is gunnen?", "nl", "paraphrase", True, gold=("belangeloos",)),
    EvalCase("o1", "Weather?", "en", "out_of_scope", False),
    EvalCase("o2", "Het weer?", "nl", "out_of_scope", False),
]
RECORDS = [
    rec(
        "f1",
        CASES[0],
        "Altijd nagaan [1].",
        False,
        100,
        [OTHER, ANNA],
        [cite(1, "altijd nagaan", ANNA)],
    ),
    rec(
        "f2",
        CASES[1],
        "Build no fence [1].",
        False,
        200,
        [KEN, OTHER],
        [cite(1, "Zet geen hek", OTHER)],
    ),
    rec("f3", CASES[2], "Dat staat er niet in.", True, 300, [OTHER, KEN], []),
    rec("o1", CASES[3], "Not in the letter.", True, 400, [OTHER], []),
    rec("o2", CASES[4], "Zonnig [1].", False, 500, [OTHER], [cite(1, INVALID, OTHER)]),
]


def verify(quote: str) -> bool:
    return quote != INVALID


@pytest.fixture(scope="module")
def metrics() -> dict[str, Any]:
    return compute_metrics(RECORDS, CASES, verify)


def test_retrieval_over_answerable_cases_with_gold(metrics: dict[str, Any]) -> None:
    # first gold ranks: f1 → 2, f2 → 1, f3 → none
    assert metrics["retrieval"] == {
        "n": 3,
        "hit@1": 0.3333,
        "hit@3": 0.6667,
        "hit@5": 0.6667,
        "mrr": 0.5,
    }


def test_citation_metrics(metrics: dict[str, Any]) -> None:
    c = metrics["citations"]
    assert c["quotes"] == 3 and c["invalid"] == [INVALID]
    assert c["quote_validity"] == 0.6667
    assert (c["recall"], c["recall_n"]) == (0.3333, 3)  # only f1 cites its gold passage
    assert (c["precision"], c["precision_n"]) == (0.5, 2)  # f1 right, f2 wrong


def test_key_facts_refusal_and_latency(metrics: dict[str, Any]) -> None:
    assert metrics["key_facts"] == {"rate": 0.5, "n": 2}  # f1 ok, f2 misses jezelf/uzelf
    r = metrics["refusal"]
    assert (r["out_of_scope_refusal_rate"], r["out_of_scope_n"]) == (0.5, 2)
    assert (r["false_refusal_rate"], r["answerable_n"]) == (0.3333, 3)
    assert r["correct_rate"] == 0.6
    assert metrics["latency_ms"] == {"p50": 300.0, "p95": 480.0, "max": 500.0, "n": 5}


def test_breakdowns_per_type_and_language(metrics: dict[str, Any]) -> None:
    assert list(metrics["by_type"]) == ["factual", "out_of_scope", "paraphrase", "quote"]
    assert metrics["by_type"]["factual"]["hit@1"] == 0.0
    assert metrics["by_type"]["quote"]["hit@1"] == 1.0
    assert metrics["by_type"]["out_of_scope"]["hit@1"] is None
    assert metrics["by_type"]["out_of_scope"]["refusal_correct"] == 0.5
    assert metrics["by_lang"]["en"]["n"] == 2 and metrics["by_lang"]["nl"]["n"] == 3


def test_no_quotes_is_vacuously_valid() -> None:
    m = compute_metrics(RECORDS[2:4], CASES, verify)
    assert m["citations"]["quote_validity"] == 1.0 and m["citations"]["quotes"] == 0
    assert m["citations"]["precision"] is None


def test_unknown_record_ids_are_an_error() -> None:
    with pytest.raises(ValueError, match="zonder vraag"):
        compute_metrics(RECORDS, CASES[:1], verify)


def test_flatten_and_tables(metrics: dict[str, Any]) -> None:
    flat = flatten(metrics)
    assert flat["citations.quote_validity"] == 0.6667
    assert flat["by_type.quote.hit@1"] == 1.0
    assert "citations.invalid" not in flat
    table = format_table(metrics)
    assert "hit@1 0.33" in table and "67% (2/3)" in table and "Per type:" in table
    baselines = {
        "bm25": {
            "label": "BM25",
            "retrieval": {"n": 3, "hit@1": 1.0, "hit@3": 1.0, "hit@5": 1.0, "mrr": 1.0},
        }
    }
    comparison = format_comparison(metrics, baselines).splitlines()
    assert comparison[0].split() == ["retriever", "n", "hit@1", "hit@3", "hit@5", "MRR"]
    assert comparison[2].split()[:3] == ["recept-assistent", "3", "0.33"]
    assert comparison[3].split() == ["BM25", "3", "1.00", "1.00", "1.00", "1.00"]


def test_conversation_two_part_and_document_metrics() -> None:
    from evals.cases import EvalCase
    from evals.metrics import compute_metrics
    from evals.runner import EvalRecord

    passage_a, passage_b = "Ken jezelf en je capaciteit.", "Gunnen betekent iets overlaten."
    cases = [
        EvalCase("t1", "?", "nl", "paraphrase", True, gold=("ken jezelf",), conv="c", turn=1),
        EvalCase("t2", "?", "nl", "followup", True, gold=("gunnen",), conv="c", turn=2),
        EvalCase("t3", "?", "nl", "followup", False, conv="c", turn=3),
        EvalCase(
            "p",
            "?",
            "nl",
            "paraphrase",
            True,
            kind="two_part",
            doc="recept",
            gold=("ken jezelf",),
            gold_parts=(("ken jezelf",), ("gunnen",)),
        ),
    ]
    cite_a = {"quote": "Ken jezelf", "passage": passage_a, "doc_id": "recept-voor-de-toekomst"}
    cite_x = {"quote": "x", "passage": "x", "doc_id": "duinwaarde"}
    records = [
        EvalRecord("t1", "", "nl", "?", "", False, 1.0, retrieved=[{"text": passage_a}]),
        EvalRecord("t2", "", "nl", "?", "", False, 1.0, retrieved=[{"text": passage_a}]),
        EvalRecord("t3", "", "nl", "?", "", True, 1.0),
        EvalRecord(
            "p",
            "",
            "nl",
            "?",
            "",
            False,
            1.0,
            retrieved=[{"text": passage_a}, {"text": passage_b}],
            citations=[cite_a, cite_x],
        ),
    ]
    m = compute_metrics(records, cases, verify=lambda q: True)
    # t2 is about the wrong subject, t3 rightly declines; turn 1 is not a later turn.
    assert m["conversation"] == {"subject_rate": 0.5, "turns_n": 2}
    assert m["two_part"] == {"parts_cited_rate": 0.5, "parts_n": 2}
    assert m["documents"] == {"right_document_rate": 0.5, "citations_n": 2}
    assert set(m["by_kind"]) == {"plain", "two_part"}


def test_llm_engine_beside_the_extractive_one() -> None:
    from evals.cases import EvalCase
    from evals.metrics import compute_metrics, format_engines, format_table
    from evals.runner import EvalRecord

    cases = [EvalCase(f"q{i}", "Wat?", "nl", "apply", True) for i in range(4)]

    def records(engines: list[str]) -> list[EvalRecord]:
        return [
            EvalRecord(c.id, c.type, c.lang, c.question, "antwoord", False, 10.0, engine=e)
            for c, e in zip(cases, engines, strict=True)
        ]

    llm = compute_metrics(records(["llm:m"] * 3 + ["extractive"]), cases, lambda q: True)
    plain = compute_metrics(records(["extractive"] * 4), cases, lambda q: True)
    assert llm["engines"]["llm_path"] == 0.75 and plain["engines"]["llm_path"] == 0.0
    assert "LLM-pad:                75% van 4 antwoorden" in format_table(llm)
    llm["model_judged"] = {"faithfulness": 0.9, "answer_relevance": 4.0}
    table = format_engines(llm, plain)
    assert table.splitlines()[2].split() == ["LLM-pad", "75%", "0%"]
    assert "faithfulness (model-beoordeeld)" in table
