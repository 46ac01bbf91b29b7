"""Checking that a quote is verbatim in a source text — the gate for everything shown to users.

Matching forgives only what a reader cannot see as a change of words: runs of whitespace,
curly versus straight quote marks, markdown emphasis markers (``*``/``_``) around words, and
non-breaking spaces. The returned offsets always point into the *original* source, so the
quote that is finally shown is ``source[start:end]``, never the caller's string.
"""

from __future__ import annotations

import re

_QUOTE_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)
_IGNORED = set("*_")


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` and return, per output character, its index in the input.

    Whitespace runs become one space; quote marks become straight; ``*`` and ``_`` vanish.

    >>> normalise_with_map("a  *b*")
    ('a b', [0, 1, 4])
    >>> normalise_with_map("\u2018x\u2019")[0]
    "'x'"
    """
    out: list[str] = []
    idx: list[int] = []
    prev_space = True  # also strips leading whitespace
    for i, ch in enumerate(text.translate(_QUOTE_MAP)):
        if ch in _IGNORED:
            continue
        if ch.isspace():
            if prev_space:
                continue
            out.append(" ")
            idx.append(i)
            prev_space = True
            continue
        out.append(ch)
        idx.append(i)
        prev_space = False
    if out and out[-1] == " ":
        out.pop()
        idx.pop()
    return "".join(out), idx


def normalise(text: str) -> str:
    """The normalised form used for comparison.

    >>> normalise("  Ken   *jezelf*\\n")
    'Ken jezelf'
    """
    return normalise_with_map(text)[0]


def find_verbatim(quote: str, source: str) -> tuple[int, int] | None:
    """Offsets ``(start, end)`` of ``quote`` in ``source``, or None if it is not there verbatim.

    >>> src = "Bouw aan  onderlinge relaties, persoonlijk contact en vertrouwen."
    >>> s, e = find_verbatim("onderlinge relaties, persoonlijk contact", src)
    >>> src[s:e]
    'onderlinge relaties, persoonlijk contact'
    >>> find_verbatim("onderlinge relaties en geld", src) is None
    True
    >>> find_verbatim("   ", src) is None
    True
    """
    nq = normalise(quote)
    if len(nq) < 2:
        return None
    ns, mapping = normalise_with_map(source)
    pos = ns.find(nq)
    if pos < 0:
        return None
    return mapping[pos], mapping[pos + len(nq) - 1] + 1


def is_verbatim(quote: str, source: str) -> bool:
    """True when ``quote`` occurs verbatim (modulo whitespace/quote marks) in ``source``."""
    return find_verbatim(quote, source) is not None


# A line that starts with a number and a stop ("1." "2)"): a numbered paragraph, such as a
# member of an article. Two digits at most, so a year opening a line is no number. Lettered
# items and bullets stay with the sentence that introduces them ("… als volgt: - …; - …"):
# a list is quoted whole, as before.
_NUMBERED = re.compile(r"^[ \t]*(\d{1,2}[.)])[ \t]+", re.MULTILINE)
_SENT_END = re.compile(r"(?<=[.!?])([\"'\u2019\u201d]?)\s+(?=[A-Z\u00c0-\u00de'\"\u2018\u201c(])")


# Titles and abbreviations written with a full stop inside a sentence in Dutch and English
# letters (aanhef, ondertekening, verwijzingen), lower-cased without the stop. Initials
# ("H.J.") are recognised by their form.
_ABBREVIATIONS = frozenset(
    [
        "drs",
        "dr",
        "mr",
        "ir",
        "ing",
        "prof",
        "mw",
        "mevr",
        "dhr",
        "mrs",
        "ms",
        "st",
        "nr",
        "art",
        "bijv",
        "bv",
        "ca",
        "resp",
        "jl",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "o.a",
        "m.b.t",
        "t.a.v",
        "d.w.z",
    ]
)
_LAST_WORD = re.compile(r"(?:^|[\s(])([^\s(]+)\.$")
_INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")
_MARKER_ONLY = re.compile(r"(?:^|\n)[ \t]*(?:[a-z]|[ivx]{1,4})\.$")


def _no_end(before: str) -> bool:
    """Whether the full stop ending ``before`` belongs to a title or initials.

    >>> _no_end("ondertekend door drs."), _no_end("door H.J."), _no_end("een zin.")
    (True, True, False)
    """
    if _MARKER_ONLY.search(before):  # "b." opening a lettered item: the item goes on
        return True
    m = _LAST_WORD.search(before)
    if m is None:
        return False
    word = m.group(1).strip("*_")
    return word.lower() in _ABBREVIATIONS or bool(_INITIALS.fullmatch(word))


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text`` (shifted by ``offset``), trimmed of whitespace.

    Splits after . ! ? when followed by whitespace and a capital or opening quote; keeps
    abbreviations like "bv." inside a sentence only when the next word is lower-case.

    >>> t = "Lees je in, ken elkaars wereld. Zo kom je verder."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Lees je in, ken elkaars wereld.', 'Zo kom je verder.']

    A title or initials before a name end no sentence:

    >>> t = "De secretaris, drs. H.J. (Hans) van der Plas. Mr. A. Jansen tekent."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['De secretaris, drs. H.J. (Hans) van der Plas.', 'Mr. A. Jansen tekent.']

    A numbered paragraph (an article's member) is a unit of its own, with its number; the
    lettered items of a list stay with the sentence that introduces them:

    >>> t = "1. Wij spreken af:\\na. de raad krijgt een rapport;\\nb. Dat is zo.\\n2. Dit lid"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['1. Wij spreken af:\\na. de raad krijgt een rapport;\\nb. Dat is zo.', '2. Dit lid']
    """
    spans: list[tuple[int, int]] = []
    # A numbered paragraph starts a new unit, whatever ended the line before it.
    items = {m.start(1): m.end() for m in _NUMBERED.finditer(text)}
    cuts = [c for c in items if c > 0]
    for lo, hi in zip([0, *cuts], [*cuts, len(text)], strict=True):
        start = lo
        # The marker's own full stop ("1. Iedere …") ends no sentence.
        for m in _SENT_END.finditer(text, items.get(lo, lo), hi):
            if _no_end(text[start : m.start()]):
                continue
            spans.append((start, m.start() + len(m.group(1))))  # keep a closing quote mark
            start = m.end()
        spans.append((start, hi))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s + offset, e + offset))
    return out


def display(text: str) -> str:
    """A quote as shown inline: markdown emphasis removed, whitespace collapsed.

    >>> display("**Hanneke  Schipper**\\n\\nDirecteur")
    'Hanneke Schipper Directeur'
    >>> display("georganiseerd door [Provincie Noord-Holland](#).")
    'georganiseerd door Provincie Noord-Holland.'
    """
    text = _LINK.sub(r"\1", text)  # the link's words are the text; its target is markup
    return " ".join(text.replace("**", "").replace("*", " ").split())


_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\s]*\)")
