"""Passages cut from the real corpus, shared by the LLM tests (parse, fake model, real server)."""

from __future__ import annotations

from pathlib import Path

from recept.schema import Chunk, Passage

SOURCE = (Path(__file__).resolve().parents[1] / "corpus" / "recept-voor-de-toekomst.md").read_text(
    encoding="utf-8"
)


def corpus_passage(n: int, title: str, needle: str) -> Passage:
    """The corpus paragraph holding ``needle`` as a chunk with its real offsets."""
    pos = SOURCE.index(needle)
    start = SOURCE.rfind("\n\n", 0, pos) + 2
    end = SOURCE.find("\n\n", pos)
    text = SOURCE[start:end]
    chunk = Chunk(f"c{n}", "recept", "ingredient", title, start, end, text, text, f"h{n}")
    return Passage(chunk, 1.0 - n / 10, rank=n)
