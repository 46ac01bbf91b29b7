"""`make bench`: cold start, ingest, warm latency, memory, scale, and the LangChain recipe.

    python -m bench.run            # full run (≈20–30 min on 2 cores)
    python -m bench.run --quick    # small run (a few minutes)

Writes ``bench/results/bench.json`` (every number) and ``bench/results/bench.md`` (tables
against the targets, :mod:`bench.report`). This module only orchestrates; the measuring is in
:mod:`bench.cold` (fresh processes), :mod:`bench.warm` (our pipeline in this process),
:mod:`bench.scale` and :mod:`bench.langchain_recipe`. Scale tiers are ingested with an
embedding time budget (:mod:`bench.budget`); the report says which tiers were partial and
projects the time of a complete ingest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import psutil

from bench.cold import OFFLINE_ENV, cold_ask, cold_serve
from bench.langchain_recipe import langchain_run
from bench.llm import llm_latency
from bench.report import TARGETS, markdown, summarise
from bench.scale import measure_ours, measure_theirs, scale_corpus
from bench.serve import measure as serving
from bench.stats import self_peak_rss_mb
from bench.warm import (
    encoder_runtimes,
    ingest,
    measure_assistant,
    open_assistant,
    tier_settings,
)

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT / "bench" / "results"
CORPUS_DIR = PROJECT / "corpus"
CORPUS_FILE = CORPUS_DIR / "recept-voor-de-toekomst.md"
LLM_QUESTIONS = 8  # each takes ~10-40 s with the test model on 2 busy cores


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmarks van de recept-assistent.")
    parser.add_argument("--quick", action="store_true", help="kleine run (enkele minuten)")
    parser.add_argument("--questions", type=int, default=0, help="aantal golden-vragen (1×)")
    parser.add_argument(
        "--tiers", type=lambda s: [int(x) for x in s.split(",")], default=None,
        help="schaalfactoren t.o.v. het recept, bv. 100,1000",
    )  # fmt: skip
    parser.add_argument(
        "--ingest-budget", type=float, default=0.0, help="seconden embedden per tier"
    )
    parser.add_argument("--skip-cold", action="store_true", help="geen koude starts meten")
    parser.add_argument("--workdir", default=None, help="map voor tijdelijke indexen")
    parser.add_argument("--keep", action="store_true", help="tijdelijke indexen bewaren")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def plan(args: argparse.Namespace) -> dict[str, Any]:
    """The run's sizes (``settings`` in bench.json): the flags given, else quick or full defaults.

    >>> plan(parse_args(["--quick"]))["tiers"], plan(parse_args([]))["tiers"]
    ([1, 10, 100], [1, 100, 1000])
    >>> p = plan(parse_args(["--questions", "40", "--tiers", "5", "--ingest-budget", "2"]))
    >>> p["questions"], p["tier_questions"], p["tiers"], p["ingest_budget_s"], p["cold_reps"]
    (40, 30, [1, 5], 2.0, 3)
    """
    questions = args.questions or (12 if args.quick else 50)
    return {
        "questions": questions,
        "tier_questions": min(questions, 8 if args.quick else 30),
        "tiers": [1, *(args.tiers or ([10, 100] if args.quick else [100, 1000]))],
        "ingest_budget_s": args.ingest_budget or (20.0 if args.quick else 150.0),
        "cold_reps": 1 if args.quick else 3,
    }


def load_avg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_section(results: dict[str, Any], name: str, fn: Callable[[], Any]) -> Any:
    """Run one part of the benchmark; a failure is recorded and the rest still runs."""
    print(f"[bench] {name} …", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    try:
        value = fn()
    except Exception as exc:  # a benchmark reports what broke and carries on
        traceback.print_exc()
        results.setdefault("failures", {})[name] = f"{type(exc).__name__}: {exc}"
        return None
    finally:
        print(f"[bench] {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    return value


def run(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.update(OFFLINE_ENV)  # before the lazy imports of models and Chroma below
    from evals.baselines import minilm_embedder
    from evals.cases import default_questions_path, load_cases
    from ingest.embed.embedder import load_embedder, resolve_model
    from recept.settings import Settings

    sizes = plan(args)
    budget = sizes["ingest_budget_s"]
    cases = load_cases(default_questions_path())
    random.Random(0).shuffle(cases)
    cases = cases[: sizes["questions"]]
    tier_cases = cases[: sizes["tier_questions"]]
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
            "load_avg_at_start": load_avg(),
        },
        "settings": sizes,
        "targets": TARGETS,
    }

    user = Settings.load()
    spec = resolve_model(user)
    work = Path(tempfile.mkdtemp(prefix="recept-bench-", dir=args.workdir))
    try:
        t0 = time.perf_counter()
        embedder = load_embedder(user)  # builds e5 once if `make models` did not
        embedder.embed_query("opwarmen")
        results["model_load_s"] = round(time.perf_counter() - t0, 2)
        results["model"] = spec.name
        one = tier_settings(work / "x1", CORPUS_DIR, user, spec)

        def corpus_ingest() -> dict[str, Any]:
            summary, seconds = ingest(one, embedder, [CORPUS_DIR])
            return {
                "seconds": round(seconds, 2),
                "chunks": summary.chunks,
                "chunks_per_s": round(summary.chunks / seconds, 1),
                "bytes": CORPUS_FILE.stat().st_size,
            }

        results["corpus_ingest"] = run_section(results, "ingest 1×", corpus_ingest)
        if not args.skip_cold:
            results["cold_ask"] = run_section(
                results,
                "cold start: recept ask",
                lambda: cold_ask(one.data_path, sizes["cold_reps"]),
            )
            results["cold_serve"] = run_section(
                results, "cold start: recept serve", lambda: cold_serve(one.data_path)
            )

        def warm_one() -> dict[str, Any]:
            assistant, open_s = open_assistant(one, embedder)
            section, ranked = measure_assistant(assistant, cases)
            section["open_s"] = round(open_s, 2)
            section["quality"] = ranked.quality()
            return section

        recipe_text = CORPUS_FILE.read_text(encoding="utf-8")
        results["warm_1x"] = run_section(results, "warm latency 1×", warm_one)
        results["serving"] = run_section(
            results,
            "serving under load",
            lambda: serving(one.data_path, 20 if args.quick else 50),
        )
        model_dir = resolve_model(user).path
        results["encoder_runtimes"] = run_section(
            results,
            "encoder runtimes",
            lambda: encoder_runtimes(model_dir, recipe_text[2000:2600]),
        )
        results["peak_rss_mb_after_1x"] = self_peak_rss_mb()

        minilm = minilm_embedder()
        t0 = time.perf_counter()
        minilm.embed_query("warm up")
        results["minilm_load_s"] = round(time.perf_counter() - t0, 2)

        def langchain_one() -> dict[str, Any]:
            section, ranked = langchain_run([recipe_text], cases, minilm, budget, work / "lc-x1")
            section["quality"] = ranked.quality()
            return section

        results["langchain"] = {"1": run_section(results, "LangChain 1×", langchain_one)}
        results["scale"] = {}
        for factor in sizes["tiers"][1:]:
            folder = work / f"corpus-x{factor}"
            paths, size = scale_corpus(folder, factor, CORPUS_FILE)
            settings = tier_settings(work / f"x{factor}", folder, user, spec)
            ours = partial(measure_ours, settings, paths, embedder, budget, tier_cases, factor)
            tier = run_section(results, f"ours {factor}×", ours)
            if tier is not None:
                tier["bytes"] = size
            results["scale"][str(factor)] = tier
            theirs = partial(
                measure_theirs, folder, tier_cases, minilm, budget, work / f"lc-x{factor}"
            )
            results["langchain"][str(factor)] = run_section(results, f"LangChain {factor}×", theirs)
            shutil.rmtree(folder, ignore_errors=True)
        results["llm"] = run_section(
            results,
            "LLM engine (SmolLM2-135M, llama.cpp)",
            lambda: llm_latency(recipe_text, [c.question for c in cases[:LLM_QUESTIONS]]),
        )
        results["peak_rss_mb_overall"] = self_peak_rss_mb()
        results["machine"]["load_avg_at_end"] = load_avg()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["summary"] = summarise(results)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    report = markdown(results)
    (args.out / "bench.md").write_text(report, encoding="utf-8")
    print(report)
    return 1 if results.get("failures") else 0


if __name__ == "__main__":
    sys.exit(main())
