"""Motion clauses written by the model, quotes inserted by reference.

The model writes each clause's own words and cites sentence ids, as for answers
(:mod:`assistant.llm.reply`); code inserts every cited sentence verbatim. Only sentences of
the motion's passages (what retrieval found, plus the letter fields the extractive draft
looked up) may be cited, so every clause stays traceable to a passage the motion carries.
A reply is read as JSON (schema ``motion`` in :mod:`assistant.llm.shapes`), else as plain text
with a line per section heading; a section left without a cited clause is an LLMError (the
caller then keeps the extractive draft).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from assistant.llm.reply import Part, Reply, cite_number, own_words, read_json, read_text
from assistant.llm.sentences import Sentence
from assistant.llm.shapes import MOTION_CLAUSES, MOTION_SECTIONS
from recept.errors import LLMError
from recept.quotes import display
from recept.schema import Citation, Motion, MotionClause

# A line that opens a section in a plain-text reply ("Constaterende dat:", "Whereas", …).
_HEADING = re.compile(
    r"^\W*(?P<name>constater\w*|overweg\w*|verzoek\w*|noting|notes|considering|whereas|"
    r"requests?|calls\s+on|asks)\b(?:\s+(?:dat|that|het\s+college|the\s+(?:executive|college)"
    r"(?:\s+to)?))?\s*:?\s*",
    re.I,
)
_SECTION_OF = {"constater": "constaterende", "noting": "constaterende", "notes": "constaterende"}
_SECTION_OF |= {"overweg": "overwegende", "considering": "overwegende", "whereas": "overwegende"}
_LEADING_DAT = re.compile(r"^(?:dat|that)\s+", re.I)


def _section(word: str) -> str:
    """The motion section a heading word names.

    >>> [_section(w) for w in ("Constaterende", "whereas", "verzoekt", "calls on")]
    ['constaterende', 'overwegende', 'verzoekt', 'verzoekt']
    """
    w = word.lower()
    return next((s for k, s in _SECTION_OF.items() if w.startswith(k)), "verzoekt")


def read_motion_text(raw: str) -> Reply:
    """Parts of a plain-text motion: each line's sentences belong to the last heading above.

    >>> r = read_motion_text("Constaterende dat:\\n- de brief vraagt om moed [S3]\\n"
    ...                      "Verzoekt het college: samen te werken (S5).")
    >>> [(p.section, p.cite) for p in r.parts]
    [('constaterende', ('S3',)), ('verzoekt', ('S5',))]
    >>> r.parts[1].text
    'samen te werken.'
    """
    parts: list[Part] = []
    section = ""
    for line in raw.splitlines():
        m = _HEADING.match(line)
        if m:
            section = _section(m.group("name"))
            line = line[m.end() :]
        if not line.strip():
            continue
        parts += [replace(p, section=section) for p in read_text(line).parts]
    return Reply(parts, structured=False, complete=True)


def read_motion(raw: str) -> Reply:
    """JSON when the reply is JSON, else plain text with section headings."""
    return read_json(raw) or read_motion_text(raw)


@dataclass
class MotionClauses:
    """The model's clauses per section, every one citing at least one sentence."""

    sections: dict[str, list[MotionClause]]
    citations: list[Citation]
    dropped: list[str] = field(default_factory=list)  # what was left out, and why
    notes: list[str] = field(default_factory=list)  # how it was made (context, reading)


def clause_text(words: str, quotes: Sequence[str]) -> str:
    """A clause: the model's words (cleaned, without a repeated 'dat'), then the quotes, ';'.

    >>> clause_text("dat de brief vraagt om moed.", ['“Durf.” [1]'])
    'de brief vraagt om moed: “Durf.” [1];'
    >>> clause_text("", ['“Durf.” [1]'])
    '“Durf.” [1];'
    """
    words = _LEADING_DAT.sub("", own_words(words)).rstrip(".;,: ")
    body = f"{words}: {' '.join(quotes)}" if words else " ".join(quotes)
    return body + ";"


def render_motion(reply: Reply, table: Mapping[str, Sentence]) -> MotionClauses:
    """Clauses per section from the reply's parts; ids outside ``table`` are left out and a
    clause without a valid id is dropped. LLMError when a section has no clause left."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    dropped: list[str] = list(reply.problems)
    sections: dict[str, list[MotionClause]] = {name: [] for name in MOTION_SECTIONS}
    for part in reply.parts:
        if part.section not in sections:
            dropped.append(f"deel buiten de motie-onderdelen weggelaten: {part.text[:60]}")
            continue
        mine: list[Citation] = []
        quotes: list[str] = []
        for sid in part.cite:
            sentence = table.get(sid)
            if sentence is None:
                dropped.append(f"verwijzing {sid} hoort niet bij de gevonden passages; weggelaten")
                continue
            cit = citations[cite_number(sid, sentence, numbers, citations) - 1]
            if cit not in mine:
                mine.append(cit)
                quotes.append(f"\u201c{display(sentence.text)}\u201d [{cit.n}]")
        if not mine:
            dropped.append(f"clausule zonder bron weggelaten ({part.section}): {part.text[:60]}")
            continue
        clauses = sections[part.section]
        text = clause_text(part.text, quotes)
        if any(c.text == text for c in clauses) or len(clauses) >= MOTION_CLAUSES:
            dropped.append(f"clausule herhaald of te veel ({part.section}); weggelaten")
            continue
        clauses.append(MotionClause(text, mine))
    empty = [name for name, clauses in sections.items() if not clauses]
    if empty:
        raise LLMError(f"LLM-motie zonder onderbouwde clausule bij: {', '.join(empty)}")
    # Citations that only dropped clauses used would leave gaps: keep the cited ones, renumber.
    used = {c.n for clauses in sections.values() for cl in clauses for c in cl.citations}
    return _renumbered(sections, [c for c in citations if c.n in used], dropped)


def _renumbered(
    sections: dict[str, list[MotionClause]], citations: list[Citation], dropped: list[str]
) -> MotionClauses:
    new = {c.n: i for i, c in enumerate(citations, start=1)}
    if all(old == n for old, n in new.items()):
        return MotionClauses(sections, citations, dropped)

    def fix(text: str) -> str:
        return re.sub(r"\[(\d+)\]", lambda m: f"[{new[int(m.group(1))]}]", text)

    out = {
        name: [
            MotionClause(fix(cl.text), [replace(c, n=new[c.n]) for c in cl.citations])
            for cl in clauses
        ]
        for name, clauses in sections.items()
    }
    return MotionClauses(out, [replace(c, n=new[c.n]) for c in citations], dropped)


def llm_motion(
    base: Motion, clauses: MotionClauses, *, keep: Sequence[MotionClause] = (), engine: str
) -> Motion:
    """``base`` (the extractive draft: title, preamble, closing, signatories) with the model's
    clauses; ``keep`` (the user's own request to the college, verbatim) opens 'verzoekt'."""
    return replace(
        base,
        constaterende=clauses.sections["constaterende"],
        overwegende=clauses.sections["overwegende"],
        verzoekt=[*keep, *clauses.sections["verzoekt"]],
        citations=clauses.citations,
        engine=engine,
        notes=[*base.notes, *clauses.notes, *clauses.dropped],
    )
