"""Requests about the previous answer: another language, shorter, only the quotes, a motion.

"In het Engels", "korter", "alleen de citaten", "zet dat in een motie" ask for an operation
on what was just answered, not for a new search. :func:`recognise` finds the operation and
what is left of the request; :mod:`assistant.conversation.state` decides whether that rest
names a subject of its own (then it is a new question, e.g. "Wat is Gunnen, in het Engels?").
Applying an operation never invents text: :func:`shorter` and :func:`only_quotes` keep the
verbatim citations of the answer they shorten, renumbered.

>>> recognise("Say that in English please")
Request(op='language', language='en', rest='Say that please')
>>> recognise("Kan het korter?")
Request(op='shorter', language='', rest='Kan het?')
>>> recognise("Wat zegt het recept over samenwerking?") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.retrieval.bm25 import tokenize
from assistant.retrieval.lexicon import expand_query
from recept.quotes import display
from recept.schema import Answer, Citation

_LANGUAGE = re.compile(
    r"\b(?:(?:in|naar|into|to)\s+(?:het\s+)?)?(engels|english|nederlands|dutch)\b", re.I
)
_TRANSLATE = re.compile(r"\b(?:vertaal\w*|vertaling|translat\w*)\b", re.I)
_SHORTER = re.compile(
    r"\b(?:korter|beknopter|bondiger|kort(?:er)?\s+samengevat|in\s+(?:één|een|1)\s+zin|"
    r"shorter|briefer|more\s+(?:briefly|concise(?:ly)?)|in\s+(?:one|1)\s+sentence|tl;?\s?dr)\b",
    re.I,
)
_QUOTES = re.compile(
    r"\b(?:alleen|enkel|uitsluitend|slechts|only|just)\s+(?:de\s+|die\s+|the\s+|those\s+)?"
    r"(?:letterlijke\s+|exacte\s+|exact\s+|verbatim\s+)?"
    r"(?:citaten|citaat|quotes?|quotations?|bronnen|sources)\b"
    r"|\b(?:citaten|quotes)\s+(?:alleen|only)\b",
    re.I,
)
_MOTION = re.compile(r"\b(?:motie|motion)\b", re.I)
_TARGET = {"engels": "en", "english": "en", "nederlands": "nl", "dutch": "nl"}


@dataclass(frozen=True)
class Request:
    op: str  # "language", "shorter", "quotes" or "motion"
    language: str  # "en", "nl", or "" (the answer's own; for "language": the other one)
    rest: str  # the request without the operation's words


def recognise(text: str) -> Request | None:
    """The operation a request asks for, or None.

    >>> recognise("Alleen de citaten, in het Engels")
    Request(op='quotes', language='en', rest='')
    >>> recognise("Zet dat in een motie")
    Request(op='motion', language='', rest='Zet dat in een')
    >>> recognise("Vertaal dat").language
    ''
    """
    language = ""
    rest = text
    m = _LANGUAGE.search(rest)
    if m:
        language = _TARGET[m.group(1).lower()]
        rest = rest[: m.start()] + rest[m.end() :]
    translate = _TRANSLATE.search(rest)
    if translate:
        rest = rest[: translate.start()] + rest[translate.end() :]
    op = ""
    for name, rx in (("motion", _MOTION), ("quotes", _QUOTES), ("shorter", _SHORTER)):
        hit = rx.search(rest)
        if hit:
            op = name
            rest = rest[: hit.start()] + rest[hit.end() :]
            break
    if not op and not (m or translate):
        return None
    rest = re.sub(r"\s+([,.;:?!])", r"\1", " ".join(rest.split()))
    rest = re.sub(r"[,;:]+(?=[.?!]|$)", "", rest)  # "Gunnen, [in het Engels]?" -> "Gunnen?"
    rest = re.sub(r"^[\s,.;:!]+|[\s,;:]+$", "", rest)
    return Request(op or "language", language, rest)


def _is_attribution(c: Citation) -> bool:
    """The speaker-and-role line under a quote: a citation, but no quote itself."""
    return bool(c.speaker) and display(c.quote).startswith(c.speaker)


def _renumber(citations: list[Citation]) -> list[Citation]:
    return [replace(c, n=i) for i, c in enumerate(citations, start=1)]


def lead(text: str) -> str:
    """The answer's opening words before its first quote, without markers.

    >>> lead('Het ingrediënt **Gunnen** past hier het best.\\n\\nWat **Gunnen** zegt: …')
    'Het ingrediënt **Gunnen** past hier het best.'
    >>> lead('Volgens *brief*: "Op 26 oktober …" [1] "Wij …" [2]')
    'Volgens *brief*:'
    """
    first = text.strip().split("\n\n", 1)[0]
    at = first.find('"')
    head = first[:at] if at >= 0 else first
    return re.sub(r"\s*\[\d+\]", "", head).strip().lstrip("> ").strip()


def best_citation(answer: Answer) -> Citation | None:
    """The citation that shares most words with the question (the earliest on a tie)."""
    quotes = [c for c in answer.citations if not _is_attribution(c)] or answer.citations
    if not quotes:
        return None
    asked = set(tokenize(expand_query(answer.question)))
    return max(quotes, key=lambda c: (len(asked & set(tokenize(c.quote))), -c.n))


def shorter(answer: Answer) -> tuple[str, list[Citation]]:
    """The answer's lead and its single best quote.

    >>> c = Citation(1, "x", "d", "ingredient", "Gunnen", "Durf in te stappen.", 0, 19)
    >>> a = Answer("Wat is Gunnen?", 'Het ingrediënt **Gunnen** past.\\n\\n1. "Durf in te '
    ...            'stappen." [1]', [c], [], False, "nl", "extractive")
    >>> shorter(a)[0]
    'Het ingrediënt **Gunnen** past.\\n\\n> "Durf in te stappen." [1]'
    """
    best = best_citation(answer)
    if best is None:
        return answer.text.strip().split("\n\n", 1)[0], []
    head = lead(answer.text)
    quote = f'> "{display(best.quote).strip(chr(39))}" [1]'
    return (f"{head}\n\n{quote}" if head else quote), _renumber([best])


def only_quotes(answer: Answer) -> tuple[str, list[Citation]]:
    """The answer's verbatim quotes, one per line with where they come from."""
    seen: set[str] = set()
    kept = []
    for c in answer.citations:
        if not _is_attribution(c) and c.quote not in seen:
            seen.add(c.quote)
            kept.append(c)
    en = answer.language == "en"
    if not kept:
        none = (
            "The previous answer contains no quotes."
            if en
            else "Het vorige antwoord bevat geen citaten."
        )
        return none, []
    cites = _renumber(kept)
    head = (
        "The quotes from the previous answer (in Dutch):"
        if en
        else "De citaten uit het vorige antwoord:"
    )
    lines = [f'{c.n}. "{display(c.quote)}" [{c.n}] — *{c.speaker or c.title}*' for c in cites]
    return head + "\n\n" + "\n".join(lines), cites


def motion_request(subject: str) -> str:
    """The request that drafts a motion on ``subject``.

    >>> motion_request("regionale samenwerking")
    'Stel een motie op over regionale samenwerking'
    """
    return f"Stel een motie op over {subject}".strip()


def nothing_to_transform(language: str) -> str:
    """The reply to a transform request that has no previous answer to work on."""
    if language == "en":
        return "There is no previous answer to rework yet. Ask a question about the recipe first."
    return "Er is nog geen eerder antwoord om om te zetten. Stel eerst een vraag over het recept."
