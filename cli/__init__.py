"""The ``recept`` command line. Thin: every command builds library objects and formats output.

One module per command group; errors from :mod:`recept.errors` become one Dutch line and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from recept.errors import ReceptError
from recept.settings import Settings


def offline_environment() -> None:
    """Make sure no library reaches for the network (model hubs, analytics, telemetry)."""
    for key, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
    }.items():
        os.environ.setdefault(key, value)


class Context:
    """What every command gets: the settings (env + global flags)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", default=None, help="Overschrijft RECEPT_DATA_DIR.")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None) -> None:
    """Recept-assistent: vragen stellen over 'Recept voor de toekomst' (PNH, 2022)."""
    offline_environment()
    overrides: dict[str, Any] = {}
    if data_dir:
        overrides["data_dir"] = data_dir
    ctx.obj = Context(Settings.load(overrides=overrides))


def _register() -> None:
    # Imported here so `recept --help` stays fast and a broken optional part cannot hide the rest.
    from cli import settings_cmd

    cli.add_command(settings_cmd.settings)
    for name in ("models_cmd", "ingest_cmd", "ask_cmd", "motion_cmd", "eval_cmd", "serve_cmd"):
        try:
            module = __import__(f"cli.{name}", fromlist=["command"])
        except ModuleNotFoundError as exc:
            if exc.name == f"cli.{name}":
                continue
            raise
        cli.add_command(module.command)


_register()


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Afgebroken.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ReceptError as exc:
        click.echo(f"Fout: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Afgebroken.", err=True)
        sys.exit(130)
