"""`recept eval`: run the question set through the assistant, print metrics, write a report.

Thin: builds the Assistant from settings, calls ``ask`` per question and hands the records to
the :mod:`evals` modules. ``--gate`` exits with status 1 when a threshold is violated.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

from cli import Context
from recept.schema import Answer, Chunk, Message
from recept.settings import Settings

if TYPE_CHECKING:
    from evals.runner import EvalRecord

WARM_WAIT_S = 900.0  # at most this long for the LLM's start-up warm-up before measuring
FEEDBACK_FILE = "feedback.jsonl"  # under data_dir, where the web app writes thumbs up/down


class EvalTarget(Protocol):
    """The part of ``assistant.api.Assistant`` that the eval uses."""

    def ask(self, question: str, history: Sequence[Message] = ()) -> Answer: ...

    def document_text(self, doc_id: str) -> str: ...

    def corpus_chunks(self) -> list[Chunk]: ...


def _load_assistant(settings: Settings, engine: str | None) -> EvalTarget:
    from assistant import Assistant

    return Assistant.from_settings(settings, engine=engine)


def _progress(i: int, total: int, record: EvalRecord) -> None:
    status = "fout" if record.error else ("geweigerd" if record.refused else "antwoord")
    line = f"[{i:>3}/{total}] {record.id:<12} {record.latency_ms:>8.0f} ms  {status}"
    if sys.stderr.isatty():
        click.echo("\r" + line.ljust(60), err=True, nl=i == total)
    else:
        click.echo(line, err=True)


def _drafts(settings: Settings, feedback: str, drafts_out: str | None) -> None:
    from evals.feedback import drafts_from_feedback, write_drafts

    if not drafts_out:
        raise click.UsageError("--from-feedback heeft --drafts-out BESTAND nodig.")
    path = Path(feedback) if feedback != "-" else settings.data_path / FEEDBACK_FILE
    skipped: list[str] = []
    drafts = drafts_from_feedback(path, skipped=skipped)
    for msg in skipped:
        click.echo(f"Overgeslagen in {path}: {msg}", err=True)
    write_drafts(drafts_out, drafts)
    click.echo(
        f"{len(drafts)} concept(en) uit duim-omlaag-feedback geschreven naar {drafts_out}. "
        "Vul type, answerable en gold aan en voeg ze toe aan de vragenset."
    )


@click.command("eval")
@click.option(
    "--questions",
    type=click.Path(dir_okay=False),
    default=None,
    help="Vragenbestand (JSONL). Standaard: de meegeleverde evals/sets/golden.jsonl.",
)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False), help="Schrijf de antwoorden (JSONL)."
)
@click.option(
    "--report", "report_dir", type=click.Path(file_okay=False), help="Map voor het rapport."
)
@click.option(
    "--engine",
    type=click.Choice(["extractive", "ollama", "openai"]),
    default=None,
    help="Antwoordmotor (overschrijft RECEPT_ENGINE).",
)
@click.option(
    "--baseline", is_flag=True, help="Vergelijk retrieval met LangChain- en BM25-baselines."
)
@click.option("--gate", is_flag=True, help="Exitcode 1 als een drempel niet gehaald wordt.")
@click.option(
    "--thresholds",
    type=click.Path(dir_okay=False),
    default=None,
    help="Drempelbestand (JSON). Standaard: evals/thresholds.json.",
)
@click.option(
    "--from-feedback",
    "feedback",
    is_flag=False,
    flag_value="-",
    default=None,
    metavar="[BESTAND]",
    help="Maak conceptvragen uit duim-omlaag-feedback (standaard DATA_DIR/feedback.jsonl); "
    "draait geen evaluatie.",
)
@click.option("--drafts-out", type=click.Path(dir_okay=False), help="Uitvoer voor --from-feedback.")
@click.option("--judge", is_flag=True, help="Ook model-beoordeelde scores (vergt een LLM).")
@click.option(
    "--beside/--no-beside",
    default=True,
    help="Met een LLM-motor: zet de extractieve motor op dezelfde vragen ernaast.",
)
@click.pass_obj
def command(
    obj: Context,
    questions: str | None,
    out: str | None,
    report_dir: str | None,
    engine: str | None,
    baseline: bool,
    gate: bool,
    thresholds: str | None,
    feedback: str | None,
    drafts_out: str | None,
    judge: bool,
    beside: bool,
) -> None:
    """Evalueer de assistent op een vragenset: metrieken, rapport en kwaliteitsdrempel."""
    from evals.cases import default_questions_path, load_cases, missing_gold
    from evals.gate import check_gate, load_thresholds
    from evals.metrics import compute_metrics, format_comparison, format_table
    from evals.runner import run_eval, write_answers

    settings = obj.settings
    if feedback is not None:
        _drafts(settings, feedback, drafts_out)
        return
    # Fail on a bad thresholds file before spending minutes on the questions.
    limits = load_thresholds(thresholds) if gate else None
    cases = load_cases(questions or default_questions_path())
    assistant = _load_assistant(settings, engine)

    doc_ids = sorted({c.doc_id for c in assistant.corpus_chunks()})
    sources = [assistant.document_text(d) for d in doc_ids]
    for msg in missing_gold(cases, sources):
        click.echo(f"Let op: gold-zin niet in het corpus: {msg}", err=True)

    def verify(quote: str) -> bool:
        from recept.quotes import is_verbatim

        return any(is_verbatim(quote, s) for s in sources)

    click.echo(f"{len(cases)} vragen, motor: {engine or settings.engine}", err=True)
    wait = getattr(assistant, "wait_for_llm", None)
    if wait is not None and (engine or settings.engine) != "extractive":
        # Measure answers, not the start-up: the document prefix is evaluated first (the
        # bench reports that time on its own).
        t0 = time.monotonic()
        ready = wait(WARM_WAIT_S)
        state = "klaar" if ready else "niet klaar"
        click.echo(f"LLM opwarmen: {state} na {time.monotonic() - t0:.0f} s", err=True)
    records = run_eval(assistant.ask, cases, on_progress=_progress)
    metrics = compute_metrics(records, cases, verify)

    if judge:
        from evals.judge import chat_model_from_settings, judge_records

        click.echo("Model-beoordeling (model-judged)…", err=True)
        metrics["model_judged"] = judge_records(records, chat_model_from_settings(settings, engine))

    baselines: dict[str, dict[str, Any]] | None = None
    if baseline:
        from evals.baselines import run_baselines

        click.echo("Baselines (LangChain-recept, BM25)…", err=True)
        baselines = run_baselines(sources, cases)

    click.echo(format_table(metrics))
    if beside and (engine or settings.engine) != "extractive":
        from evals.metrics import format_engines

        click.echo("\nExtractieve motor op dezelfde vragen…", err=True)
        plain = _load_assistant(settings, "extractive")
        plain_records = run_eval(plain.ask, cases)
        plain_metrics = compute_metrics(plain_records, cases, verify)
        if judge:
            from evals.judge import chat_model_from_settings, judge_records

            plain_metrics["model_judged"] = judge_records(
                plain_records, chat_model_from_settings(settings, engine)
            )
        metrics["extractive"] = {k: v for k, v in plain_metrics.items() if k != "by_type"}
        click.echo("\nLLM-motor naast de extractieve motor:")
        click.echo(format_engines(metrics, plain_metrics))
    if baselines:
        click.echo("\nRetrieval tegenover baselines:")
        click.echo(format_comparison(metrics, baselines))

    if out:
        click.echo(f"\nAntwoorden: {write_answers(out, records)}")
    if report_dir:
        from evals.report import write_report

        paths = write_report(report_dir, metrics, records, cases, baselines)
        click.echo(f"Rapport: {paths['html']}")

    if limits is not None:
        violations = check_gate(metrics, limits)
        if violations:
            click.echo("\nDrempel niet gehaald:", err=True)
            for v in violations:
                click.echo(f"  - {v}", err=True)
            sys.exit(1)
        click.echo("\nAlle drempels gehaald.")
