"""Sections → chunks: the verbatim passage that is stored and the text that is embedded.

Sections from the structure parser are already the right size (one ingredient, one quote,
one paragraph), so a chunk is a section; only overlong sections are split at sentence ends.

>>> from recept.schema import Section
>>> s = Section("recept", "ingredient", "Doen", 10, 43, "#### *Doen*\\n\\nBlijf niet hangen.",
...             group="groep 1", ordinal=6)
>>> c = chunk_sections([s])[0]
>>> (c.id, c.text == s.text, c.embed_text)
('recept:ingredient:6', True, 'Ingrediënt: Doen. Blijf niet hangen.')
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from ingest.parse.inline import clean_inline
from recept.quotes import split_sentences
from recept.schema import KIND_LABELS_NL, Chunk, Section

# Bump when chunk boundaries or embed texts change: the index is then rebuilt.
CHUNKER_VERSION = "structure-4"
MAX_CHARS = 1200


def body_offset(text: str) -> int:
    """Offset where a chunk's body starts, after leading markdown heading lines.

    >>> t = "#### *Doen*\\n\\nBlijf niet hangen."
    >>> t[body_offset(t):]
    'Blijf niet hangen.'
    """
    m = re.match(r"(?:\s*#{1,6}[^\n]*\n)+\s*", text)
    return m.end() if m and m.end() < len(text) else 0


def embed_text_for(section: Section) -> str:
    """Context for the embedder: the section's label and title, then its plain text."""
    body = clean_inline(section.text[body_offset(section.text) :])
    if section.kind == "ingredient":
        return f"Ingrediënt: {section.title}. {body}"
    if section.kind == "quote":
        return f"Citaat van {section.speaker} ({section.role}): {clean_inline(section.text)}"
    if section.kind == "table":
        # The row's cells with their column headers under the caption: the row line alone
        # ("| Zeeveld | € 5 |") does not say what its numbers are.
        return section.context or clean_inline(section.text)
    if section.kind == "section":
        lead = section.context or section.title
        if not lead or lead in body:
            return body
        return f"{lead}{'' if lead[-1] in '.:?!' else '.'} {body}"
    label = KIND_LABELS_NL.get(section.kind, section.kind)
    # A letter field's context lists all its labels ("telefoon, telefoonnummer, tel.").
    title = f"{section.title} ({section.context})" if section.context else section.title
    return f"{label.capitalize()} — {title}: {clean_inline(section.text)}"


def content_hash(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:20]


def _pieces(section: Section, max_chars: int) -> list[tuple[int, int]]:
    """Split an overlong section at sentence ends into spans of at most ``max_chars``."""
    if len(section.text) <= max_chars:
        return [(0, len(section.text))]
    spans = split_sentences(section.text)
    out: list[tuple[int, int]] = []
    start, end = spans[0]
    for s, e in spans[1:]:
        if e - start > max_chars:
            out.append((start, end))
            start = s
        end = e
    out.append((start, end))
    return out


def chunk_sections(sections: Sequence[Section], *, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """One chunk per section (split further only when longer than ``max_chars``)."""
    chunks: list[Chunk] = []
    for sec in sections:
        pieces = _pieces(sec, max_chars)
        for i, (s, e) in enumerate(pieces):
            part = (
                sec
                if len(pieces) == 1
                else Section(
                    sec.doc_id,
                    sec.kind,
                    sec.title,
                    sec.start + s,
                    sec.start + e,
                    sec.text[s:e],
                    group=sec.group,
                    speaker=sec.speaker,
                    role=sec.role,
                    ordinal=sec.ordinal,
                    context=sec.context,
                )
            )
            suffix = "" if len(pieces) == 1 else f".{i + 1}"
            embed = embed_text_for(part)
            chunks.append(
                Chunk(
                    id=f"{sec.doc_id}:{sec.kind}:{sec.ordinal}{suffix}",
                    doc_id=sec.doc_id,
                    kind=sec.kind,
                    title=sec.title,
                    start=part.start,
                    end=part.end,
                    text=part.text,
                    embed_text=embed,
                    content_hash=content_hash(part.text, embed, str(part.start)),
                    group=sec.group,
                    speaker=sec.speaker,
                    role=sec.role,
                    ordinal=sec.ordinal,
                )
            )
    return chunks
