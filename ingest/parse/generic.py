"""Heading-aware sections for any document (the recipe has its own, richer parser).

Headings are markdown ``#`` lines; in documents without those, "title-like" lines: a short
line between blank lines that is ALL CAPS, numbered ("2.1 Aanpak") or a short Title line
followed by real prose. Detection is deliberately conservative: a missed heading only costs
a less precise title, a false one splits a section in a strange place.

Letter fields (``header``), table rows (``tables``) and quotes with their speaker
(``attribution``) become sections of their own; each heading starts a section, which is cut
into pieces of at most ``max_chars``,
preferably at blank lines, then at sentence ends, then at line breaks, and never inside a
word. Pieces are trimmed of surrounding whitespace and cover every other character, so
``text[s.start:s.end] == s.text`` and nothing but whitespace is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ingest.parse.attribution import find_quotes
from ingest.parse.header import find_fields, label_of, uncovered
from ingest.parse.tables import describe_head, describe_row, find_tables
from recept.schema import Section

_WS = re.compile(r"\s+")
_NON_WS = re.compile(r"\S")
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?[ \t]+(\S.*)$")
_BULLETS = tuple("-*•–—+>|")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*•–+]|\d{1,2}[.)])[ \t]")
_SENTENCE_END = ".!?…"
_CLOSERS = "\"')]»”’"
_NO_TITLE_END = ".,;:!?"

# Break strengths, strongest first wins (within the preferred fill range).
_PARAGRAPH, _SENTENCE, _LINE, _WORD = 3, 2, 1, 0


@dataclass(frozen=True)
class Heading:
    start: int  # offset of the heading line in the text
    level: int  # 1 = top level
    title: str  # without markdown markers


def parse_generic(doc_id: str, text: str, *, max_chars: int = 1200) -> list[Section]:
    """Split ``text`` into heading-delimited pieces of at most ``max_chars`` characters, with
    letter fields, table rows and quotes as sections of their own.

    >>> text = "# Doel\\n\\nSterke gemeenten.\\n\\n## Aanpak\\n\\nSamen met de regio.\\n"
    >>> for s in parse_generic("nota", text):
    ...     print(s.ordinal, repr(s.title), repr(s.group), repr(s.text), s.start, s.end)
    1 'Doel' 'Doel' '# Doel\\n\\nSterke gemeenten.' 0 25
    2 'Aanpak' 'Doel' '## Aanpak\\n\\nSamen met de regio.' 27 57
    >>> [(s.kind, s.group or s.speaker) for s in parse_generic("brief", "Kenmerk: 12\\n\\nTekst.")]
    [('letter_meta', 'kenmerk'), ('section', '')]
    >>> parse_generic("leeg", " \\n\\n ")
    []
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    structure = structural_sections(doc_id, text)
    headings = [h for h in find_headings(text) if not _inside(h.start, structure)]
    top_level = min((h.level for h in headings), default=1)
    doc_title = headings[0].title if headings and headings[0].level == top_level else ""
    regions: list[tuple[int, int, str, str, str]] = []  # start, end, title, group, path
    if not headings or headings[0].start > 0:
        regions.append((0, headings[0].start if headings else len(text), "", "", ""))
    group = ""
    path: list[Heading] = []
    for i, heading in enumerate(headings):
        if heading.level == top_level:
            group = heading.title
        path = [h for h in path if h.level < heading.level] + [heading]
        end = headings[i + 1].start if i + 1 < len(headings) else len(text)
        trail = " › ".join(h.title for h in path)
        regions.append((heading.start, end, heading.title, group, trail))

    pieces: list[Section] = []
    for start, end, title, group, trail in regions:
        inside = [s for s in structure if start <= s.start < end]
        for sec in inside:
            context = sec.context
            if sec.kind == "table":
                context = join_context(trail, sec.context)
            elif sec.kind == "letter_meta" and doc_title:
                # Which letter a field belongs to, when several letters are indexed.
                context = f"{sec.context}; {doc_title}"
            for s, e in split_spans(text, sec.start, sec.end, max_chars):
                pieces.append(
                    replace(
                        sec,
                        title=sec.title or title,
                        group=sec.group or (group if sec.kind != "letter_meta" else ""),
                        start=s,
                        end=e,
                        text=text[s:e],
                        context=context,
                    )
                )
        for a, b in uncovered(text, start, end, inside):
            for s, e in split_spans(text, a, b, max_chars):
                lead_in = _lead_in(text, start, s)
                context = join_context(trail, lead_in)
                pieces.append(
                    Section(doc_id, "section", title, s, e, text[s:e], group=group, context=context)
                )
    return number_per_kind(sorted(pieces, key=lambda s: s.start))


def structural_sections(doc_id: str, text: str) -> list[Section]:
    """Letter fields, table rows (and each table's caption with its header row) and quotes,
    in order and not overlapping; a later finder yields to an earlier one."""
    found: list[Section] = list(find_fields(doc_id, text))
    for table in find_tables(text):
        head = Section(
            doc_id,
            "table",
            table.caption,
            table.head_start,
            table.head_end,
            text[table.head_start : table.head_end],
            context=describe_head(table),
        )
        rows = [
            Section(doc_id, "table", table.caption, s, e, text[s:e], context=describe_row(table, c))
            for s, e, c in table.rows
        ]
        found.extend(_not_overlapping([head, *rows], found))
    found.extend(_not_overlapping(find_quotes(doc_id, text), found))
    return sorted(found, key=lambda s: s.start)


def _not_overlapping(new: list[Section], taken: list[Section]) -> list[Section]:
    return [n for n in new if all(n.end <= t.start or n.start >= t.end for t in taken)]


def join_context(*parts: str) -> str:
    """Parts of a context as sentences.

    >>> join_context("Risico's", "", "Wij zien deze risico's:")
    "Risico's. Wij zien deze risico's:"
    """
    out = ""
    for part in (p.strip() for p in parts):
        if part:
            out = f"{out}{'' if not out or out[-1] in '.:?!' else '.'} {part}".strip()
    return out


def _inside(offset: int, sections: list[Section]) -> bool:
    return any(s.start <= offset < s.end for s in sections)


def number_per_kind(sections: list[Section]) -> list[Section]:
    """Ordinals count per kind (1-based), so chunk ids ``doc:kind:n`` are stable and unique."""
    counts: dict[str, int] = {}
    out = []
    for s in sections:
        counts[s.kind] = counts.get(s.kind, 0) + 1
        out.append(replace(s, ordinal=counts[s.kind]))
    return out


def _lead_in(text: str, region_start: int, start: int) -> str:
    """The sentence that introduces a list ("… de volgende taken uit:") when the piece at
    ``start`` continues that list without it.

    >>> t = "Wij doen drie dingen:\\n\\n- een;\\n- twee;\\n- drie."
    >>> _lead_in(t, 0, t.index("- twee"))
    'Wij doen drie dingen:'
    >>> _lead_in(t, 0, 0)
    ''
    """
    if not _LIST_ITEM.match(text, start):
        return ""
    before = [ln.strip() for ln in text[region_start:start].split("\n") if ln.strip()]
    for line in reversed(before):
        if line.endswith(":") and not _LIST_ITEM.match(line):
            return _clean(line.rsplit(". ", 1)[-1])
        if not (_LIST_ITEM.match(line) or line[:1].islower()):
            return ""
    return ""


def find_headings(text: str) -> list[Heading]:
    """Markdown headings if the text has any, else conservative title-like lines.

    >>> [(h.level, h.title) for h in find_headings("# A\\n\\n```\\n# code\\n```\\n## **B** ##")]
    [(1, 'A'), (2, 'B')]
    >>> report = "INLEIDING\\n\\nDit rapport gaat over wonen.\\n\\n2.1 Aanpak\\n\\nWe bouwen."
    >>> [(h.start, h.level, h.title) for h in find_headings(report)]
    [(0, 1, 'INLEIDING'), (41, 2, '2.1 Aanpak')]
    >>> find_headings("Met vriendelijke groet\\n\\nGedeputeerde Staten\\n")
    []
    """
    lines: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1

    markdown = _markdown_headings(lines)
    # A document that uses markdown headings says where its headings are: trust only those.
    return markdown if markdown else _title_like_headings(lines)


def _markdown_headings(lines: list[tuple[int, str]]) -> list[Heading]:
    headings: list[Heading] = []
    fence = ""
    for start, line in lines:
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if not fence:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = ""
            continue
        if fence:
            continue  # "# comment" inside a code block is not a heading
        match = _MD_HEADING.match(line)
        if match:
            title = _clean(match.group(2))
            if title:
                headings.append(Heading(start, len(match.group(1)), title))
    return headings


def _title_like_headings(lines: list[tuple[int, str]]) -> list[Heading]:
    headings: list[Heading] = []
    for i, (start, line) in enumerate(lines):
        if not line.strip() or label_of(line.strip()) is not None:
            continue  # a letter field's label ("Uw kenmerk") is no heading
        if i > 0 and lines[i - 1][1].strip():
            continue  # must follow a blank line (or start the text)
        if i + 1 >= len(lines) or lines[i + 1][1].strip():
            continue  # must be followed by a blank line
        following = _next_block(lines, i + 2)
        if not following:
            continue  # a last short line is a signature or page number, not a heading
        level = _title_level(line.strip(), following)
        if level:
            headings.append(Heading(start, level, _clean(line)))
    return headings


def _next_block(lines: list[tuple[int, str]], i: int) -> list[str]:
    while i < len(lines) and not lines[i][1].strip():
        i += 1
    block: list[str] = []
    while i < len(lines) and lines[i][1].strip():
        block.append(lines[i][1].strip())
        i += 1
    return block


def _title_level(line: str, following: list[str]) -> int:
    """The heading level of a stand-alone line, or 0 if it does not look like a title."""
    if len(line) > 80 or line.startswith(_BULLETS):
        return 0
    letters = [ch for ch in line if ch.isalpha()]
    if len(letters) < 2:
        return 0
    words = line.split()
    if all(ch.isupper() for ch in letters) and len(words) <= 12:
        # "EN NU?" is a heading; a trailing comma or colon means the line continues.
        return 0 if line[-1] in ".,;:" else 1
    if line[-1] in _NO_TITLE_END:
        return 0
    numbered = _NUMBERED.match(line)
    if numbered:
        rest = numbered.group(2)
        if rest[0].isupper() and len(rest.split()) <= 10:
            return numbered.group(1).count(".") + 1
        return 0
    if not line[0].isupper() or len(words) > 8 or len(line) > 60 or ". " in line:
        return 0
    # A plain Title line only counts when real prose follows: several lines, a long line
    # or a sentence. Otherwise it is likely an address line, a name or a list of terms.
    first = following[0]
    if len(following) >= 2 or len(first) > 80 or first[-1] in _SENTENCE_END + ":;":
        return 2
    return 0


def _clean(raw: str) -> str:
    return " ".join(raw.replace("*", "").split())


def split_spans(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """Trimmed, non-overlapping spans covering the non-whitespace of ``text[start:end]``.

    Each span is at most ``max_chars`` long unless it is a single word. Prefers to break at
    the strongest boundary (blank line > sentence end > line break > space) that still
    fills at least a quarter of ``max_chars``.

    >>> t = "Een. Twee drie.\\n\\nVier vijf zes zeven."
    >>> [t[s:e] for s, e in split_spans(t, 0, len(t), 20)]
    ['Een. Twee drie.', 'Vier vijf zes zeven.']
    >>> [t[s:e] for s, e in split_spans(t, 0, len(t), 8)]
    ['Een.', 'Twee', 'drie.', 'Vier', 'vijf zes', 'zeven.']
    >>> list(split_spans("  abcdefghij  ", 0, 14, 4))
    [(2, 12)]
    """
    first = _NON_WS.search(text, start, end)
    if first is None:
        return
    p = first.start()
    end = _last_non_ws(text, p, end)
    min_fill = max_chars // 4
    while True:
        if end - p <= max_chars:
            yield p, end
            return
        window_end = p + max_chars + 1  # a break at ws <= p + max_chars keeps the piece short
        best: tuple[bool, int, int] | None = None
        best_run = (0, 0)
        for match in _WS.finditer(text, p, window_end):
            ws = match.start()
            # The window may cut a run short; measure it fully (runs never reach `end`).
            run_end = match.end() if match.end() < window_end else _run_end(text, ws)
            key = (ws - p >= min_fill, _strength(text, ws, run_end), ws)
            if best is None or key > best:
                best, best_run = key, (ws, run_end)
        if best is None:
            # One word longer than max_chars: keep it whole rather than cut it.
            next_space = _WS.search(text, p, end)
            if next_space is None:
                yield p, end
                return
            best_run = next_space.span()
        yield p, best_run[0]
        p = best_run[1]


def _last_non_ws(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _run_end(text: str, ws: int) -> int:
    match = _WS.match(text, ws)
    return match.end() if match else ws


def _strength(text: str, ws: int, run_end: int) -> int:
    newlines = text.count("\n", ws, run_end)
    if text[ws - 1] == ":" and _LIST_ITEM.match(text, run_end):
        return _WORD  # a list stays with the sentence that introduces it
    if newlines >= 2:
        return _PARAGRAPH
    before = text[ws - 1]
    if before in _CLOSERS and ws >= 2:
        before = text[ws - 2]
    if before in _SENTENCE_END:
        return _SENTENCE
    return _LINE if newlines else _WORD
