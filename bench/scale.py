"""Scale tiers: the recipe plus synthetic Dutch policy text (:mod:`bench.synth`), ingested
with an embedding budget and queried, by our pipeline and by the LangChain recipe."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.budget import BudgetEmbedder
from bench.langchain_recipe import langchain_run
from bench.synth import write_corpus
from bench.warm import ingest, measure_assistant, open_assistant


def scale_corpus(folder: Path, factor: int, recipe: Path) -> tuple[list[Path], int]:
    """The recipe plus synthetic text, about ``factor`` × the recipe's size in total."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(recipe, folder / recipe.name)
    if factor > 1:
        write_corpus(folder / "synth", (factor - 1) * recipe.stat().st_size, seed=factor)
    size = sum(p.stat().st_size for p in folder.rglob("*.md"))
    return [folder], size


def measure_ours(
    settings: Any,
    paths: Sequence[Path],
    embedder: Any,
    budget_s: float,
    cases: Sequence[Any],
    seed: int,
) -> dict[str, Any]:
    """Ingest ``paths`` within the budget, open the assistant, time ``cases``."""
    budgeted = BudgetEmbedder(embedder, budget_s, seed=seed)
    summary, seconds = ingest(settings, budgeted, paths)
    assistant, open_s = open_assistant(settings, embedder)
    section, _ = measure_assistant(assistant, cases)
    section["ingest"] = budgeted.report(summary.chunks, seconds)
    section["open_s"] = round(open_s, 2)
    return section


def measure_theirs(
    folder: Path, cases: Sequence[Any], minilm: Any, budget_s: float, workdir: Path
) -> dict[str, Any]:
    """The LangChain recipe on the same tier's files."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.md"))]
    section, _ = langchain_run(texts, cases, minilm, budget_s, workdir)
    return section
