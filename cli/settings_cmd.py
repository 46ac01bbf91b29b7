"""`recept settings`: every setting with its environment name, value and help."""

from __future__ import annotations

import click

from cli import Context


@click.command("settings")
@click.pass_obj
def settings(obj: Context) -> None:
    """Toon alle instellingen (omgevingsvariabelen RECEPT_…) met waarde en uitleg."""
    for env, type_name, value, help_text in obj.settings.describe():
        click.echo(f"{env} ({type_name}) = {value!r}\n    {help_text}")
