"""Question language and intent: small, explainable rules over function words.

The word lists are data (``assistant/query/data/*.txt``, whose headers say what belongs
there); the intent cues are regular expressions over general question phrasing.

>>> detect_language("How do I apply this in my municipality?")
'en'
>>> detect_language("Hoe pas ik Gunnen toe bij woningbouw?")
'nl'
>>> question_intent("Wie zei 'Ken uzelf'?"), question_intent("Wanneer is de brief verzonden?")
('quote', 'factual')
>>> question_intent("Stel een motie op over regionale samenwerking")
'motion'
>>> question_intent("Kun je daar een motie van maken voor onze raad?")
'motion'
"""

from __future__ import annotations

import re
from functools import cache

from assistant.retrieval.bm25 import fold
from assistant.retrieval.datafile import data_lines, read_data


def parse_words(text: str, source: str = "words", folded: bool = False) -> frozenset[str]:
    """A word-list file: lower-case words separated by white space (``folded``: no accents).

    >>> sorted(parse_words("# English\\nthe a an\\nof"))
    ['a', 'an', 'of', 'the']
    >>> parse_words("The")
    Traceback (most recent call last):
    ValueError: words line 1: 'The' is not a lower-case word
    >>> parse_words("ingrediënt", folded=True)
    Traceback (most recent call last):
    ValueError: words line 1: 'ingrediënt' is not folded
    """
    words: set[str] = set()
    for number, line in data_lines(text):
        for word in line.split():
            if not re.fullmatch(r"[^\W_]+", word) or word != word.lower():
                raise ValueError(f"{source} line {number}: {word!r} is not a lower-case word")
            if folded and fold(word) != word:
                raise ValueError(f"{source} line {number}: {word!r} is not folded")
            words.add(word)
    return frozenset(words)


@cache
def word_list(name: str, folded: bool = False) -> frozenset[str]:
    """A shipped word list, ``assistant/query/data/<name>.txt``."""
    return parse_words(read_data("assistant.query", f"{name}.txt"), f"{name}.txt", folded)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-zà-ÿ]+", text.lower())


def detect_language(text: str) -> str:
    """'en' or 'nl' (the default when unsure)."""
    words = _words(text)
    en_words, nl_words = word_list("function_words_en"), word_list("function_words_nl")
    en = sum(w in en_words for w in words)
    nl = sum(w in nl_words for w in words)
    return "en" if en > nl else "nl"


_MOTION = re.compile(r"\b(motie|moties|motion|resolution)\b", re.I)
_QUOTE = re.compile(
    r"\b(wie zei|wie heeft .* gezegd|citaat|citeer|quote[sd]?|who said|said by|zei|uitspraak|"
    r"letterlijk|functie van|rol van|position|role)\b",
    re.I,
)
_FACT = re.compile(
    r"\b(wanneer|datum|hoeveel|hoe veel|welk kenmerk|kenmerk|wie|waar|welke dag|what date|"
    r"when|how many|who|where|reference|number|verzonden|verzenddatum|organis\w+|"
    # "welk bureau …", "which agency …": asking for a name, place or date, not for advice
    r"welke? (?:bureau|organisatie|bedrijf|persoon|personen|jaar|dag|gebouw|stad|plaats)|"
    r"which (?:agency|organi[sz]ation|company|firm|bureau|person|people|year|day|building|city))\b",
    re.I,
)
_APPLY = re.compile(
    r"\b(hoe pas|toepassen|toepass\w*|pas ik|aanpak|aanpakken|wat moet|wat kan|hoe kan|hoe kunnen|"
    r"hoe zorg|wat betekent .* voor|apply|how (do|can|should) (i|we)|in (mijn|onze) gemeente|"
    r"advies|tips?|helpt|"
    # asking for advice in other words: "wat raadt het recept (ons) aan", "hoe pakken we dit aan"
    r"raadt|raden \w+ aan|aanraden|aanbevel\w*|adviseer\w*|adviseren|hoe pak\w*|"
    r"wat (?:moeten|kunnen|zouden|doen) (?:we|wij|ik)|wat te doen|hoe gaan (?:we|wij) om|"
    r"recommend\w*|suggest\w*|advise|what should|what (?:can|could|would) (?:i|we)|any advice)\b",
    re.I,
)


def question_intent(text: str) -> str:
    """'motion', 'quote', 'factual', 'apply' or 'general'.

    >>> question_intent("Onze buren zeggen steeds nee. Wat raadt het recept ons aan?")
    'apply'
    >>> question_intent("Hoe pakken we dit aan volgens het recept?")
    'apply'
    >>> question_intent("Wanneer was de conferentie?")
    'factual'
    >>> question_intent("Which agency facilitated the conference?")
    'factual'
    """
    if _MOTION.search(text) and re.search(
        r"\b(stel|schrijf|schrijven|maak|maken|draft|write|make|create|opstellen|formuleer|"
        r"concept|motie over|motion on|motion about)\b",
        text,
        re.I,
    ):
        return "motion"
    if _QUOTE.search(text):
        return "quote"
    if _APPLY.search(text):
        return "apply"
    if _FACT.search(text):
        return "factual"
    return "general"


_FRAME = re.compile(
    r"\b(?:(?:wat|hoe)\s+)?(?:zegt|staat|noemt|schrijft|vindt)\s+(?:er\s+)?(?:in\s+)?"
    r"(?:het|dit|de|deze)\s+(?:recept|document|brief|stuk|tekst)(?:\s+(?:iets|erover))?"
    r"(?:\s+(?:over|van|bij))?\b"
    r"|\b(?:what\s+)?(?:does|do)\s+(?:the|this)\s+(?:recipe|document|letter|text)\s+"
    r"(?:say|tell|mention)(?:\s+(?:us|me))?(?:\s+(?:about|on|regarding))?\b"
    r"|\b(?:volgens|in)\s+(?:het|dit)\s+recept\b|\b(?:according to|in)\s+the\s+recipe\b",
    re.I,
)


def sentences_of(text: str) -> list[str]:
    """The sentences of a question or message, split after '.', '?' and '!'.

    >>> sentences_of("Wij zijn klein. Wat nu? Graag snel!")
    ['Wij zijn klein.', 'Wat nu?', 'Graag snel!']
    """
    return re.split(r"(?<=[.?!])\s+", text.strip())


def asking_sentence(question: str) -> str:
    """The sentence that asks: the last one with a question mark, else the whole question;
    leading quotes and spaces gone, so its first word stands at 0.

    >>> asking_sentence("De Wmo-inkoop loopt vast. Wat zegt het recept daarover?")
    'Wat zegt het recept daarover?'
    >>> asking_sentence('  "Gunnen" graag uitgelegd')
    'Gunnen" graag uitgelegd'
    """
    asks = [s for s in sentences_of(question) if s.endswith("?")]
    return (asks[-1] if asks else question).strip().lstrip("\"'‘“„(")


# An indirect question: "Ik wil weten of …", "ik vraag me af wie …", "I'd like to know …".
_INDIRECT = re.compile(
    r"\b(?:(?:wil|willen|wilde|wou|zou|zouden)\s+(?:\w+\s+)?(?:graag\s+)?weten|"
    r"vraag\s+(?:me|mij|ik\s+me|ik\s+mij)\s+af|benieuwd|"
    r"(?:like|want|wanted|need)\s+to\s+know|wonder(?:ing)?)\b",
    re.I,
)


def asking_sentences(question: str) -> list[str]:
    """Every sentence that asks: one with a question mark, or an indirect question; else the
    whole question. Leading quotes and spaces gone, as in :func:`asking_sentence`.

    >>> asking_sentences("Welke casussen kwamen aan bod? Ik wil weten of Texel erbij zat.")
    ['Welke casussen kwamen aan bod?', 'Ik wil weten of Texel erbij zat.']
    >>> asking_sentences("Wij zijn een kleine gemeente. Wat zegt de brief?")
    ['Wat zegt de brief?']
    """
    asks = [s for s in sentences_of(question) if s.endswith("?") or _INDIRECT.search(s)]
    return [s.strip().lstrip("\"'‘“„(") for s in asks or [question]]


def strip_frame(question: str) -> str:
    """The question without phrases that only point at the document itself, which would
    otherwise make the document's own title the best match for everything.

    >>> strip_frame("Wat zegt het recept over een crisis?")
    'een crisis?'
    >>> strip_frame("What does the recipe say about trust?")
    'trust?'
    >>> strip_frame("Wat zegt het recept?")
    'Wat zegt het recept?'
    """
    stripped = " ".join(_FRAME.sub(" ", question).split())
    return stripped if re.search(r"[^\W\d_]{3}", stripped) else question


_WANTS_KIND = (
    (
        "ingredient",
        re.compile(
            r"\b(?:welk|welke|which|what)\s+(?:van\s+de\s+)?(?:ingredi[eë]nt|ingredient)", re.I
        ),
    ),
    (
        "quote",
        re.compile(
            r"\b(?:welk|welke|which|what)\s+(?:van\s+de\s+)?(?:citaat|citaten|uitspraak|quote)",
            re.I,
        ),
    ),
)


def wanted_kind(text: str) -> str:
    """The section kind a question explicitly asks for ("welk ingrediënt", "which quote").

    >>> wanted_kind("Welk ingrediënt gaat over lef?"), wanted_kind("Which quote is about trust?")
    ('ingredient', 'quote')
    >>> wanted_kind("Wat is lef?")
    ''
    """
    return next((kind for kind, rx in _WANTS_KIND if rx.search(text)), "")


def kind_topic(text: str) -> str:
    """What the sentence that asks for a kind of section says it should be about: that
    sentence without the words that ask for the kind, not the situation told around it.

    >>> kind_topic("Wij bouwen samen woningen. Welk ingrediënt gaat over lef?").strip()
    'gaat over lef?'
    """
    sentence = next((s for s in sentences_of(text) if wanted_kind(s)), "")
    for _, rx in _WANTS_KIND:
        sentence = rx.sub(" ", sentence)
    return sentence


_OVERVIEW_HEAD = re.compile(
    r"\b(ingredi[eë]nten|ingredients|samenvatting|samenvatten|vat\b.*\bsamen|overzicht|"
    r"summary|summari[sz]e|overview)\b",
    re.I,
)


def asks_for_overview(text: str) -> bool:
    """Whether the question asks for all ingredients or a summary, without a topic.

    >>> asks_for_overview("Geef alle ingrediënten"), asks_for_overview("What are the ingredients?")
    (True, True)
    >>> asks_for_overview("Welke ingrediënten passen bij een crisis?")
    False
    >>> asks_for_overview("Vat de brief samen"), asks_for_overview("hoeveel ingredienten zijn er")
    (True, True)
    """
    if not _OVERVIEW_HEAD.search(text):
        return False
    words = re.findall(r"[^\W_]+", fold(text))
    frame = word_list("overview_words", folded=True)  # anything else is a topic
    return all(w in frame for w in words)
