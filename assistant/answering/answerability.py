"""Answerability: does what was found hold the *kind* of thing the question asks for?

Retrieval finds the passages about a subject; the refusal policy declines questions about
subjects the documents never cover. Between the two lies the question that is on topic but asks
for something the text does not give: a date for an event it only mentions, an amount for a
measure it only describes. Such a question gets a *partial* answer: first what the documents do
not say, then what they do say about the subject — never a date or amount found elsewhere.

The kind asked for is read from general interrogatives (``wanneer``, ``welk bedrag``,
``when``, ``how much money``); what counts as one in a text is equally general (a month name
or a date, a sum in euros). A kind is *given* when one sentence of the top passages holds both
a value of that kind and a word of the question's subject, so the date of the conference does
not answer a question about the date of the elections.

>>> asked_kind("Wanneer is de brief verzonden?"), asked_kind("Wat betekent gunnen?")
('date', '')
>>> asked_kind("Wanneer moet je de raad erbij halen?")
''
>>> asked_kind("How would it work when we redesign our procurement?")
''

>>> gives_kind("date", "Op 26 oktober 2022 vond de conferentie plaats.")
True
>>> gives_kind("amount", "De provincie draagt € 2,5 miljoen bij.")
True
>>> gives_kind("amount", "Er waren 100 deelnemers.")
False
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from assistant.answering.compose import body_sentences
from assistant.retrieval.bm25 import fold, tokenize
from assistant.retrieval.lexicon import expand_query
from recept.schema import Passage

# What a question asks for, by its interrogative (folded text: no accents, lower case).
_ASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "date",
        re.compile(
            # "wanneer moet je …" / "when should we …" asks for a moment in a process
            # ("zo vroeg mogelijk"), not for a date: not with a modal verb.
            # Only as an interrogative: where a clause starts ("en wanneer …?"), not as the
            # conjunction ("how would it work when we redesign …").
            r"(?:^|[,;:?!.(]\s*|\b(?:en|and|maar|but|or|of)\s+)"
            r"(?:(?:sinds |tot |per )?wanneer|when|since when|until when)\b"
            r"(?!\s+(?:moet|moeten|moest|kan|kun|kunnen|mag|mogen|zou|zouden|zal|zullen|"
            r"should|must|can|could|would|shall|do|does|is it|are)\b)|"
            r"\b(?:op welke (?:datum|dag)|welke datum|in welk jaar|(?:on )?what date|"
            r"which date|in which year|what year)\b"
        ),
    ),
    (
        "amount",
        re.compile(
            # "Hoe hoog wordt de uittreedsom?", "wat heeft het onderzoek gekost?", "how much
            # did the province pay?": the interrogatives of a sum of money.
            r"\b(?:welk bedrag|hoeveel (?:geld|euro|subsidie|budget)|hoe hoog (?:is|was|zijn|"
            r"waren|wordt|worden|werd|zou|zal)\b|wat (?:kost|kosten|kostte|kostten)\b|"
            r"(?:heeft|hebben|had|hadden) .{1,60} gekost|how much (?:money|funding|budget)|"
            r"what (?:amount|budget)|how much (?:does|did|do|will|would) .{1,60} "
            r"(?:cost|pay|spend|contribute|receive|get))\b"
        ),
    ),
)

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "january|february|march|may|june|july|august|october|"
    "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec"
)
# What a value of each kind looks like in a text (folded).
_GIVES: dict[str, re.Pattern[str]] = {
    "date": re.compile(
        rf"\b(?:\d{{1,2}}\s+(?:{_MONTHS})\.?|(?:{_MONTHS})\.?\s+(?:19|20)\d\d|"
        r"\d{1,2}[-/]\d{1,2}[-/]\d{2,4}|(?:19|20)\d\d)\b"
    ),
    "amount": re.compile(
        r"(?:€|\beur\b|\beuro|\d\s*(?:miljoen|mln|miljard|duizend)\b|\bbedrag(?:en)? van \d)"
    ),
}

TOP = 3  # passages a typed answer must come from: the ones the answer is built on
LABELS = {
    "date": ("datum of tijdstip", "date"),
    "amount": ("bedrag", "amount"),
}


def asked_kind(question: str) -> str:
    """The kind of value the question asks for ('date', 'amount'), or '' for any other."""
    q = fold(question)
    return next((kind for kind, pattern in _ASKS if pattern.search(q)), "")


def gives_kind(kind: str, text: str) -> bool:
    """Whether ``text`` holds a value of ``kind``."""
    return bool(_GIVES[kind].search(fold(text)))


def subject_words(question: str) -> set[str]:
    """The question's content stems, with English words' Dutch equivalents, minus the words
    that only ask for the kind ('datum', 'bedrag').

    >>> sorted(subject_words("Op welke datum zijn de verkiezingen?"))
    ['verkies']
    """
    q = _ASKS_STRIP.sub(" ", fold(question))
    return set(tokenize(expand_query(q))) - _KIND_WORDS


_ASKS_STRIP = re.compile("|".join(p.pattern for _, p in _ASKS))
_KIND_WORDS = set(tokenize("datum dag jaar bedrag geld euro budget kost kosten"))


def kind_given(
    question: str, kind: str, passages: Sequence[Passage], vocabulary: Collection[str]
) -> bool:
    """Whether one sentence of the top passages gives a value of ``kind`` about the subject.

    About the subject means: the sentence (with its heading) holds at least half of the
    question's subject words that the documents use, so a date next to one shared word
    ("provincie") is not the date of something else the question names. Words the documents
    never use (a misspelling, the user's own verb) are no evidence either way.
    """
    known = subject_words(_asking(question, kind)) & set(vocabulary)
    need = (len(known) + 1) // 2
    for p in passages[:TOP]:
        for sentence in _sentences(p):
            if gives_kind(kind, sentence) and len(known & set(tokenize(sentence))) >= need:
                return True
    return False


def _asking(question: str, kind: str) -> str:
    """The sentence that asks for the value, not the situation sketched around it.

    >>> _asking("We zijn een kleine gemeente met veel zorgen. Wanneer start de pilot?", "date")
    'Wanneer start de pilot?'
    """
    pattern = dict(_ASKS)[kind]
    sentences = re.split(r"(?<=[.?!])\s+", question.strip())
    return next((s for s in sentences if pattern.search(fold(s))), question)


def _sentences(p: Passage) -> Iterable[str]:
    # A passage's heading or field label counts with each of its sentences: "Verzenddatum"
    # is what "12 DEC. 2022" is the date of.
    # A letter field is found by its label's usual names too ("verzonden" for "Verzenddatum").
    if p.chunk.kind == "letter_meta" and p.chunk.embed_text:
        yield p.chunk.embed_text
        return
    for sentence in body_sentences(p.chunk) or [p.chunk.text]:
        yield f"{p.chunk.title} {sentence}"


def missing_kind(question: str, passages: Sequence[Passage], vocabulary: Collection[str]) -> str:
    """The kind of value asked for that the top passages do not give, or ''."""
    kind = asked_kind(question)
    if not kind or kind_given(question, kind, passages, vocabulary):
        return ""
    return kind


def partial_lead(kind: str, lang: str) -> str:
    """The sentence that says what the documents do not give, before what they do say.

    >>> partial_lead("date", "nl")
    'De documenten noemen hiervoor geen datum of tijdstip. Wel staat er over dit onderwerp:'
    """
    nl, en = LABELS[kind]
    if lang == "en":
        return f"The documents give no {en} for this. What they do say about the subject:"
    return f"De documenten noemen hiervoor geen {nl}. Wel staat er over dit onderwerp:"
