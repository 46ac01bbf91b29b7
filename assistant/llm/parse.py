"""Checking an LLM's answer: only quotes that are verbatim in a retrieved passage survive.

``parse_answer`` takes the model's raw text and the passages it was shown:

1. strip HTML (script/style blocks with their content) and markdown links;
2. normalise markers (``[1, 2]`` → ``[1][2]``, ``[bron 2]`` → ``[2]``);
3. per line, per sentence (never splitting inside a quote): attach each quote to the nearest
   marker after it, else before it; verify it with ``cite`` against the passage that marker
   names, else against the other passages (re-pointed, noted in ``dropped``), else remove the
   quote and its marker (and the whole sentence when what is left dangles);
4. drop markers that name no passage or carry no verified quote;
5. renumber the remaining markers as citations 1..m in order of first appearance.

Quoted spans of one word are treated as ordinary text (scare quotes), never as citations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from assistant.answering.cite import cite
from recept.errors import LLMError
from recept.schema import Chunk, Citation, Passage

NO_SOURCES = "LLM gaf geen controleerbare bronnen"
MIN_QUOTE_WORDS = 2  # shorter quoted spans are scare quotes, not citations
MIN_SINGLE_QUOTE_WORDS = 4  # '…' is also an apostrophe; only longer spans count as quotes


@dataclass
class LLMDraft:
    """An LLM answer after verification: every marker [k] in ``text`` is ``citations[k-1]``."""

    text: str
    citations: list[Citation]
    dropped: list[str] = field(default_factory=list)  # what was removed or re-pointed, and why
    notes: list[str] = field(default_factory=list)  # how it was made (context, shape, reading)


@dataclass(frozen=True)
class Quote:
    start: int  # offset of the opening mark
    end: int  # offset after the closing mark
    text: str  # between the marks


@dataclass(frozen=True)
class Marker:
    start: int
    end: int
    n: int


# ---------------------------------------------------------------------------- cleaning

_BLOCK = re.compile(r"<(script|style|iframe|object|template)\b.*?(?:</\1\s*>|\Z)", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|</?[A-Za-z][^<>\n]*\Z")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_PRIVATE = re.compile("[\ue000-\uf8ff]")  # we use these as placeholders


def strip_html(text: str) -> str:
    """Remove HTML tags (and script/style blocks whole) and markdown links/images.

    >>> strip_html('Zie <b>dit</b><script>alert(1)</script> en [hier](javascript:x).')
    'Zie dit en hier.'
    >>> strip_html("a < b, maar <i")
    'a < b, maar '
    """
    text = _BLOCK.sub("", text)
    text = _COMMENT.sub("", text)
    text = _TAG.sub("", text)
    text = _MD_IMAGE.sub("", text)
    return _MD_LINK.sub(r"\1", text)


_MARKER_GROUP = re.compile(
    r"\[\s*(?:(?:passages?|bron(?:nen)?|sources?|passage nr\.?)\s*)?"
    r"(\d{1,3}(?:\s*(?:,|;|&|en|and)\s*\d{1,3})*)\s*\]",
    re.I,
)
_MARKER = re.compile(r"\[(\d{1,3})\]")


def normalise_markers(text: str) -> str:
    """Rewrite marker variants as single ``[n]`` markers.

    >>> normalise_markers("zie [1, 3] en [Bron 2] of [passage 04]")
    'zie [1][3] en [2] of [4]'
    """
    return _MARKER_GROUP.sub(
        lambda m: "".join(f"[{int(n)}]" for n in re.findall(r"\d+", m.group(1))), text
    )


def find_markers(text: str) -> list[Marker]:
    """Markers ``[n]`` with their offsets.

    >>> [(m.start, m.n) for m in find_markers('"a b" [2] en [10]')]
    [(6, 2), (13, 10)]
    """
    return [Marker(m.start(), m.end(), int(m.group(1))) for m in _MARKER.finditer(text)]


# ---------------------------------------------------------------------------- quotes

# Curly/low/guillemet pairs first: their inner text may hold straight quotes.
_CURLY = re.compile(
    r"[\u201c\u201e\u00ab]([^\u201c\u201d\u201e\u00ab\u00bb\n]+)[\u201d\u201c\u00bb]"
)
_STRAIGHT = re.compile(r'"([^"\n]+)"')
_SINGLE = re.compile(r"(?<!\w)['\u2018](?=\w)(.+?)(?<=\S)['\u2019](?!\w)")
_WORD = re.compile(r"\w+")


def _outside(spans: list[Quote], start: int, end: int) -> bool:
    return all(end <= q.start or start >= q.end for q in spans)


def find_quotes(text: str) -> list[Quote]:
    """Quoted spans on one line: "…", “…”, „…“, «…», and '…' / ‘…’ of at least four words.

    >>> [q.text for q in find_quotes('Zo: "Ken jezelf" en „Niemand kan alles“.')]
    ['Ken jezelf', 'Niemand kan alles']
    >>> [q.text for q in find_quotes("In regio's 'ken elkaars wereld goed' en 'Doen'")]
    ['ken elkaars wereld goed']
    >>> [q.text for q in find_quotes('“Begin of je "dezelfde taal" spreekt”')]
    ['Begin of je "dezelfde taal" spreekt']
    """
    found: list[Quote] = []
    for pattern in (_CURLY, _STRAIGHT):
        for m in pattern.finditer(text):
            if _outside(found, m.start(), m.end()):
                found.append(Quote(m.start(), m.end(), m.group(1)))
    for m in _SINGLE.finditer(text):
        if len(_WORD.findall(m.group(1))) >= MIN_SINGLE_QUOTE_WORDS and _outside(
            found, m.start(), m.end()
        ):
            found.append(Quote(m.start(), m.end(), m.group(1)))
    return sorted(found, key=lambda q: q.start)


def _open_quote_at(text: str, quotes: list[Quote]) -> int:
    """Offset of the first quote mark that opens a quote not closed yet, else len(text)."""
    for i, ch in enumerate(text):
        if not _outside(quotes, i, i + 1):
            continue
        if ch in '"\u201c\u201e\u00ab':
            return i
        if (
            ch in "'\u2018"
            and (i == 0 or not text[i - 1].isalnum())
            and i + 1 < len(text)
            and text[i + 1].isalnum()
        ):
            return i
    return len(text)


# ---------------------------------------------------------------------------- sentences

# A sentence ends at . ! ? (plus closing marks and its markers) before a capital or a quote.
_SENT_END = re.compile(
    r"[.!?\u2026]+[\"'\u2019\u201d\u00bb)*]*(?:\s*\[\d{1,3}\])*"
    r"\s+(?=[A-Z\u00c0-\u00de\"'\u2018\u201c\u201e(*])"
)
_LINE_PREFIX = re.compile(r"^\s*(?:[-*\u2022+]\s+|\d{1,2}[.)]\s+|#{1,6}\s+|>\s*)?")


def sentence_spans(line: str) -> list[tuple[int, int]]:
    """Sentence spans of one line; a sentence end inside a quote does not split.

    >>> t = 'Zo staat het er. "Lees je in. Zo kom je verder." [1] Goed.'
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['Zo staat het er.', '"Lees je in. Zo kom je verder." [1]', 'Goed.']
    """
    quotes = find_quotes(line)
    cuts = [0]
    for m in _SENT_END.finditer(line):
        if all(not (q.start < m.end() < q.end) for q in quotes):
            cuts.append(m.end())
    cuts.append(len(line))
    spans = []
    for s, e in zip(cuts, cuts[1:], strict=False):
        while s < e and line[s].isspace():
            s += 1
        while e > s and line[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def stable_prefix(text: str) -> int:
    """End of the longest prefix of a growing answer that holds only complete sentences.

    Complete lines are stable; within the last line, a sentence counts once the next one has
    begun, and never past a quote that is still open.

    >>> t = 'Eerst dit. "Blijf niet hangen" [1]. Dan "nog. Meer'
    >>> t[: stable_prefix(t)]
    'Eerst dit. "Blijf niet hangen" [1]. '
    >>> stable_prefix("Nog bezig")
    0
    """
    line_start = text.rfind("\n") + 1
    line = text[line_start:]
    quotes = find_quotes(line)
    limit = _open_quote_at(line, quotes)
    best = 0
    for m in _SENT_END.finditer(line):
        if m.end() <= limit and all(not (q.start < m.end() < q.end) for q in quotes):
            best = m.end()
    return line_start + best


# ---------------------------------------------------------------------------- verification


def _variants(quote: str) -> list[str]:
    """The quote, then without ellipses at its ends, then without trailing punctuation.

    >>> _variants("…Ken jezelf.")
    ['…Ken jezelf.', 'Ken jezelf.', 'Ken jezelf']
    """
    q = quote.strip()
    out = [q]
    q = re.sub(r"^(?:\.\.\.|\u2026)\s*|\s*(?:\.\.\.|\u2026)$", "", q).strip()
    out.append(q)
    out.append(q.rstrip(".,;:!? ").strip())
    seen: list[str] = []
    for v in out:
        if v and v not in seen:
            seen.append(v)
    return seen


def verify_quote(quote: str, n: int | None, chunks: Sequence[Chunk]) -> Citation | None:
    """A Citation (``n`` = passage number) for ``quote``: in passage ``n`` first, then the others.

    >>> a = Chunk("a", "d", "ingredient", "Doen", 0, 18, "Blijf niet hangen.", "", "h")
    >>> b = Chunk("b", "d", "ingredient", "Gunnen", 50, 73, "Durf ergens in te stappen.", "", "h")
    >>> verify_quote("ergens in te stappen", 1, [a, b]).n
    2
    >>> verify_quote("niet hangen blijven", 1, [a, b]) is None
    True
    """
    order = list(range(len(chunks)))
    if n is not None and 1 <= n <= len(chunks):
        order.remove(n - 1)
        order.insert(0, n - 1)
    for i in order:
        for variant in _variants(quote):
            c = cite(i + 1, chunks[i], variant)
            if c is not None:
                return c
    return None


# ---------------------------------------------------------------------------- one sentence

_PH = re.compile("\ue000(\\d+)\ue001")
_GAP = "\ue002"  # where an unverified quote was removed
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+(?=[.,;:!?)])")
_MULTI_SPACE = re.compile(r"[ \t]{2,}")
_JOINER = r"(?:[,;:\-\u2013]|\b(?:en|of|maar|and|or|but)\b)"
_TRAILING_JOINER = re.compile(rf"(?:\s*{_JOINER})+\s*(?=[.!?\u2026]*\s*$)", re.I)
_LEADING_JOINER = re.compile(rf"^(?:\s*{_JOINER})+\s*", re.I)
_JOINER_AFTER_PUNCT = re.compile(r"([:;,])\s*(?:en|of|and|or)\s+", re.I)
_EMPTY_PAIRS = re.compile(r"\(\s*\)|\"\s*\"|\u201c\s*\u201d|\u201e\s*\u201c")
_DANGLING_WORDS = frozenset(
    {
        "zeg",
        "noem",
        "schrijf",
        "say",
        "write",
        "tell",
        "noemt",
        "noemen",
        "zegt",
        "zeggen",
        "stelt",
        "stellen",
        "schrijft",
        "schrijven",
        "luidt",
        "staat",
        "staan",
        "benadrukt",
        "adviseert",
        "citeert",
        "dat",
        "die",
        "als",
        "is",
        "zijn",
        "was",
        "de",
        "het",
        "een",
        "van",
        "om",
        "te",
        "je",
        "u",
        "we",
        "wij",
        "met",
        "voor",
        "in",
        "op",
        "aan",
        "naar",
        "zoals",
        "door",
        "bij",
        "says",
        "states",
        "mentions",
        "writes",
        "notes",
        "calls",
        "recommends",
        "quotes",
        "that",
        "which",
        "as",
        "are",
        "the",
        "a",
        "an",
        "of",
        "to",
        "with",
        "for",
        "on",
        "by",
        "at",
        "like",
    }
)


def _placeholder(i: int) -> str:
    return f"\ue000{i}\ue001"


def _display(quote: str) -> str:
    """The source quote on one line, without markdown emphasis (matching ignores both)."""
    return " ".join(quote.replace("*", "").split())


_GAP_THEN_JOINER = re.compile(rf"{_GAP}\s*(?:,|;|\b(?:en|of|and|or)\b)\s*", re.I)
_JOINER_THEN_GAP = re.compile(rf"\s*(?:,|;|\b(?:en|of|and|or)\b)\s*{_GAP}", re.I)


def _close_gaps(text: str) -> str:
    """Take the joiner next to a removed list item with it: 'A, _ en B' → 'A, _ B'.

    >>> _close_gaps('"a" [1], \ue002 en "b" [2].').replace("\ue002", "_")
    '"a" [1], _ "b" [2].'
    >>> _close_gaps('"a" [1] en \ue002.').replace("\ue002", "_")
    '"a" [1]_.'
    """
    if _GAP_THEN_JOINER.search(text):
        return _GAP_THEN_JOINER.sub(_GAP + " ", text)
    return _JOINER_THEN_GAP.sub(_GAP, text)


def _dangling(text: str) -> bool:
    """After removing a quote: too little left, or a gap where a word still needs its object.

    >>> _dangling("Volgens het recept moet je \ue002.")
    True
    >>> _dangling('Het recept noemt \ue002 "Ken jezelf" \ue0000\ue001.')
    False
    """
    plain = _PH.sub("", text)
    words = re.findall(r"[^\W_]+", plain.replace(_GAP, " "))
    if len(words) < 3:
        return True
    for m in re.finditer(_GAP, plain):
        before = plain[: m.start()].rstrip()
        after = plain[m.end() :].lstrip(" \t" + _GAP)
        if after[:1] in "\"'\u201c\u201e\u00ab\u2018":
            continue  # a verified quote takes the removed one's place
        if not before:
            if after[:1].islower():
                return True
            continue
        last = re.findall(r"[^\W_]+", before)
        if before.endswith((":", ",")) or (last and last[-1].lower() in _DANGLING_WORDS):
            return True
    core = plain.replace(_GAP, "").rstrip().rstrip(".!?\u2026").rstrip()
    return core.endswith((":", ",", ";", "-")) or words[-1].lower() in _DANGLING_WORDS


def _tidy(text: str, removed_quote: bool) -> str:
    text = text.replace(_GAP, " ")
    if removed_quote:
        text = _EMPTY_PAIRS.sub("", text)
        text = _JOINER_AFTER_PUNCT.sub(r"\1 ", text)
        text = _LEADING_JOINER.sub("", text)
        text = _TRAILING_JOINER.sub("", text)
    text = _MULTI_SPACE.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub("", text)
    return text.strip()


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _target(q: Quote, outer: list[Marker]) -> int | None:
    """Index in ``outer`` of the marker a quote belongs to: the nearest after it, else before."""
    after = [i for i, m in enumerate(outer) if m.start >= q.end]
    before = [i for i, m in enumerate(outer) if m.end <= q.start]
    return after[0] if after else (before[-1] if before else None)


def _process_sentence(
    s: str, chunks: Sequence[Chunk], dropped: list[str]
) -> tuple[str, list[Citation]] | None:
    """The sentence with placeholders for its citations, or None when it must go."""
    quotes = [q for q in find_quotes(s) if len(_WORD.findall(q.text)) >= MIN_QUOTE_WORDS]
    markers = find_markers(s)
    outer = [m for m in markers if _outside(quotes, m.start, m.end)]

    local: list[Citation] = []
    keys: dict[tuple[str, int, int], int] = {}
    carried: list[list[int]] = [[] for _ in outer]  # citations each outer marker will show
    claimed: set[int] = set()  # outer markers that some quote pointed at
    edits: list[tuple[int, int, str]] = []
    removed_quote = False

    for q in quotes:
        # A marker inside the quote ("… hangen [2]") wins; it moves behind the quote.
        inner = [m for m in markers if q.start < m.start < q.end]
        t = None if inner else _target(q, outer)
        n = inner[-1].n if inner else (outer[t].n if t is not None else None)
        if t is not None:
            claimed.add(t)
        text = _MARKER.sub("", q.text)
        c = verify_quote(text, n, chunks)
        if c is None:
            dropped.append(f"citaat niet letterlijk in de passages, verwijderd: “{_short(text)}”")
            edits.append((q.start, q.end, _GAP))
            removed_quote = True
            continue
        if n is None:
            dropped.append(f"citaat zonder verwijzing gekoppeld aan passage {c.n}")
        elif n != c.n:
            dropped.append(f"citaat bij [{n}] staat in passage {c.n}; verwijzing aangepast")
        key = (c.chunk_id, c.start, c.end)
        if key not in keys:
            keys[key] = len(local)
            local.append(c)
        idx = keys[key]
        shown = s[q.start] + _display(c.quote) + s[q.end - 1]
        if t is None:
            edits.append((q.start, q.end, shown + " " + _placeholder(idx)))
        else:
            edits.append((q.start, q.end, shown))
            if idx not in carried[t]:
                carried[t].append(idx)

    for i, m in enumerate(outer):
        if not carried[i]:
            if not 1 <= m.n <= len(chunks):
                dropped.append(
                    f"verwijzing [{m.n}] bestaat niet ({len(chunks)} passages); verwijderd"
                )
            elif i not in claimed:
                dropped.append(f"verwijzing [{m.n}] zonder letterlijk citaat; verwijderd")
        edits.append((m.start, m.end, "".join(_placeholder(j) for j in carried[i])))

    out = s
    for start, end, repl in sorted(edits, reverse=True):
        out = out[:start] + repl + out[end:]
    if removed_quote:
        out = _close_gaps(out)
    if removed_quote and _dangling(out):
        dropped.append(f"zin verwijderd na weghalen van een citaat: “{_short(s)}”")
        return None
    out = _tidy(out, removed_quote) if edits else out
    if not re.search(r"[^\W_]", _PH.sub("", out)):
        return None
    return out, local


# ---------------------------------------------------------------------------- whole answer

_REPEATED_MARKER = re.compile(r"(\[\d+\])(?:\s*\1)+")


def parse_answer(text: str, passages: Sequence[Passage]) -> LLMDraft:
    """Verify an LLM answer against ``passages`` (numbered from 1). Never raises.

    >>> ch = Chunk("c", "d", "ingredient", "Doen", 10, 73, "Blijf niet hangen in denken "
    ...            "en praten. Investeer in capaciteit.", "", "h")
    >>> d = parse_answer('Het recept zegt: "Investeer in capaciteit" [3]. '
    ...                  'Ook "geld is alles" [1].', [Passage(ch, 1.0)])
    >>> d.text
    'Het recept zegt: "Investeer in capaciteit" [1].'
    >>> [(c.n, c.quote, c.start) for c in d.citations]
    [(1, 'Investeer in capaciteit', 49)]
    >>> len(d.dropped)
    3
    """
    chunks = [p.chunk for p in passages]
    dropped: list[str] = []
    clean = strip_html(_PRIVATE.sub("", text))
    if clean != _PRIVATE.sub("", text):
        dropped.append("HTML of links verwijderd")
    clean = normalise_markers(clean)

    numbers: dict[tuple[str, int, int], int] = {}
    citations: list[Citation] = []
    lines: list[str] = []
    for line in clean.split("\n"):
        prefix = _LINE_PREFIX.match(line)
        head = prefix.group(0) if prefix else ""
        body = line[len(head) :]
        if not body.strip():
            lines.append("")
            continue
        kept: list[str] = []
        for s, e in sentence_spans(body):
            result = _process_sentence(body[s:e], chunks, dropped)
            if result is None:
                continue
            sentence, local = result

            def renumber(m: re.Match[str], local: list[Citation] = local) -> str:
                c = local[int(m.group(1))]
                key = (c.chunk_id, c.start, c.end)
                if key not in numbers:
                    numbers[key] = len(citations) + 1
                    citations.append(replace(c, n=numbers[key]))
                return f"[{numbers[key]}]"

            sentence = _MARKER.sub("", sentence)  # a stray "[n]" that edits happened to form
            kept.append(_REPEATED_MARKER.sub(r"\1", _PH.sub(renumber, sentence)))
        if kept:
            lines.append(head.lstrip() + " ".join(kept))
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return LLMDraft(out, citations, dropped)


def verified_draft(text: str, passages: Sequence[Passage]) -> LLMDraft:
    """``parse_answer``, raising LLMError when no verified citation remains (caller falls back).

    >>> ch = Chunk("c", "d", "ingredient", "Doen", 0, 18, "Blijf niet hangen.", "", "h")
    >>> verified_draft("Geen bronnen hier [1].", [Passage(ch, 1.0)])
    Traceback (most recent call last):
    ...
    recept.errors.LLMError: LLM gaf geen controleerbare bronnen
    """
    draft = parse_answer(text, passages)
    if not draft.citations:
        raise LLMError(NO_SOURCES)
    return draft


_QUERY_LABEL = re.compile(
    r"^(?:standalone\s+)?(?:search\s+)?(?:query|question|zoekvraag|vraag)\s*:\s*", re.I
)


def standalone_query(reply: str, fallback: str, max_chars: int = 300) -> str:
    """The query in a rewrite reply (first line, labels and quotes off), else ``fallback``.

    >>> standalone_query('Query: "Hoe betrek ik de raad bij regionale samenwerking?"\\nUitleg', "x")
    'Hoe betrek ik de raad bij regionale samenwerking?'
    >>> standalone_query("", "En de raad?")
    'En de raad?'
    """
    lines = [ln.strip() for ln in strip_html(reply).splitlines() if ln.strip()]
    if not lines:
        return fallback
    q = _QUERY_LABEL.sub("", lines[0]).strip().strip("\"'\u201c\u201d\u201e`*").strip()
    q = " ".join(q.split())
    if len(q) < 3 or len(q) > max_chars:
        return fallback
    return q
