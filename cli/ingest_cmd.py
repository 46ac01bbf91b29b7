"""`recept ingest [PATH...]`: read documents into the index, with a progress bar and a summary."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from cli import Context
from ingest.pipeline import Ingestor


class _Bar:
    """A click progress bar for the embedding stage, opened on first use."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != "embedden" or total == 0:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Embedden", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Alle stukken opnieuw embedden.")
@click.option(
    "--wait",
    type=float,
    default=0.0,
    show_default=True,
    help="Seconden wachten als er al een ingest loopt (anders direct stoppen).",
)
@click.pass_obj
def command(obj: Context, paths: tuple[Path, ...], force: bool, wait: float) -> None:
    """Lees documenten in (standaard: de corpusmap). Zonder PATH wordt de index precies de
    corpusmap; met PATH worden die documenten toegevoegd of bijgewerkt. Een tweede run zonder
    wijzigingen doet niets."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings duplicate our messages
    settings = obj.settings
    ingestor = Ingestor.from_settings(settings, lock_wait=wait)
    bar = _Bar()
    try:
        summary = ingestor.run(
            list(paths) or [Path(settings.corpus_dir)], sync=not paths, force=force, progress=bar
        )
    finally:
        bar.close()
    for err in summary.skipped:
        click.echo(f"Overgeslagen: {err.path}: {err.reason}", err=True)
    if summary.rebuilt_reason:
        click.echo(f"Opnieuw opgebouwd: {summary.rebuilt_reason}")
    state = "bijgewerkt" if summary.changed else "ongewijzigd"
    click.echo(
        f"Index {state}: {summary.documents} document(en), {summary.chunks} stukken "
        f"({summary.added} toegevoegd, {summary.unchanged} ongewijzigd, {summary.removed} "
        f"verwijderd) in {summary.seconds:.1f} s."
    )
    if summary.skipped:
        sys.exit(2)
