"""`recept models build|list`: make the embedding model available and show what is present.

Nothing is downloaded: e5-small is converted from installed packages (and, for the default
ONNX runtime, exported to ONNX and checked against torch), the others are folders.
"""

from __future__ import annotations

import time

import click

from cli import Context
from ingest.embed.e5build import build_e5_small
from ingest.embed.embedder import ModelSpec, known_models, resolve_model
from ingest.embed.onnx import export_onnx, is_exported


@click.group("models")
def models() -> None:
    """Embeddingmodellen bouwen en bekijken (er wordt niets gedownload)."""


@models.command("build")
@click.option(
    "--force",
    is_flag=True,
    help="Ook opnieuw bouwen en exporteren als het model al aanwezig is.",
)
@click.pass_obj
def build(obj: Context, force: bool) -> None:
    """Bouw het ingestelde embeddingmodel (RECEPT_EMBEDDING_MODEL) als dat nodig is."""
    spec = resolve_model(obj.settings)
    if not spec.buildable:
        click.echo(f"Model '{spec.name}' hoeft niet gebouwd te worden: {spec.path}")
        return
    if spec.present and not force:
        click.echo(f"Model '{spec.name}' is al aanwezig: {spec.path}")
    else:
        start = time.perf_counter()
        build_e5_small(spec.path, force=force)
        seconds = time.perf_counter() - start
        click.echo(f"Model '{spec.name}' gebouwd in {seconds:.1f} s: {spec.path}")
    if obj.settings.encoder_runtime == "onnx":
        _export(spec, force)


def _export(spec: ModelSpec, force: bool) -> None:
    if is_exported(spec.path) and not force:
        click.echo(f"ONNX-export is al aanwezig: {spec.path / 'onnx'}")
        return
    start = time.perf_counter()
    path = export_onnx(spec.path, force=force)
    seconds = time.perf_counter() - start
    click.echo(f"ONNX-export gemaakt en gecontroleerd in {seconds:.1f} s: {path}")


@models.command("list")
@click.pass_obj
def list_models(obj: Context) -> None:
    """Toon de bekende embeddingmodellen en of ze aanwezig zijn (* = ingesteld)."""
    configured = obj.settings.embedding_model
    for name, spec in known_models(obj.settings):
        mark = "*" if name == configured else " "
        if spec is None:
            click.echo(f"{mark} {name}: ontbreekt (pakket of map niet gevonden)")
            continue
        if spec.present:
            state = "aanwezig"
            if spec.buildable:
                state += ", ONNX-export " + ("aanwezig" if is_exported(spec.path) else "ontbreekt")
        elif spec.buildable:
            state = "nog niet gebouwd (`recept models build`)"
        else:
            state = "ontbreekt"
        click.echo(f"{mark} {name}: {state}  {spec.path}")


command = models
