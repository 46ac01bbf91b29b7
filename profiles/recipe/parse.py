"""Structure parser for a provincial letter with an attached "recipe" (the Recept voor de toekomst).

The document is a letter (labelled fields such as *Verzenddatum* and *Kenmerk*, address
blocks and a signature, all found by ``header``; body paragraphs) followed by the recipe:
intro, participants, the working question, ingredients under headings, quotes set between
``---`` rules whose speaker's name follows the quote in bold, then "EN NU?", a closing line
and a colophon.

Everything works on *blocks*: runs of non-blank lines with exact offsets, so every section's
text is ``source[start:end]``. Markdown rules (``---``) are the only text not put in a section.

>>> src = "Kenmerk\\n\\n123/456\\n\\n## EN NU?\\n\\nVerder praten.\\n"
>>> [(s.kind, s.group, s.text) for s in parse_recept("d", src)][:1]
[('letter_meta', 'kenmerk', 'Kenmerk\\n\\n123/456')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.parse.header import field_words, find_fields, uncovered
from ingest.parse.inline import clean_inline
from recept.schema import Section


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines: ``source[start:end]`` == ``text`` (trailing spaces trimmed)."""

    start: int
    end: int
    text: str

    @property
    def heading_level(self) -> int:
        m = re.match(r"(#{1,6})\s", self.text)
        return len(m.group(1)) if m else 0

    @property
    def is_rule(self) -> bool:
        return re.fullmatch(r"\s*(-{3,}|\*{3,}|_{3,})\s*", self.text) is not None


def blocks(source: str) -> list[Block]:
    """Split ``source`` into blocks of non-blank lines with offsets.

    >>> [(b.start, b.text) for b in blocks("a\\nb\\n\\n  \\nc  \\n")]
    [(0, 'a\\nb'), (8, 'c')]
    """
    out: list[Block] = []
    for m in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", source):
        start, end = m.start(), m.end()
        while end > start and source[end - 1].isspace():
            end -= 1
        while start < end and source[start].isspace():
            start += 1
        out.append(Block(start, end, source[start:end]))
    return out


_NAME_LINE = re.compile(r"\*\*([A-Z][\w.'-]*(?:\s+[\w.'-]+){0,4})\*\*")


def _meta(doc_id: str, b: Block, group: str, end: Block | None = None) -> Section:
    last = end or b
    return Section(
        doc_id,
        "letter_meta",
        f"Brief: {group}",
        b.start,
        last.end,
        "",  # filled by _finish
        group=group,
        context=field_words(group),
    )


def _finish(source: str, sections: list[Section]) -> list[Section]:
    """Fill in texts from offsets and number sections per kind."""
    out: list[Section] = []
    counts: dict[str, int] = {}
    for s in sorted(sections, key=lambda s: s.start):
        counts[s.kind] = counts.get(s.kind, 0) + 1
        out.append(replace(s, text=source[s.start : s.end], ordinal=counts[s.kind]))
    return out


def _parse_letter(doc_id: str, bl: list[Block]) -> list[Section]:
    """The letter's blocks that are no labelled field (``header`` finds those): the sender's
    name at the top, the salutation and the body paragraphs."""
    sections: list[Section] = []
    body_n = 0
    for b in bl:
        low = clean_inline(b.text).lower()
        if len(b.text) < 60 and "\n" not in b.text and not b.text.endswith((".", ",")):
            # A short unlabelled line near the top: the sender ("Gedeputeerde Staten").
            sections.append(_meta(doc_id, b, "afzender"))
        elif low.startswith(("geacht", "beste", "aan het college")):
            sections.append(
                Section(doc_id, "letter", "Brief: aanhef", b.start, b.end, "", group="aanhef")
            )
        else:
            body_n += 1
            sections.append(
                Section(
                    doc_id, "letter", f"Brief: alinea {body_n}", b.start, b.end, "", group="tekst"
                )
            )
    return sections


def _uncovered_blocks(source: str, bl: list[Block], fields: list[Section]) -> list[Block]:
    """The parts of ``bl`` no field covers, as blocks."""
    out: list[Block] = []
    for b in bl:
        for s, e in uncovered(source, b.start, b.end, fields):
            out.append(Block(s, e, source[s:e]))
    return out


def _without(source: str, sections: list[Section], fields: list[Section]) -> list[Section]:
    """``sections`` with the text of ``fields`` cut out of them."""
    out: list[Section] = []
    for sec in sections:
        if all(f.end <= sec.start or f.start >= sec.end for f in fields):
            out.append(sec)
            continue
        for s, e in uncovered(source, sec.start, sec.end, fields):
            out.append(replace(sec, start=s, end=e))
    return out


def _quote_at(bl: list[Block], i: int) -> tuple[int, int] | None:
    """(name index, end index) if a quote starts at block i: quote, **Name**, role line."""
    for j in (i + 1, i + 2):
        if j < len(bl) and _NAME_LINE.fullmatch(bl[j].text.strip()):
            if bl[i].heading_level == 0 and not bl[i].text.startswith(("**", "*", "'", '"')):
                return None
            role_i = j + 1 if j + 1 < len(bl) and not bl[j + 1].is_rule else j
            return j, role_i
    return None


def _parse_recipe(doc_id: str, bl: list[Block]) -> list[Section]:
    sections: list[Section] = []
    state = "intro"
    group_n = 0
    i = 0
    while i < len(bl):
        b = bl[i]
        if b.is_rule:
            i += 1
            continue
        q = _quote_at(bl, i)
        if q is not None:
            name_i, end_i = q
            speaker = clean_inline(bl[name_i].text)
            role = clean_inline(bl[end_i].text) if end_i != name_i else ""
            sections.append(
                Section(
                    doc_id,
                    "quote",
                    f"Citaat van {speaker}",
                    b.start,
                    bl[end_i].end,
                    "",
                    speaker=speaker,
                    role=role,
                )
            )
            if state in ("question", "ingredients"):
                state = "ingredients"
                group_n += 1
            i = end_i + 1
            continue
        title = clean_inline(b.text) if b.heading_level else ""
        kind = {
            "intro": "intro",
            "participants": "participants",
            "question": "question",
            "ingredients": "ingredient",
            "outlook": "outlook",
            "colophon": "colophon",
            "address": "address",
            "closing": "closing",
        }[state]
        if b.heading_level:
            low = title.lower()
            if "samenstellers" in low:
                state, kind = "participants", "participants"
            elif low.endswith("?") and state in ("intro", "participants"):
                state, kind = "question", "question"
            elif low in ("en nu?", "en nu", "tot slot", "vervolg"):
                state, kind = "outlook", "outlook"
            elif low.startswith(("colofon", "colophon")):
                state, kind = "colophon", "colophon"
            elif re.match(r"\d+ sterke gemeenten", low):
                state, kind = "closing", "closing"
            elif state in ("colophon", "closing") and b.heading_level == 1:
                state, kind = "address", "address"
            elif state == "ingredients":
                kind = "ingredient"
            # The heading and the blocks under it form one section.
            j = i
            while (
                j + 1 < len(bl)
                and not bl[j + 1].heading_level
                and not bl[j + 1].is_rule
                and _quote_at(bl, j + 1) is None
                and kind in ("ingredient", "closing", "outlook", "question", "participants")
            ):
                j += 1
            if kind == "ingredient":
                sec_title, group = title, f"groep {group_n}"
            elif kind == "closing":
                sec_title, group = title, ""
            else:
                sec_title, group = _TITLES.get(kind, title), ""
            sections.append(
                Section(doc_id, kind, sec_title or title, b.start, bl[j].end, "", group=group)
            )
            i = j + 1
            continue
        sections.append(Section(doc_id, kind, _TITLES.get(kind, kind), b.start, b.end, ""))
        i += 1
    return sections


_TITLES = {
    "intro": "Recept voor de toekomst: inleiding",
    "participants": "De samenstellers van dit recept",
    "question": "Werkvraag: wat is nodig om te functioneren als sterke gemeenten en regio's?",
    "outlook": "EN NU?",
    "colophon": "Colofon",
    "address": "Adres",
}


def _merge_heading_only(source: str, sections: list[Section]) -> list[Section]:
    """A heading with no text of its own (e.g. the intro's titles) joins the next section."""
    out: list[Section] = []
    pending: Section | None = None
    for s in sections:
        if pending is not None and pending.kind == s.kind:
            s = Section(
                s.doc_id,
                s.kind,
                s.title,
                pending.start,
                s.end,
                "",
                group=s.group,
                speaker=s.speaker,
                role=s.role,
            )
            pending = None
        elif pending is not None:
            out.append(pending)
            pending = None
        heading_only = s.kind in ("intro", "colophon", "address") and re.fullmatch(
            r"(#{1,6}[^\n]*\s*)+", source[s.start : s.end]
        )
        if heading_only:
            pending = s
        else:
            out.append(s)
    if pending is not None:
        out.append(pending)
    return out


def recipe_start(bl: list[Block]) -> int:
    """Index of the first heading block: where the attached recipe begins."""
    for i, b in enumerate(bl):
        if b.heading_level:
            return i
    return len(bl)


def parse_recept(doc_id: str, source: str) -> list[Section]:
    """Typed sections of a letter + recipe document, with exact offsets into ``source``.

    The letter's fields (before the recipe, and the addresses on the back page) come from the
    generic letter-header parser; the rest is this document's own structure.
    """
    bl = blocks(source)
    split = recipe_start(bl)
    letter_end = bl[split].start if split < len(bl) else len(source)
    fields = find_fields(doc_id, source, 0, letter_end)
    letter = _parse_letter(doc_id, _uncovered_blocks(source, bl[:split], fields))
    recipe = _merge_heading_only(source, _parse_recipe(doc_id, bl[split:]))
    back = next((s.start for s in recipe if s.kind == "address"), None)
    if back is not None:
        back_fields = find_fields(doc_id, source, back)
        recipe = _without(source, recipe, back_fields)
        fields += back_fields
    return _finish(source, letter + fields + recipe)


def looks_like_recipe(source: str) -> bool:
    """True when ``source`` has the letter + recipe shape this parser understands."""
    sections = parse_recept("probe", source)
    kinds = [s.kind for s in sections]
    return kinds.count("ingredient") >= 3 and "letter_meta" in kinds
