"""bench/report.py: target verdicts, ratios and the Markdown tables, from small results dicts."""

from __future__ import annotations

import doctest
import json
import sys
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))  # bench/ is not an installed package

import bench.cold  # noqa: E402
import bench.report  # noqa: E402
import bench.run  # noqa: E402
import bench.stats  # noqa: E402
from bench.report import markdown, summarise  # noqa: E402

RESULTS = PROJECT / "bench" / "results"


def latency(p50: float, p95: float) -> dict[str, float]:
    return {"p50": p50, "p95": p95, "mean": p50, "max": p95}


def small_results(
    answer_1: float | None = 50.0,
    retrieval_1: float | None = 40.0,
    answer_10: float | None = 100.0,
) -> dict[str, Any]:
    """A quick run with one scale tier (10×), shaped like bench.json."""
    warm = {
        "questions": 12,
        "retrieval_ms": latency(retrieval_1, 59.7) if retrieval_1 is not None else {},
        "answer_ms": latency(answer_1, 67.5) if answer_1 is not None else {},
        "embed_query_ms": {"p50": 37.0, "p95": 40.0, "mean": 37.3, "max": 41.0},
        "stage_mean_ms": {"compose": 0.6, "dense": 4.3, "embed_query": 37.8, "lexical": 0.9},
        "refused": 1,
        "errors": 0,
        "unverified_citations": 0,
        "open_s": 0.27,
        "quality": {"n": 9, "hit@1": 0.66, "hit@3": 0.83, "hit@5": 0.86, "mrr": 0.74},
    }
    tier = {
        "questions": 8,
        "retrieval_ms": latency(60.0, 70.0),
        "answer_ms": latency(answer_10, 120.0) if answer_10 is not None else {},
        "embed_query_ms": {"p50": 36.0, "p95": 40.0, "mean": 37.0, "max": 41.0},
        "stage_mean_ms": {"compose": 1.0, "dense": 8.0, "embed_query": 37.0, "lexical": 2.0},
        "ingest": {
            "chunks": 500,
            "embedded_real": 120,
            "embedded_standin": 380,
            "complete": False,
            "embed_s": 20.0,
            "embed_chunks_per_s": 6.0,
            "wall_s": 30.5,
            "projected_full_s": 90.0,
        },
        "open_s": 0.5,
        "bytes": 120_000,
    }

    def theirs(chunks: int, projected: float) -> dict[str, Any]:
        ingest = {
            "chunks": chunks,
            "embedded_real": chunks,
            "complete": True,
            "embed_chunks_per_s": 12.5,
            "projected_full_s": projected,
        }
        return {"ingest": ingest, "retrieval_ms": latency(20.0, 28.6)}

    return {
        "when": "2026-01-01T00:00:00+00:00",
        "mode": "quick",
        "machine": {
            "cpu_count": 2,
            "python": "3.11.7",
            "memory_gb": 8.0,
            "load_avg_at_start": [1.0, 1.0, 1.0],
            "load_avg_at_end": [1.5, 1.0, 1.0],
        },
        "settings": {
            "questions": 12,
            "tier_questions": 8,
            "tiers": [1, 10],
            "ingest_budget_s": 20.0,
            "cold_reps": 1,
        },
        "model_load_s": 9.74,
        "corpus_ingest": {"seconds": 7.27, "chunks": 52, "chunks_per_s": 7.2, "bytes": 12_000},
        "cold_ask": {"runs_s": [14.8], "median_s": 14.8, "peak_rss_mb": 1069.0},
        "warm_1x": warm,
        "langchain": {
            "1": {**theirs(13, 1.1), "quality": {"n": 9, "hit@1": 0.2, "mrr": 0.37}},
            "10": theirs(250, 30.0),
        },
        "scale": {"10": tier},
    }


def render(r: dict[str, Any]) -> str:
    r["summary"] = summarise(r)  # as bench.run does before writing
    return markdown(r)


def row(md: str, first_cell: str, under: str = "") -> list[str]:
    """The cells of the one table row whose first cell starts with ``first_cell``, in the
    section whose heading starts with ``under`` (anywhere if empty)."""
    heading, rows = "", []
    for line in md.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("# ")
        elif line.startswith("| ") and heading.startswith(under):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    found = [cells for cells in rows if cells[0].startswith(first_cell)]
    assert len(found) == 1, (first_cell, found)
    return found[0]


def test_doctests() -> None:
    for module in (bench.report, bench.stats, bench.cold, bench.run):
        result = doctest.testmod(module)
        assert result.attempted and not result.failed, module.__name__


@pytest.mark.parametrize(
    ("answer_1", "ok", "mark"),
    [(50.0, True, "✅"), (100.0, True, "✅"), (100.1, False, "❌"), (None, False, "❌")],
)
def test_answer_target(answer_1: float | None, ok: bool, mark: str) -> None:
    r = small_results(answer_1=answer_1)
    assert summarise(r)["answer_p50_ok"] is ok
    cells = row(render(r), "full answer p50, warm, 1×")
    value = "–" if answer_1 is None else f"{answer_1:.1f} ms"
    assert cells == ["full answer p50, warm, 1×", value, "≤ 100 ms", mark]


@pytest.mark.parametrize(
    ("retrieval_1", "ok", "mark"), [(29.9, True, "✅"), (30.0, True, "✅"), (30.1, False, "❌")]
)
def test_retrieval_target(retrieval_1: float, ok: bool, mark: str) -> None:
    r = small_results(retrieval_1=retrieval_1)
    assert summarise(r)["retrieval_p50_ok"] is ok
    cells = row(render(r), "retrieval p50, warm, 1×")
    assert cells == ["retrieval p50, warm, 1×", f"{retrieval_1:.1f} ms", "≤ 30 ms", mark]


@pytest.mark.parametrize(
    ("answer_10", "ratio", "mark"),
    [
        (100.0, "2.00×", "✅"),
        (150.0, "3.00×", "✅"),
        (151.0, "3.02×", "❌"),
        (500.0, "10.0×", "❌"),
    ],
)
def test_scale_target(answer_10: float, ratio: str, mark: str) -> None:
    r = small_results(answer_1=50.0, answer_10=answer_10)
    assert summarise(r)["scale_ratio_ok"] is (mark == "✅")
    assert row(render(r), "answer p50 at 10× ÷ at 1×") == [
        "answer p50 at 10× ÷ at 1×",
        ratio,
        "≤ 3×",
        mark,
    ]


def test_scale_ratio_is_taken_at_the_numerically_largest_tier() -> None:
    r = small_results(answer_1=50.0)
    big = json.loads(json.dumps(r["scale"]["10"]))
    big["answer_ms"] = latency(400.0, 450.0)
    r["scale"] = {"200": big, "1000": r["scale"]["10"], "50": big}  # "50" > "1000" as text
    s = summarise(r)
    assert s["largest_tier"] == "1000"
    assert (s["scale_answer_ratio"], s["scale_ratio_ok"]) == (2.0, True)


def test_failed_tiers_are_skipped_for_the_verdict_and_shown_as_failed() -> None:
    r = small_results(answer_1=50.0, answer_10=100.0)
    r["scale"]["1000"] = None
    r["langchain"]["1000"] = None
    r["failures"] = {"ours 1000×": "RuntimeError: boom"}
    s = summarise(r)
    assert (s["largest_tier"], s["scale_ratio_ok"]) == ("10", True)
    assert "1000" not in s["ours_over_langchain"]
    md = render(r)
    assert "| 1000× | failed: {'ours 1000×': 'RuntimeError: boom'} |" in md
    assert "| 1000× | failed |" in md
    assert md.endswith("## Failures\n\n- ours 1000×: RuntimeError: boom\n")


def test_no_scale_tiers_means_no_scale_verdict() -> None:
    r = small_results()
    r["scale"] = {}
    s = summarise(r)
    assert s["largest_tier"] is None and "scale_ratio_ok" not in s
    assert row(render(r), "answer p50 at None× ÷ at 1×")[1:] == ["–", "≤ 3×", "–"]


def test_failed_warm_run_still_renders() -> None:
    r = small_results()
    r["warm_1x"] = None
    r["failures"] = {"warm latency 1×": "ReceptError: kapot"}
    s = summarise(r)
    assert (s["answer_p50_ok"], s["retrieval_p50_ok"], s["scale_ratio_ok"]) == (False,) * 3
    assert s["ours_over_langchain"].keys() == {"10"}
    md = render(r)
    assert row(md, "full answer p50")[1:] == ["–", "≤ 100 ms", "❌"]
    assert row(md, "1×", under="Scale")[1].startswith("failed")


def test_scale_table_rows() -> None:
    md = render(small_results(answer_1=41.1, retrieval_1=39.8, answer_10=104.1))
    # The 1× ingest is complete and has seconds where a budgeted tier has wall and projection.
    assert row(md, "1×", under="Scale") == [
        "1×", "0.01", "52", "52", "7.20", "7.27", "7.27", "0.27",
        "39.8/59.7", "41.1/67.5", "37.3 / 5.80",
    ]  # fmt: skip
    assert row(md, "10×", under="Scale") == [
        "10×", "0.12", "500", "120 (partial)", "6.00", "30.5", "90.0", "0.50",
        "60.0/70.0", "104.1/120.0", "37.0 / 11.0",
    ]  # fmt: skip
    assert "(20 s of embedding)" in md


def test_ours_over_langchain() -> None:
    r = small_results(answer_1=50.0, retrieval_1=40.0, answer_10=100.0)
    vs = summarise(r)["ours_over_langchain"]
    assert vs == {
        "1": {
            "retrieval_p50": 2.0,
            "answer_p50_vs_their_retrieval_p50": 2.5,
            "ingest_s": 6.61,  # 7.27 s measured ÷ 1.1 s projected
            "chunks": 4.0,
        },
        "10": {
            "retrieval_p50": 3.0,
            "answer_p50_vs_their_retrieval_p50": 5.0,
            "ingest_s": 3.0,
            "chunks": 2.0,
        },
    }
    md = render(r)
    assert row(md, "10×", under="The LangChain recipe") == [
        "10×", "250", "250", "12.5", "30.0", "20.0/28.6",
    ]  # fmt: skip
    assert row(md, "10×", under="Ours ÷ LangChain") == ["10×", "3.00×", "5.00×", "3.00×", "2.00×"]


def test_quality_and_cold_start_rows() -> None:
    md = render(small_results())
    assert row(md, "ours (top 8)") == ["ours (top 8)", "9", "0.66", "0.83", "0.86", "0.74"]
    assert row(md, "LangChain (k=4)") == ["LangChain (k=4)", "9", "0.20", "–", "–", "0.37"]
    assert row(md, "`recept ask` launch") == [
        "`recept ask` launch → answer (median of 1)",
        "14.8",
        "1,069.0 MB",
    ]
    assert row(md, "`recept serve` launch → ready") == ["`recept serve` launch → ready", "–", "–"]


def test_committed_report_matches_committed_numbers() -> None:
    """bench.md is what bench.json renders to; after a deliberate format change, re-render
    it: ``markdown(json.load(open("bench/results/bench.json")))``."""
    r = json.loads((RESULTS / "bench.json").read_text(encoding="utf-8"))
    assert summarise(r) == r["summary"]
    assert markdown(r) == (RESULTS / "bench.md").read_text(encoding="utf-8")
