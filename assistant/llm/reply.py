"""Reading a model's reply that cites sentence ids, and turning it into an answer.

The model writes only its own words and names sentences by id (``S12``); code inserts each
sentence verbatim. Replies come as JSON (the schema in :mod:`assistant.llm.shapes`, enforced
by the server where it can) or, from a server without structured output, as plain text with
ids in it. Both are read tolerantly: a JSON reply cut short keeps its complete parts, so the
same reader also gives streaming snapshots.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assistant.llm.parse import LLMDraft, strip_html
from assistant.llm.sentences import Sentence, normalise_id
from recept.quotes import display
from recept.schema import Citation

MAX_CITES_PER_PART = 3  # a part quoting more than this is a list, not an argument


@dataclass(frozen=True)
class Part:
    """One piece of a reply: the model's words, then the sentences it cites."""

    text: str
    cite: tuple[str, ...] = ()
    # "says" | "here" | "not_said" | "asked:<question>" | a motion section | ""
    section: str = ""


@dataclass
class Reply:
    parts: list[Part]
    structured: bool  # read as JSON (else as plain text)
    complete: bool  # the JSON closed (a cut-off reply still yields its finished parts)
    problems: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- JSON

SECTIONS = ("says", "here", "constaterende", "overwegende", "verzoekt")  # lists of parts
_SECTION_KEYS = (*SECTIONS, "not_said", "answer", "answers", "asked")
_KEY = re.compile(r'"(' + "|".join(_SECTION_KEYS) + r')"\s*:')
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.I)


def cite_number(
    sid: str, sentence: Sentence, numbers: dict[str, int], citations: list[Citation]
) -> int:
    """The citation number of sentence ``sid``: the one it already has, or the next one
    (its citation appended to ``citations``). One number per sentence, in order of first use.
    """
    if sid not in numbers:
        numbers[sid] = len(citations) + 1
        citations.append(sentence.citation(numbers[sid]))
    return numbers[sid]


def _cites(value: object) -> tuple[str, ...]:
    """Sentence ids from a ``cite`` value: a list, a single id or a comma-separated string.

    >>> _cites(["S1", "s2", "x", 3]), _cites("S4, S5"), _cites(None)
    (('S1', 'S2', 'S3'), ('S4', 'S5'), ())
    """
    if isinstance(value, str):
        items: list[object] = re.split(r"[,;\s]+", value)
    elif isinstance(value, list):
        items = value
    else:
        return ()
    out = [normalise_id(str(v)) for v in items]
    return tuple(dict.fromkeys(i for i in out if i))


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def read_json(raw: str) -> Reply | None:
    """The parts of a JSON reply, also of one cut off mid-way; None when it is not JSON.

    Each complete object with a ``text`` or ``cite`` member is a part; its section is the
    nearest section key before it (``says``, ``here``; in a two-part answer the ``asked``
    string before it); a complete ``not_said`` string is a part of its own.

    >>> r = read_json('{"says": [{"cite": ["S3"], "text": "Kort:"}], "here": [{"cite": [], "te')
    >>> [(p.section, p.text, p.cite) for p in r.parts], r.complete
    ([('says', 'Kort:', ('S3',))], False)
    >>> r = read_json('{"answers": [{"asked": "Wat?", "answer": [{"text": "a", "cite": "S1"}]}]}')
    >>> [(p.section, p.cite) for p in r.parts], r.complete
    ([('asked:Wat?', ('S1',))], True)
    >>> read_json("Gewoon tekst [S3].") is None
    True
    >>> raw = '{"constaterende": [{"cite": ["S1"], "text": "a\\n{"}], "verzoekt": [{"cite": ['
    >>> r = read_json(raw)
    >>> [(p.section, p.cite) for p in r.parts]
    [('constaterende', ('S1',))]
    """
    text = _FENCE.sub("", raw)
    first = text.find("{")
    if first < 0 or text[:first].strip():
        return None
    # Not strict: a grammar-constrained small model does put raw newlines inside strings.
    decoder = json.JSONDecoder(strict=False)
    try:
        whole, _ = decoder.raw_decode(text, first)
        complete = isinstance(whole, dict)
    except json.JSONDecodeError:
        complete = False
    keys = [(m.start(), m.group(1)) for m in _KEY.finditer(text)]
    strings = [(m.start(), m.group(1), _string(m.group(2))) for m in _STRING_FIELD.finditer(text)]
    parts: list[Part] = []
    i = first + 1
    while (i := text.find("{", i)) >= 0:
        try:
            obj, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            i += 1
            continue
        if not (isinstance(obj, dict) and ("text" in obj or "cite" in obj)):
            i += 1  # an outer object: its parts are read one by one
            continue
        before = [k for pos, k in keys if pos < i]
        section = before[-1] if before and before[-1] in SECTIONS else ""
        asked = [v for pos, k, v in strings if k == "asked" and pos < i]
        if not section and asked:
            section = f"asked:{asked[-1]}"
        parts.append(Part(_text(obj.get("text")), _cites(obj.get("cite")), section))
        i = end
    parts += [Part(v, (), "not_said") for _, k, v in strings if k == "not_said" and v]
    return Reply(parts, structured=True, complete=complete)


_STRING_FIELD = re.compile(r'"(not_said|asked)"\s*:\s*("(?:[^"\\]|\\.)*")')


def _string(literal: str) -> str:
    try:
        value = json.loads(literal)
    except json.JSONDecodeError:
        return ""
    return value.strip() if isinstance(value, str) else ""


# ---------------------------------------------------------------------------- plain text

_ID_REF = re.compile(
    r"\[\s*(S\d{1,4}(?:\s*[,;]\s*S?\d{1,4})*)\s*\]|\(\s*(S\d{1,4})\s*\)|\b(S\d{1,4})\b"
)
_SENT = re.compile(r"(?<=[.!?:])\s+(?=\S)")


def read_text(raw: str) -> Reply:
    """Parts from a plain-text reply: each sentence's own words plus the ids it names.

    >>> r = read_text("Het recept zegt dit [S3]. Ook (S4) en S5, S6.\\nGeen bron hier.")
    >>> [(p.text, p.cite) for p in r.parts]
    [('Het recept zegt dit.', ('S3',)), ('Ook en,.', ('S4', 'S5', 'S6')), ('Geen bron hier.', ())]
    """
    parts: list[Part] = []
    for line in strip_html(raw).splitlines():
        for sentence in _SENT.split(line.strip()):
            if not sentence:
                continue
            ids: list[str] = []

            def take(m: re.Match[str], ids: list[str] = ids) -> str:
                group = m.group(1) or m.group(2) or m.group(3)
                ids.extend(i for i in (normalise_id(x) for x in re.split(r"[,;]", group)) if i)
                return ""

            words = _ID_REF.sub(take, sentence)
            words = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(words.split()))
            parts.append(Part(words, tuple(dict.fromkeys(ids))))
    return Reply(parts, structured=False, complete=True)


def read_reply(raw: str) -> Reply:
    """JSON when the reply is JSON, else plain text."""
    return read_json(raw) or read_text(raw)


# ---------------------------------------------------------------------------- rendering

HEADINGS = {
    "nl": {
        "says": "Wat de documenten zeggen",
        "here": "Wat het hier kan betekenen",
        "not_said": "Wat de documenten niet zeggen",
    },
    "en": {
        "says": "What the documents say",
        "here": "What it could mean here",
        "not_said": "What the documents do not say",
    },
}
_WORDY = re.compile(r"[^\W\d_]")
_DOUBLE_QUOTES = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')
# ids, [n] markers, and the form's placeholder id "S…" copied by a small model
_STRAY_ID = re.compile(r"\[\s*S?(?:\d{1,4}|\u2026)\s*\]|\bS(?:\d{1,4}\b|\u2026)")


def own_words(text: str) -> str:
    """The model's words, cleaned: no HTML, no ids, no double quote marks (those mean a
    verbatim quote here, and only code writes quotes).

    >>> own_words('Het <b>recept</b> "zegt" dat [S4] je moet  gunnen .')
    'Het recept zegt dat je moet gunnen.'
    >>> own_words("{{ … }}"), own_words("Zo [S…] zegt S… het")
    ('', 'Zo zegt het')
    """
    text = _DOUBLE_QUOTES.sub("", strip_html(text))
    text = _STRAY_ID.sub("", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split())).strip()
    return text if _WORDY.search(text) else ""  # "…" or "{{" copied from the form is no text


def _join(words: str, quotes: list[str]) -> str:
    if not quotes:
        return words
    if words and words[-1].isalnum():
        words += ":"
    return " ".join([words, *quotes]) if words else " ".join(quotes)


def render_reply(reply: Reply, table: Mapping[str, Sentence], language: str = "nl") -> LLMDraft:
    """The answer text with markers [n] and its citations, from the reply's parts.

    Ids that name no shown sentence are left out (and noted); a sentence cited twice keeps
    its first number.

    >>> from recept.schema import Chunk
    >>> ch = Chunk("c", "d", "ingredient", "Gunnen", 100, 126, "Durf ergens in te stappen.", "", "")
    >>> table = {"S1": Sentence("S1", ch, 0, 26)}
    >>> d = render_reply(Reply([Part("Bij woningbouw", ("S1", "S9"))], True, True), table)
    >>> d.text
    'Bij woningbouw: “Durf ergens in te stappen.” [1]'
    >>> (d.citations[0].quote, d.citations[0].start), d.dropped
    (('Durf ergens in te stappen.', 100), ['verwijzing S9 bestaat niet; weggelaten'])
    """
    heads = HEADINGS.get(language, HEADINGS["nl"])
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    dropped: list[str] = list(reply.problems)
    blocks: list[tuple[str, list[str]]] = []  # (section, lines)
    for part in reply.parts:
        quotes: list[str] = []
        for sid in part.cite[:MAX_CITES_PER_PART]:
            sentence = table.get(sid)
            if sentence is None:
                dropped.append(f"verwijzing {sid} bestaat niet; weggelaten")
                continue
            n = cite_number(sid, sentence, numbers, citations)
            quotes.append(f"\u201c{display(sentence.text)}\u201d [{n}]")
        if len(part.cite) > MAX_CITES_PER_PART:
            dropped.append(f"meer dan {MAX_CITES_PER_PART} verwijzingen in één deel; ingekort")
        line = _join(own_words(part.text), quotes)
        if not line:
            continue
        if blocks and blocks[-1][0] == part.section:
            if line in blocks[-1][1]:
                dropped.append("herhaald deel weggelaten")
                continue
            blocks[-1][1].append(line)
        else:
            blocks.append((part.section, [line]))
    out: list[str] = []
    for section, lines in blocks:
        if section in heads:
            out.append(f"**{heads[section]}**\n" + "\n".join(lines))
        elif section.startswith("asked:") and own_words(section[6:]):
            out.append(f"**{own_words(section[6:])}**\n" + "\n".join(lines))
        elif section.startswith("asked:"):
            out.append("\n".join(lines))
        else:
            out.append(" ".join(lines))
    mark = source_language_mark(citations, language)
    if mark and out:
        out.append(mark)
    return LLMDraft("\n\n".join(out), citations, dropped)


SOURCE_MARK = {
    "en": "_The quotes are verbatim in {source}, the language of the source._",
    "nl": "_De citaten staan letterlijk in het {source}, de taal van de bron._",
}
LANGUAGE_NAMES = {
    "en": {"nl": "Dutch", "en": "English"},
    "nl": {"nl": "Nederlands", "en": "Engels"},
}


def source_language_mark(citations: Sequence[Citation], language: str) -> str:
    """A line that says the quotes stay in the source's language, when that is not the
    answer's (the model's own words are translated, the inserted quotes never are).

    >>> quote = "Blijf niet hangen in denken en praten."
    >>> c = Citation(1, "c", "d", "ingredient", "Doen", quote, 0, 38)
    >>> source_language_mark([c], "en")
    '_The quotes are verbatim in Dutch, the language of the source._'
    >>> source_language_mark([c], "nl")
    ''
    """
    from assistant.query.language import detect_language

    if language not in SOURCE_MARK or not citations:
        return ""
    langs = [detect_language(c.quote) for c in citations]
    source = max(set(langs), key=langs.count)
    if source == language:
        return ""
    return SOURCE_MARK[language].format(source=LANGUAGE_NAMES[language][source])


def reply_ids(reply: Reply) -> list[str]:
    """Every id the reply names, in order, once.

    >>> reply_ids(Reply([Part("a", ("S2", "S1")), Part("b", ("S2",))], True, True))
    ['S2', 'S1']
    """
    return list(dict.fromkeys(i for p in reply.parts for i in p.cite))


def cited(draft: LLMDraft) -> bool:
    return bool(draft.citations)


def parts_text(parts: Sequence[Part]) -> str:
    """The model's own words of all parts, for notes and debugging."""
    return " ".join(p.text for p in parts)
