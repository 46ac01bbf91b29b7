"""The API's login: the same ``RECEPT_AUTH`` users as the web page.

Clients send HTTP Basic (``user:password``) or a Bearer token that is ``user:password`` — what
OpenAI SDKs send as ``api_key``. Without RECEPT_AUTH the API is open, like the page.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Awaitable, Callable, Sequence

from fastapi import HTTPException, Request

NEEDS_LOGIN = (
    "Log in met de gebruikersnaam en het wachtwoord van de Recept-assistent "
    "(HTTP Basic, of 'Bearer gebruiker:wachtwoord')."
)


def credentials(header: str) -> tuple[str, str] | None:
    """(user, password) from an Authorization header, or None.

    >>> credentials("Basic " + base64.b64encode(b"griffie:geheim").decode())
    ('griffie', 'geheim')
    >>> credentials("Bearer griffie:geheim"), credentials("Bearer x"), credentials("")
    (('griffie', 'geheim'), None, None)
    """
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "basic":
        try:
            value = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
    elif scheme.lower() != "bearer":
        return None
    user, sep, password = value.partition(":")
    return (user, password) if sep and user else None


def allowed(pairs: Sequence[tuple[str, str]], given: tuple[str, str] | None) -> bool:
    """Constant-time comparison against every known user.

    >>> allowed([("a", "b")], ("a", "b")), allowed([("a", "b")], ("a", "c")), allowed([], None)
    (True, False, False)
    """
    if given is None:
        return False
    ok = False
    for user, password in pairs:
        same_user = secrets.compare_digest(user.encode(), given[0].encode())
        same_password = secrets.compare_digest(password.encode(), given[1].encode())
        ok |= same_user and same_password
    return ok


def require_login(
    pairs: Sequence[tuple[str, str]] | None,
) -> Callable[[Request], Awaitable[None]]:
    """A FastAPI dependency: 401 with a Dutch message unless the request carries a known login.

    Async on purpose: a sync dependency would take a thread from the pool the UI also needs.
    """

    async def check(request: Request) -> None:
        if not pairs:
            return
        if not allowed(pairs, credentials(request.headers.get("authorization", ""))):
            raise HTTPException(
                status_code=401,
                detail=NEEDS_LOGIN,
                headers={"WWW-Authenticate": 'Basic realm="recept", charset="UTF-8"'},
            )

    return check
