"""Tables in Markdown (``| a | b |`` with a ``|---|`` rule) or aligned plain text (columns
set apart by two or more spaces or a tab, as PDF-to-text leaves them), read row by row.

A question about one cell ("hoeveel betaalt Zeeveld in 2024") needs that cell's row label and
column header next to it, which the row line alone lacks. So every row is described as
"column: cell" pairs under the table's caption; the parser makes that the row's embedded
context while its verbatim text stays the row line.

>>> src = "Tabel 1. Kosten\\n\\n| Gemeente | 2024 |\\n|---|---:|\\n| Zeeveld | € 5 |\\n"
>>> t = find_tables(src)[0]
>>> (t.caption, t.columns, [src[s:e] for s, e, _ in t.rows])
('Tabel 1. Kosten', ['Gemeente', '2024'], ['| Zeeveld | € 5 |'])
>>> describe_row(t, t.rows[0][2])
'Tabel 1. Kosten. Gemeente: Zeeveld; 2024: € 5'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.parse.header import Line, label_of, lines_of

_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_ALIGNED_SPLIT = re.compile(r"\t+|[ \t]{2,}")
_CAPTION_START = re.compile(r"(?:tabel|table|overzicht)\b", re.IGNORECASE)
_MIN_ALIGNED_ROWS = 3  # header + two rows: fewer is more likely a signature or an address
_MAX_CAPTION = 200


@dataclass(frozen=True)
class Table:
    """One table: where its head is (caption, header row, rule) and each body row."""

    head_start: int  # the caption's start, or the header row's
    head_end: int  # end of the rule under the header (Markdown) or of the header row
    caption: str  # plain text, "" when the table has none
    columns: list[str]
    rows: list[tuple[int, int, list[str]]]  # (start, end, cells) per body row


def _plain(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.replace("**", "").replace("__", "").strip("*_ \t").split())


def cells(line: str) -> list[str]:
    """The plain cells of a Markdown table row.

    >>> cells("| **Totaal** | € 1 | |")
    ['Totaal', '€ 1', '']
    """
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [_plain(c) for c in _CELL_SPLIT.split(inner)]


def _caption(lines: Sequence[Line], i: int) -> tuple[int, str]:
    """(start, text) of the caption before the table whose first line is ``lines[i]``."""
    if i == 0 or not lines[i].blank_before:
        return lines[i].start, ""
    prev = lines[i - 1]
    plain = _plain(prev.text)
    bold = prev.text.startswith(("**", "__")) and prev.text.endswith(("**", "__"))
    first_of_block = i - 1 == 0 or lines[i - 1].blank_before
    if (
        first_of_block
        and not prev.text.startswith("#")
        and 0 < len(plain) <= _MAX_CAPTION
        and (bold or _CAPTION_START.match(plain))
    ):
        return prev.start, plain
    return lines[i].start, ""


def _markdown_table(lines: Sequence[Line], i: int) -> tuple[Table, int] | None:
    if i + 1 >= len(lines) or not lines[i].text.startswith("|"):
        return None
    header, rule = lines[i], lines[i + 1]
    if rule.blank_before or not _RULE.fullmatch(rule.text) or "-" not in rule.text:
        return None
    columns = cells(header.text)
    j = i + 2
    rows = []
    while j < len(lines) and not lines[j].blank_before and lines[j].text.startswith("|"):
        rows.append((lines[j].start, lines[j].end, cells(lines[j].text)))
        j += 1
    start, caption = _caption(lines, i)
    return Table(start, rule.end, caption, columns, rows), j


def _aligned_table(lines: Sequence[Line], i: int) -> tuple[Table, int] | None:
    """At least three lines of the same number (>= 3) of columns, in one block."""
    if i > 0 and not lines[i].blank_before:
        return None  # a table starts a block
    width = len(_ALIGNED_SPLIT.split(lines[i].text))
    if width < 3:
        return None
    j = i + 1
    while (
        j < len(lines)
        and not lines[j].blank_before
        and len(_ALIGNED_SPLIT.split(lines[j].text)) == width
    ):
        j += 1
    if j - i < _MIN_ALIGNED_ROWS or (j < len(lines) and not lines[j].blank_before):
        return None
    if any(label_of(ln.text) for ln in lines[i:j]):
        return None
    rows = [
        (ln.start, ln.end, [_plain(c) for c in _ALIGNED_SPLIT.split(ln.text)])
        for ln in lines[i + 1 : j]
    ]
    start, caption = _caption(lines, i)
    columns = [_plain(c) for c in _ALIGNED_SPLIT.split(lines[i].text)]
    return Table(start, lines[i].end, caption, columns, rows), j


def find_tables(source: str, start: int = 0, end: int | None = None) -> list[Table]:
    """Every Markdown or aligned plain-text table in ``source[start:end]``, in order.

    >>> src = "Jaar    Inwoners    Kosten\\n2023    41.000      € 15\\n2024    41.870      € 17\\n"
    >>> t = find_tables(src)[0]
    >>> (t.columns, [r[2] for r in t.rows])
    (['Jaar', 'Inwoners', 'Kosten'], [['2023', '41.000', '€ 15'], ['2024', '41.870', '€ 17']])
    """
    lines = lines_of(source, start, end)
    out: list[Table] = []
    i = 0
    while i < len(lines):
        found = _markdown_table(lines, i) or _aligned_table(lines, i)
        if found is None:
            i += 1
            continue
        table, i = found
        out.append(table)
    return out


def describe_row(table: Table, row: Sequence[str]) -> str:
    """The row as "column: cell" pairs under the caption; empty cells are left out."""
    pairs = []
    for n, cell in enumerate(row):
        if not cell:
            continue
        column = table.columns[n] if n < len(table.columns) else ""
        pairs.append(f"{column}: {cell}" if column else cell)
    body = "; ".join(pairs)
    return f"{table.caption}. {body}" if table.caption else body


def describe_head(table: Table) -> str:
    """The caption and the column headers, for the header row's passage."""
    columns = "; ".join(c for c in table.columns if c)
    head = f"Kolommen: {columns}"
    return f"{table.caption}. {head}" if table.caption else head
