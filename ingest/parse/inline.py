"""Inline markup of converted documents: what a heading or a bold line says in plain text."""

from __future__ import annotations

import re


def clean_inline(text: str) -> str:
    """Plain text of a heading or bold line: markdown markers and links removed.

    >>> clean_inline("#### *Zet de opgaven centraal*")
    'Zet de opgaven centraal'
    >>> clean_inline("[Provincie Noord-Holland](#) stond")
    'Provincie Noord-Holland stond'
    """
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*#{1,6}\s*", "", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<![\w])[*_]|[*_](?![\w])", "", text)
    return re.sub(r"\s+", " ", text).strip()
