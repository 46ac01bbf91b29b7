"""`recept serve [--host H] [--port P]`: start the web app (loads the index and model first)."""

from __future__ import annotations

import socket
from dataclasses import replace

import click

from cli import Context
from recept.errors import ConfigError


def display_url(host: str, port: int) -> str:
    """The address to print: a wildcard bind is reachable on this machine as 127.0.0.1.

    >>> display_url("0.0.0.0", 7860), display_url("::1", 80)
    ('http://127.0.0.1:7860', 'http://[::1]:80')
    """
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def port_free(host: str, port: int) -> bool:
    """True when nothing listens on ``host:port`` yet (checked before the slow start)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host or "0.0.0.0", port))
        except OSError:
            return False
    return True


def _busy(host: str, port: int) -> ConfigError:
    return ConfigError(
        f"Kan niet starten op {host}:{port}: de poort is al in gebruik of niet beschikbaar. "
        "Kies een andere met --port."
    )


@click.command("serve")
@click.option("--host", default=None, help="Adres om op te luisteren (overschrijft RECEPT_HOST).")
@click.option("--port", type=int, default=None, help="Poort (overschrijft RECEPT_PORT).")
@click.pass_obj
def command(obj: Context, host: str | None, port: int | None) -> None:
    """Start de web-app (vragen, documenten bekijken, motie opstellen)."""
    settings = obj.settings
    if host:
        settings = replace(settings, host=host)
    if port is not None:
        if not 0 < port < 65536:
            raise ConfigError(f"Ongeldige poort: {port}.")
        settings = replace(settings, port=port)

    from server.run import serve
    from ui.app import parse_auth

    parse_auth(settings.auth)  # a bad RECEPT_AUTH or a busy port fails before the slow start
    if not port_free(settings.host, settings.port):
        raise _busy(settings.host, settings.port)
    click.echo("Index en model laden…", err=True)

    def ready() -> None:
        url = display_url(settings.host, settings.port)
        click.echo(f"Recept-assistent draait op {url} (Ctrl-C om te stoppen)")
        click.echo(f"API: {url}/api (schema {url}/api/openapi.json), OpenAI-compatibel: {url}/v1")

    try:
        serve(settings, ready, _busy(settings.host, settings.port))
    except KeyboardInterrupt:
        click.echo("Gestopt.", err=True)
