"""`recept ask "vraag" [--json]`: one answer with its sources."""

from __future__ import annotations

import json

import click

from assistant import Assistant
from cli import Context
from recept.quotes import display
from recept.schema import KIND_LABELS_NL, Answer


def format_answer(answer: Answer) -> str:
    lines = [answer.text, ""]
    if answer.citations:
        lines.append("Bronnen:")
        for c in answer.citations:
            who = f" ({c.speaker})" if c.speaker else ""
            kind = KIND_LABELS_NL.get(c.kind, c.kind)
            lines.append(f'  [{c.n}] {kind}: {c.title}{who} — "{display(c.quote)}"')
    for note in answer.notes:
        if note.startswith("LLM"):
            lines.append(f"(let op: {note})")
    return "\n".join(lines)


@click.command("ask")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Het volledige antwoord als JSON.")
@click.option(
    "--engine", default=None, help="extractive, ollama of openai (standaard: instelling)."
)
@click.pass_obj
def command(obj: Context, question: str, as_json: bool, engine: str | None) -> None:
    """Stel een vraag over het recept; het antwoord citeert letterlijk uit de bron."""
    answer = Assistant.from_settings(obj.settings, engine=engine).ask(question)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_answer(answer))
