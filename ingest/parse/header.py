"""The usual fields of a Dutch government letter, each as its own section with exact offsets.

A letter carries its metadata in labelled fields ("Ons kenmerk: Z-2025-1", "Telefoon (023)
514 3143", a bold "**Datum:** 1 mei 2025", a label on its own line with the value in the next
block, a two-column table row "| Kenmerk | 123 |"), in address blocks (a name, a Postbus or a
street, a postcode and a place, possibly spread over lines with blank lines between, as PDF
conversion leaves them) and in a signature after "Hoogachtend" or "Met vriendelijke groet".
This module finds them in any text (Markdown, plain text, text from a PDF) and returns one
``letter_meta`` section per field (the signature: ``letter``, as it reads like the body):
``group`` is the field's canonical Dutch label, ``title`` "Brief: <label>",
``text == source[start:end]``.

Detection is conservative: a label must open its line, bulleted lines are list items, and a
label without a colon only counts when its value has the field's shape (digits for a phone
number, an @ for an e-mail address).

>>> src = "Datum: 1 mei 2025\\nOns kenmerk: Z-12\\n\\nGeachte raad,\\n\\nTekst.\\n"
>>> [(s.group, s.text) for s in find_fields("brief", src)]
[('datum', 'Datum: 1 mei 2025'), ('kenmerk', 'Ons kenmerk: Z-12')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recept.schema import Section

KIND = "letter_meta"
# The signature (greeting, names, offices, often a mandate sentence) reads as prose and is
# searched like the letter's paragraphs, so it keeps the letter's kind.
SIGNATURE_KIND = "letter"

# Labels as letters write them (folded to lower case) → the canonical field. Sources: the
# fields of the model letters of Dutch municipalities, provinces and ministries (Rijkshuisstijl:
# "Ons kenmerk", "Uw kenmerk", "Behandeld door", "Contactpersoon", "Bijlage(n)").
LABELS: dict[str, str] = {
    "afzender": "afzender",
    "van": "afzender",
    "aan": "geadresseerden",
    "geadresseerde": "geadresseerden",
    "geadresseerden": "geadresseerden",
    "adressaat": "geadresseerden",
    "datum": "datum",
    "dagtekening": "datum",
    "verzenddatum": "verzenddatum",
    "verzonden": "verzenddatum",
    "datum verzending": "verzenddatum",
    "ons kenmerk": "kenmerk",
    "kenmerk": "kenmerk",
    "onze referentie": "kenmerk",
    "referentie": "kenmerk",
    "zaaknummer": "kenmerk",
    "documentnummer": "kenmerk",
    "registratienummer": "kenmerk",
    "uw kenmerk": "uw kenmerk",
    "uw referentie": "uw kenmerk",
    "uw brief van": "uw brief van",
    "uw brief": "uw brief van",
    "behandeld door": "behandeld door",
    "behandelaar": "behandeld door",
    "behandelend ambtenaar": "behandeld door",
    "contactpersoon": "behandeld door",
    "inlichtingen bij": "behandeld door",
    "inlichtingen": "behandeld door",
    "telefoon": "telefoon",
    "telefoonnummer": "telefoon",
    "tel.": "telefoon",
    "tel": "telefoon",
    "doorkiesnummer": "telefoon",
    "doorkiesnr.": "telefoon",
    "e-mail": "e-mail",
    "email": "e-mail",
    "e-mailadres": "e-mail",
    "onderwerp": "onderwerp",
    "betreft": "onderwerp",
    "inzake": "onderwerp",
    "bijlage(n)": "bijlage",
    "bijlagen": "bijlage",
    "bijlage": "bijlage",
    "kopie aan": "kopie aan",
    "afschrift aan": "kopie aan",
    "cc": "kopie aan",
    "postadres": "postadres",
    "bezoekadres": "bezoekadres",
    "retouradres": "retouradres",
    "website": "website",
    "internet": "website",
    "kvk-nummer": "kvk-nummer",
    "kvk nummer": "kvk-nummer",
    "kvk": "kvk-nummer",
    "btw-nummer": "btw-nummer",
    "btw nummer": "btw-nummer",
    "iban": "iban",
    "bankrekening": "iban",
}

# Words a reader may use for a field that its labels lack: an address is an "adres".
_MORE_WORDS: dict[str, tuple[str, ...]] = {
    "adres geadresseerde": ("adres", "postadres", "geadresseerde"),
    "postadres": ("adres", "postbus"),
    "bezoekadres": ("adres",),
    "retouradres": ("adres", "postbus"),
    "telefoon": ("telefoonnummer",),
    "e-mail": ("e-mailadres",),
}


def field_words(key: str) -> str:
    """Every label of a field, for the searchable text: a question may use any of them.

    >>> field_words("telefoon")
    'telefoon, telefoonnummer, tel., tel, doorkiesnummer, doorkiesnr.'
    """
    words = [key, *_MORE_WORDS.get(key, ()), *(k for k, v in LABELS.items() if v == key)]
    return ", ".join(dict.fromkeys(words))


# A label without a colon only counts when its value has the field's shape.
_SHAPES: dict[str, re.Pattern[str]] = {
    "telefoon": re.compile(r"[+(]?\d[\d\s()./-]{3,}\d"),
    "e-mail": re.compile(r"\S+@\S+\.\w+"),
    "website": re.compile(r"(?:\[)?(?:https?://|www\.)\S+"),
    "kvk-nummer": re.compile(r"\d[\d\s.]{5,}\d"),
    "btw-nummer": re.compile(r"[A-Z]{2}[\dA-Z.\s]{6,}"),
    "iban": re.compile(r"[A-Z]{2}\d{2}\s?[A-Z]{4}[\d\s]{8,}"),
    "kenmerk": re.compile(r"[\w./-]*\d[\w./-]*(?:\s*/\s*[\w./-]+)*"),
    "uw kenmerk": re.compile(r"[\w./-]*\d[\w./-]*(?:\s*/\s*[\w./-]+)*"),
    "datum": re.compile(r"\d{1,2}[\s./-]+\w+[\s./-]+\d{2,4}"),
    "verzenddatum": re.compile(r"\d{1,2}[\s./-]+\w+\.?[\s./-]+\d{2,4}"),
}

_LABEL_ALT = "|".join(re.escape(k) for k in sorted(LABELS, key=len, reverse=True))
# Optional bold/italic markers around the label and its colon: "**Datum:** 1 mei",
# "**Betreft: Recept**", "Datum 1 mei", "Kenmerk".
_LABEL_LINE = re.compile(
    rf"(?P<open>[*_]{{0,2}})(?P<label>{_LABEL_ALT})(?![\w-])[*_]{{0,2}}[ \t]*"
    rf"(?P<colon>:)?[*_]{{0,2}}[ \t]*(?P<value>.*?)[ \t]*$",
    re.IGNORECASE,
)
_COUNT_ATTACHMENTS = re.compile(r"\d+\s+bijlagen?(?:\(n\))?\s*:?", re.IGNORECASE)
_MONTHS = r"(?:jan|feb|mrt|maart|apr|mei|jun|jul|aug|sep|okt|nov|dec)[a-z]*\.?"
_DATE_LINE = re.compile(rf"\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}\b.{{0,40}}", re.IGNORECASE)
_PAGE_LINE = re.compile(r"(?:pagina\s+)?\d{1,3}\s*(?:\||/|van)\s*\d{1,3}", re.IGNORECASE)
_GREETING = re.compile(
    r"(?:hoogachtend|met\s+(?:vriendelijke|hartelijke|collegiale)\s+groet(?:en)?|"
    r"vriendelijke\s+groet(?:en)?)[ \t]*[,.]?",
    re.IGNORECASE,
)
_ADDRESSEE = re.compile(r"aan\s+(?:de|het|alle)\s+\S", re.IGNORECASE)
_POSTBUS = re.compile(r"postbus\s+\d+", re.IGNORECASE)
_POSTCODE = re.compile(r"\b\d{4}\s?[A-Z]{2}\b")
_POSTCODE_LINE = re.compile(r"\d{4}\s?[A-Z]{2}\s+[A-Z][\w'’ .-]*")
_STREET = re.compile(
    r"[A-Z][\w'’.-]*(?:[ \t]+[\w'’.-]+){0,4}[ \t]+\d{1,5}(?:[ \t-]?[a-zA-Z]{1,2})?"
)
_WEBSITE = re.compile(r"\[?(?:https?://|www\.)[^\s\]]+\]?(?:\([^)\s]*\))?")
_HEADING = re.compile(r"#{1,6}\s")
_BULLET = re.compile(r"(?:[-*•+>]|\d{1,2}[.)])\s")
_FENCE = re.compile(r" {0,3}(?:`{3,}|~{3,})")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_CONTACT_FIELDS = {"telefoon", "e-mail", "website", "kvk-nummer", "btw-nummer", "iban"}
_MAX_VALUE = 80  # a value on its own line: a date, a number, a short title
_MAX_SIGNATURE_BLOCKS = 8
_HEAD_LINES = 25  # lines of a letter's head, where an unlabelled "Aan de …" block is addressees


@dataclass(frozen=True)
class Line:
    """One line of the source: ``source[start:end] == text`` with surrounding blanks trimmed."""

    start: int
    end: int
    text: str
    blank_before: bool  # a blank line separates it from the previous non-blank line


def lines_of(source: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Non-blank lines of ``source[start:end]``, trimmed, outside fenced code.

    >>> [(ln.start, ln.text, ln.blank_before) for ln in lines_of("a \\n\\n  b\\nc")]
    [(0, 'a', False), (6, 'b', True), (8, 'c', False)]
    """
    stop = len(source) if end is None else end
    out: list[Line] = []
    blank = False
    fence = False
    pos = start
    while pos < stop:
        nl = source.find("\n", pos, stop)
        line_end = stop if nl < 0 else nl
        raw = source[pos:line_end]
        if _FENCE.match(raw):
            fence = not fence
            blank = False
        elif not raw.strip():
            blank = True
        elif not fence:
            lead = len(raw) - len(raw.lstrip())
            trail = len(raw.rstrip())
            out.append(Line(pos + lead, pos + trail, raw[lead:trail], blank and bool(out)))
            blank = False
        pos = line_end + 1
    return out


def _plain(text: str) -> str:
    """A line without Markdown emphasis, links and quote markers, for shape tests."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.replace("**", "").replace("__", "").strip("*_> \t").split())


@dataclass(frozen=True)
class _Label:
    key: str
    value: str  # the rest of the line after the label, plain
    colon: bool


def label_of(line: str) -> _Label | None:
    """The field label a line opens with, if any.

    >>> label_of("**Ons kenmerk:** Z-2025-00418")
    _Label(key='kenmerk', value='Z-2025-00418', colon=True)
    >>> label_of("Telefoon (023) 514 3143").key
    'telefoon'
    >>> label_of("Telefoon is bij ons altijd bezet") is None
    True
    >>> label_of("Aan de colleges") is None  # "Aan" without colon is a sentence (or addressees)
    True
    """
    if _HEADING.match(line) or _BULLET.match(line):
        return None
    m = _LABEL_LINE.match(line.lstrip(">").strip())
    if m is None:
        return None
    key = LABELS[m.group("label").lower()]
    value = _plain(m.group("value"))
    colon = m.group("colon") is not None
    if value and not colon and not _aligned_value(m.group("label"), line, value):
        shape = _SHAPES.get(key)
        if shape is None or not shape.fullmatch(value):
            return None
    if not value and not colon and key in ("afzender", "geadresseerden", "kopie aan"):
        # "Van" or "Aan" alone on a line is too common a word to be a label.
        return None
    if not value and len(m.group("label")) < 3:
        return None
    return _Label(key, value, colon)


def _aligned_value(label: str, line: str, value: str) -> bool:
    """A value set in its own column ("Datum     1 mei") or after a label of several words
    ("Behandeld door A. Visser"): a layout, not a sentence that opens with the label's word."""
    gap = re.search(rf"{re.escape(label)}[*_]{{0,2}}(?:\t|  )", line, re.IGNORECASE) is not None
    return gap or (" " in label.strip() and (value[0].isupper() or value[0].isdigit()))


def _table_field(line: str) -> _Label | None:
    """A two-column table row "| Kenmerk | 123 |" whose first cell is a label."""
    if not line.startswith("|"):
        return None
    cells = [c.strip() for c in _CELL_SPLIT.split(line.strip().strip("|"))]
    if len(cells) != 2 or not cells[1] or set(cells[1]) <= set("-: "):
        return None
    label = _plain(cells[0]).rstrip(":").strip().lower()
    key = LABELS.get(label)
    return _Label(key, _plain(cells[1]), True) if key else None


def _field(doc_id: str, key: str, start: int, end: int, source: str) -> Section:
    kind = SIGNATURE_KIND if key == "ondertekening" else KIND
    return Section(
        doc_id,
        kind,
        f"Brief: {key}",
        start,
        end,
        source[start:end],
        group=key,
        context=field_words(key) if kind == KIND else "",
    )


def _is_value(line: Line, lines: Sequence[Line], i: int) -> bool:
    """Whether a line can be the value of a label standing alone on the line before it."""
    plain = _plain(line.text)
    followed_in_block = i + 1 < len(lines) and not lines[i + 1].blank_before
    return (
        0 < len(plain) <= _MAX_VALUE
        and not followed_in_block
        and label_of(line.text) is None
        and not _HEADING.match(line.text)
        and not _GREETING.fullmatch(plain)
        and not plain.lower().startswith(("geacht", "beste "))
    )


def _list_end(lines: Sequence[Line], i: int) -> int:
    """Index past a run of list items starting at ``i`` (an attachment list)."""
    j = i
    while j < len(lines) and _BULLET.match(lines[j].text) and (j == i or not lines[j].blank_before):
        j += 1
    return j


def _address_kind(line: str) -> str:
    """'postbus', 'street', 'postcode' or '' for one line of an address block."""
    plain = _plain(line)
    if _POSTBUS.match(plain):
        return "postbus"
    if _POSTCODE_LINE.fullmatch(plain):
        return "postcode"
    if _STREET.fullmatch(plain) and not re.search(r"\d{4}$", plain):
        return "street"
    return ""


def _one_line_address(line: str) -> bool:
    """'Postbus 3007 | 2001 DA HAARLEM', 'Houtplein 33, 2012 DE Haarlem'."""
    parts = [p.strip() for p in re.split(r"\s*[|,]\s*", _plain(line)) if p.strip()]
    return (
        len(parts) >= 2
        and _address_kind(parts[0]) in ("postbus", "street")
        and any(_POSTCODE_LINE.fullmatch(p) for p in parts[1:])
    )


def _name_line(line: Line) -> bool:
    plain = _plain(line.text)
    return (
        0 < len(plain) <= 60
        and (plain[0].isupper() or plain.lower().startswith(("t.a.v.", "ter attentie")))
        and not plain.endswith((".", ":", ";", "?"))
        and not any(ch.isdigit() for ch in plain)
        and not _HEADING.match(line.text)
        and label_of(line.text) is None
        and not _GREETING.fullmatch(plain)
    )


def _address(lines: Sequence[Line], i: int, taken: set[int]) -> tuple[int, int, str] | None:
    """(first, past-last line index, field) of an address block whose street or Postbus line
    is ``lines[i]``: an optional name line before it and a postcode line after it."""
    text = lines[i].text
    if _one_line_address(text):
        first, last = i, i + 1
        kind = "retouradres" if "|" in text else ""
    elif _address_kind(text) in ("postbus", "street"):
        if i + 1 >= len(lines) or _address_kind(lines[i + 1].text) != "postcode":
            return None
        first, last = i, i + 2
        kind = ""
    else:
        return None
    # Up to three name lines ("Stichting X", "t.a.v. mevrouw Y") right above it; one may
    # stand apart by a blank line, as PDF conversion leaves an envelope window.
    named = False
    while (
        first > 0
        and i - first < 3
        and first - 1 not in taken
        and _name_line(lines[first - 1])
        and (not named or not lines[first].blank_before)
    ):
        first -= 1
        named = True
    if kind:
        return first, last, kind
    contact = any(
        (lab := label_of(lines[j].text)) is not None and lab.key in _CONTACT_FIELDS
        for j in range(last, min(last + 2, len(lines)))
    ) or (last < len(lines) and _WEBSITE.fullmatch(_plain(lines[last].text)) is not None)
    if named and not contact:
        return first, last, "adres geadresseerde"
    return first, last, "postadres" if _POSTBUS.match(_plain(lines[i].text)) else "bezoekadres"


def _signature_end(lines: Sequence[Line], i: int) -> int:
    """Index past the signature that opens at ``lines[i]`` (a greeting): the names and offices
    that follow, up to the next field, heading or paragraph of running text."""
    j = i + 1
    blocks = 0
    while j < len(lines) and blocks < _MAX_SIGNATURE_BLOCKS:
        line = lines[j]
        if _HEADING.match(line.text) or label_of(line.text) or _table_field(line.text):
            break
        if _COUNT_ATTACHMENTS.fullmatch(_plain(line.text)):
            break
        if len(_plain(line.text)) > 130 or (line.blank_before and _BULLET.match(line.text)):
            break
        if line.blank_before:
            blocks += 1
        j += 1
    return j


def find_fields(doc_id: str, source: str, start: int = 0, end: int | None = None) -> list[Section]:
    """Every letter field in ``source[start:end]``, in order, not overlapping.

    >>> src = "Kenmerk\\n\\n123/456\\n\\nGemeente Ede\\nPostbus 9\\n6710 HA Ede\\n"
    >>> [(s.group, s.text) for s in find_fields("d", src)]  # doctest: +NORMALIZE_WHITESPACE
    [('kenmerk', 'Kenmerk\\n\\n123/456'),
     ('adres geadresseerde', 'Gemeente Ede\\nPostbus 9\\n6710 HA Ede')]
    >>> src = "Met vriendelijke groet,\\n\\nDe burgemeester,\\nA. Bos\\n\\nBijlagen:\\n- Rapport"
    >>> [s.group for s in find_fields("d", src)]
    ['ondertekening', 'bijlage']
    """
    lines = lines_of(source, start, end)
    out: list[Section] = []
    taken: set[int] = set()

    def add(key: str, first: int, last: int) -> int:
        out.append(_field(doc_id, key, lines[first].start, lines[last - 1].end, source))
        taken.update(range(first, last))
        return last

    i = 0
    while i < len(lines):
        line = lines[i]
        plain = _plain(line.text)
        alone = (i == 0 or line.blank_before) and (i + 1 >= len(lines) or lines[i + 1].blank_before)
        label = label_of(line.text) or _table_field(line.text)
        address = _address(lines, i, taken) if label is None else None
        if address is not None:
            first, last, key = address
            i = add(key, first, last)
        elif label is not None and label.value:
            i = add(label.key, i, i + 1)
        elif label is not None or (_COUNT_ATTACHMENTS.fullmatch(plain) and alone):
            key = label.key if label is not None else "bijlage"
            nxt = i + 1
            if key == "bijlage" and nxt < len(lines) and _BULLET.match(lines[nxt].text):
                i = add(key, i, _list_end(lines, nxt))
            elif nxt < len(lines) and _is_value(lines[nxt], lines, nxt):
                i = add(key, i, nxt + 1)
            else:
                i = add(key, i, i + 1)  # a label without a value ("Uw kenmerk" left empty)
        elif _GREETING.fullmatch(plain):
            i = add("ondertekening", i, _signature_end(lines, i))
        elif alone and _DATE_LINE.fullmatch(plain):
            i = add("datum", i, i + 1)
        elif alone and _PAGE_LINE.fullmatch(plain):
            i = add("pagina", i, i + 1)
        elif i < _HEAD_LINES and (i == 0 or line.blank_before) and _ADDRESSEE.match(plain):
            # "Aan de colleges …" without a colon: only in the letter's head, as further down
            # it opens a heading or a sentence ("Aan de slag").
            j = i + 1
            while j < len(lines) and not lines[j].blank_before and j - i < 4:
                j += 1
            block = " ".join(_plain(ln.text) for ln in lines[i:j])
            if len(block) <= 200 and not block.endswith((".", "?", "!", ":")):
                i = add("geadresseerden", i, j)
            else:
                i += 1
        elif _WEBSITE.fullmatch(plain.strip("[]")) or _WEBSITE.fullmatch(line.text):
            i = add("website", i, i + 1)
        else:
            i += 1
    return out


def uncovered(source: str, start: int, end: int, taken: Iterable[Section]) -> list[tuple[int, int]]:
    """Trimmed spans of ``source[start:end]`` that no section in ``taken`` covers.

    >>> src = "a b\\nDatum: 1 mei 2025\\nc"
    >>> [src[s:e] for s, e in uncovered(src, 0, len(src), find_fields("d", src))]
    ['a b', 'c']
    """
    spans: list[tuple[int, int]] = []
    pos = start
    for sec in sorted(taken, key=lambda t: t.start):
        if sec.end <= start or sec.start >= end:
            continue
        spans.append((pos, max(pos, sec.start)))
        pos = max(pos, sec.end)
    spans.append((pos, end))
    out = []
    for s, e in spans:
        while s < e and source[s].isspace():
            s += 1
        while e > s and source[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out
