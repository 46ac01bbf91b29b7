"""`recept motion "verzoek" [--gemeente …] [--format md|docx] [--out FILE]`."""

from __future__ import annotations

from pathlib import Path

import click

from assistant import Assistant, motion_to_docx, motion_to_markdown
from cli import Context


@click.command("motion")
@click.argument("request")
@click.option("--gemeente", default=None, help="Naam van de gemeente.")
@click.option("--vergaderdatum", default=None, help="Datum van de raadsvergadering.")
@click.option("--indiener", "indieners", multiple=True, help="Indiener (herhaalbaar).")
@click.option("--format", "fmt", type=click.Choice(["md", "docx"]), default="md", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Schrijf naar bestand.")
@click.pass_obj
def command(
    obj: Context,
    request: str,
    gemeente: str | None,
    vergaderdatum: str | None,
    indieners: tuple[str, ...],
    fmt: str,
    out: Path | None,
) -> None:
    """Stel een concept-motie op die steunt op het recept; elke overweging citeert de bron."""
    assistant = Assistant.from_settings(obj.settings)
    motion = assistant.draft_motion(request, gemeente, vergaderdatum, list(indieners))
    for note in motion.notes:
        if note.startswith("LLM-terugval"):  # the LLM failed: say that this draft is extractive
            click.echo(note, err=True)
    if fmt == "docx":
        target = out or Path("motie.docx")
        motion_to_docx(motion, target)
        click.echo(f"Motie geschreven naar {target}")
        return
    text = motion_to_markdown(motion, markers=True)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Motie geschreven naar {out}")
    else:
        click.echo(text)
