"""The eval report files (evals/report.py)."""

from __future__ import annotations

import json
from pathlib import Path

from evals.cases import EvalCase
from evals.metrics import compute_metrics
from evals.report import write_report
from evals.runner import EvalRecord

NASTY = "<script>alert('x')</script> & \"Ken jezelf\""
CASES = [
    EvalCase("ok", "Wat is ANNA?", "nl", "factual", True, gold=("altijd nagaan",)),
    EvalCase(
        "bad",
        NASTY,
        "en",
        "quote",
        True,
        gold=("Ken jezelf",),
        must_all=("jezelf",),
        history=({"role": "user", "content": "eerder <b>vet</b>"},),
    ),
    EvalCase("oos", "Het weer?", "nl", "out_of_scope", False),
]
ANNA = "ANNA (altijd nagaan, nooit aannemen)"
RECORDS = [
    EvalRecord(
        "ok",
        "factual",
        "nl",
        "Wat is ANNA?",
        "Altijd nagaan [1].",
        False,
        10.0,
        retrieved=[{"text": ANNA, "section": "ingredient: Check", "score": 1.0}],
        citations=[
            {"n": 1, "section": "ingredient: Check", "quote": "altijd nagaan", "passage": ANNA}
        ],
    ),
    EvalRecord(
        "bad",
        "quote",
        "en",
        NASTY,
        "Answer with <i>markup</i> [1].",
        False,
        20.0,
        retrieved=[
            {"text": "Doen.", "section": "ingredient: Doen", "score": 0.5},
            {"text": "Ken jezelf.", "section": "ingredient: Ken jezelf", "score": 0.4},
        ],
        citations=[
            {"n": 1, "section": "ingredient: Doen", "quote": "<verzonnen>", "passage": "Doen."}
        ],
    ),
    EvalRecord(
        "oos", "out_of_scope", "nl", "Het weer?", "Dat staat niet in het recept.", True, 5.0
    ),
]
BASELINES = {
    "bm25": {
        "label": "BM25 zonder stemming (1000/200)",
        "chunks": 9,
        "retrieval": {"n": 2, "hit@1": 0.5, "hit@3": 1.0, "hit@5": 1.0, "mrr": 0.75},
        "rankings": {"ok": ["..."]},
    },
}


def test_report_files(tmp_path: Path) -> None:
    metrics = compute_metrics(RECORDS, CASES, lambda q: q != "<verzonnen>")
    metrics["model_judged"] = {
        "label": "model-judged",
        "model": "nep",
        "faithfulness": 0.5,
        "faithfulness_n": 2,
        "answer_relevance": 4.0,
        "relevance_n": 2,
        "unparsed": 0,
        "per_case": {},
    }
    paths = write_report(tmp_path / "rapport", metrics, RECORDS, CASES, BASELINES)
    assert set(paths) == {"metrics", "markdown", "html", "chart"}

    saved = json.loads(paths["metrics"].read_text(encoding="utf-8"))
    assert saved["retrieval"]["hit@1"] == 0.5
    assert saved["baselines"]["bm25"]["retrieval"]["mrr"] == 0.75
    assert "rankings" not in saved["baselines"]["bm25"]

    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    md = paths["markdown"].read_text(encoding="utf-8")
    assert "## Mislukte vragen (1)" in md and "### bad (quote, en)" in md
    assert "### ok" not in md and "### oos" not in md
    assert "goede passage niet in top 5" not in md  # it is at rank 2
    assert "geen citaat uit de goede passage" in md
    assert "sleutelfeiten ontbreken" in md and "niet letterlijk in de bron" in md
    assert "2. ingredient: Ken jezelf ✓" in md
    assert "[1] ingredient: Doen: <verzonnen>" in md
    assert "gold: Ken jezelf" in md and "moet alle: jezelf" in md
    assert "| BM25 zonder stemming (1000/200) | 2 | 0.50 | 1.00 | 1.00 | 0.75 |" in md
    assert "Model-beoordeeld (model-judged, rechter: nep)" in md
    assert "metrics-per-type.png" in md

    page = paths["html"].read_text(encoding="utf-8")
    assert "<script>" not in page and "<i>markup" not in page and "<b>vet" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;verzonnen&gt;" in page
    assert 'src="data:image/png;base64,' in page  # self-contained
    assert "model-judged" in page and "BM25 zonder stemming" in page


def test_report_without_failures_or_baselines(tmp_path: Path) -> None:
    metrics = compute_metrics(RECORDS[:1], CASES, lambda q: True)
    paths = write_report(tmp_path, metrics, RECORDS[:1], CASES)
    md = paths["markdown"].read_text(encoding="utf-8")
    assert "## Mislukte vragen (0)" in md and "Geen." in md
    assert "baselines" not in md.lower()
