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

from assistant.answering.compose import body_sentences, find_amount, is_amount_question
from assistant.query.language import asking_sentence, asking_sentences, sentences_of, word_list
from assistant.retrieval.bm25 import fold, tokenize
from assistant.retrieval.lexicon import expand_query
from recept.schema import Chunk, Passage


def _alternation(name: str) -> str:
    return "|".join(sorted(word_list(name, folded=True), key=len, reverse=True))


_TITLES = _alternation("office_titles")  # "voorzitter", "alderman": held by one named person
_CLASSES = _alternation("named_classes")  # "gemeenten", "regions": things with proper names
# One word before the noun ("de nieuwe voorzitter", "welke negen regio's"), not a phrase
# ("wie is de brief van gedeputeerde …" asks for no gedeputeerde).
_ADJECTIVE = r"(?!(?:van|of|aan|to|the|de|het)\b)\w+ "

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
            # "hoeveel ontvangt/betaalt/kost …": how much, with a verb of paying or receiving.
            r"\bhoeveel (?:ontvangt|ontvangen|ontving|ontvingen|krijgt|krijgen|kreeg|kregen|"
            r"betaalt|betalen|betaalde|betaalden|kost|kosten|kostte|kostten|bedraagt|bedragen|"
            r"bedroeg|bedroegen)\b|"
            r"\b(?:welk bedrag|hoeveel (?:geld|euro|subsidie|budget)|hoe hoog (?:is|was|zijn|"
            r"waren|wordt|worden|werd|zou|zal)\b|wat (?:kost|kosten|kostte|kostten)\b|"
            # The gaps are groups: what stands in them is the subject, not the interrogative.
            r"(?:heeft|hebben|had|hadden) (.{1,60}) gekost|how much (?:money|funding|budget)|"
            r"what (?:amount|budget)|how much (?:does|did|do|will|would) (.{1,60}) "
            r"(?:cost|pay|spend|contribute|receive|get))\b"
        ),
    ),
    (
        # "Wie is de voorzitter …?", "welke wethouder …?", "who chairs …?": a person's name.
        "person",
        re.compile(
            rf"\bwie (?:is|was|zijn|waren|wordt|werd) (?:de|het|die|deze|hun|haar|zijn) "
            rf"(?:{_ADJECTIVE})?(?:{_TITLES})\b|\bwelke (?:{_ADJECTIVE})?(?:{_TITLES})\b|"
            rf"\bwho (?:is|was|are|were) (?:the|their|its|his|her) "
            rf"(?:{_ADJECTIVE})?(?:{_TITLES})\b|\bwhich (?:{_ADJECTIVE})?(?:{_TITLES})\b|"
            rf"\bwho (?:chairs|chaired|leads|led|heads|headed)\b|"
            rf"\b(?:naam|name) (?:van|of) (?:de|het|the) (?:{_TITLES})\b"
        ),
    ),
    (
        # "Welke gemeenten …?", "which regions …?", "noem de partijen": names of several things.
        "names",
        re.compile(
            # Not "what": "keeping up with what neighbouring towns do" asks for no names.
            rf"\b(?:welke|which) (?:{_ADJECTIVE})?(?:{_CLASSES})\b|"
            rf"\b(?:noem|name|list) (?:de|alle|the|all) (?:{_ADJECTIVE})?(?:{_CLASSES})\b|"
            rf"\b(?:namen|names) (?:van|of) (?:de|the|alle|all) (?:{_ADJECTIVE})?(?:{_CLASSES})\b"
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

# A proper name in running text: a capitalised word ("Haarlem", "Noord-Holland") or an
# acronym ("VNG"), with the particles of Dutch surnames between ("Van der Berg").
_NAME = re.compile(
    r"(?<![\w'‘“„\"-])(?:[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)*|[A-Z]{2,})"
    r"(?:_(?:(?:van|de|der|den|het|&)_)*(?:[A-Z][a-zà-ÿ]+|[A-Z]{2,}))*".replace(
        "_",
        r"(?:[ \t]+|[ \t]*\n[ \t]*)",  # a name may wrap a line, never a paragraph
    )
)
NAMES_NEEDED = {"person": 1, "names": 2}  # one person's name; a list has at least two

TOP = 3  # passages a typed answer must come from: the ones the answer is built on
LABELS = {
    "date": ("datum of tijdstip", "date"),
    "amount": ("bedrag", "amount"),
    "person": ("naam van een persoon", "person's name"),
    "names": ("namen", "names"),
    "count": ("getal", "figure"),  # "hoeveel X": a number next to X (see ``count_missing``)
}


def proper_names(text: str, first_counts: bool = False) -> set[str]:
    """The proper names in ``text``; the first word is capitalised anyway, so it counts
    only when ``first_counts`` (the label of a table row). So is a word that opens a quoted
    phrase, and every word of a heading in capitals: none of them is a name by its capital.

    >>> sorted(proper_names("Vijf gemeenten nemen deel: Duinwaarde, Helmerdijk en Van der Berg."))
    ['Duinwaarde', 'Helmerdijk', 'Van der Berg']
    >>> sorted(proper_names("Gunnen is belangrijk voor de VNG."))
    ['VNG']
    >>> sorted(proper_names("Getekend door Joris\\nWijnands.\\n\\nnamens Helmerdijk"))
    ['Helmerdijk', 'Joris\\nWijnands']
    >>> proper_names("44 STERKE GEMEENTEN, 9 STERKE REGIO'S"), proper_names("de dag 'Sterke regio'")
    (set(), set())
    """
    if sum(ch.isupper() for ch in text) > sum(ch.islower() for ch in text):
        return set()
    found = list(_NAME.finditer(text))
    first = re.search(r"[^\W\d_]", text)
    return {m.group(0) for m in found if first_counts or first is None or m.start() > first.start()}


def qualifying_names(text: str) -> list[str]:
    """The proper names that qualify what is asked: after "van", "of", "uit", "in" ("de
    burgemeester van Bloemendaal", "the mayor of Haarlem"); not every capital ("the King's
    commissioner", an English noun written with one).

    >>> qualifying_names("Wie is de burgemeester van Bloemendaal?")
    ['Bloemendaal']
    >>> qualifying_names("Who is the King's commissioner?")
    []
    """
    return [
        m.group(1)
        for m in re.finditer(
            r"\b(?:van|of|uit|in|from|bij|at)\s+(?:de\s+|het\s+|the\s+)?(" + _NAME.pattern + ")",
            text,
        )
    ]


def asked_kind(question: str) -> str:
    """The kind of value the question asks for ('date', 'amount', 'person', 'names'), or ''.

    >>> asked_kind("Wie is de voorzitter van het algemeen bestuur?")
    'person'
    >>> asked_kind("Welke negen regio's zijn dat?"), asked_kind("Welke rol heeft de raad?")
    ('names', '')
    """
    q = _folded(question)
    kind = next((kind for kind, pattern in _ASKS if pattern.search(q)), "")
    if kind in NAMES_NEEDED and not pattern_in_a_question(dict(_ASKS)[kind], question):
        return ""  # "… weten niet voor welke wethouder ze werken. Hoe …?" asks no name
    return kind


def pattern_in_a_question(pattern: re.Pattern[str], question: str) -> bool:
    """Whether ``pattern`` matches a sentence that asks: one ending in a question mark, or
    the whole text when it has none.

    >>> p = re.compile("welke wethouder")
    >>> pattern_in_a_question(p, "Zij weten niet voor welke wethouder ze werken. Wat nu?")
    False
    >>> pattern_in_a_question(p, "welke wethouder gaat erover")
    True
    """
    sentences = sentences_of(question)
    asking = [s for s in sentences if s.rstrip().endswith("?")] or sentences
    return any(pattern.search(_folded(s)) for s in asking)


def _folded(text: str) -> str:
    # "regio's" is "regios" in the word lists.
    return re.sub(r"(?<=\w)['’](?=s\b)", "", fold(text))


def gives_kind(kind: str, text: str) -> bool:
    """Whether ``text`` holds a value of ``kind`` (for names: at least one name).

    >>> gives_kind("person", "Dat zegt Joris Wijnands."), gives_kind("person", "Dat zegt hij.")
    (True, False)
    """
    if kind in NAMES_NEEDED:
        return bool(proper_names(text))
    return bool(_GIVES[kind].search(fold(text)))


def subject_words(question: str) -> set[str]:
    """The question's content stems, with English words' Dutch equivalents, minus the words
    that only ask for the kind ('datum', 'bedrag').

    >>> sorted(subject_words("Op welke datum zijn de verkiezingen?"))
    ['verkies']
    >>> sorted(subject_words("Wat heeft de verbouwing van het stadhuis gekost?"))
    ['stadhuis', 'verbouw']
    >>> sorted(subject_words("How much did Kooglust pay in 2023?"))
    ['2023', 'kooglust']
    """
    q = _ASKS_STRIP.sub(lambda m: " ".join(["", *filter(None, m.groups()), ""]), _folded(question))
    return set(tokenize(expand_query(q))) - _KIND_WORDS


# The words that ask for a date or an amount are no subject; an office ("voorzitter") or a
# class of named things ("regio's") is: the names must be of that office or class.
_ASKS_STRIP = re.compile("|".join(p.pattern for k, p in _ASKS if k in ("date", "amount")))
_KIND_WORDS = set(tokenize("datum dag jaar bedrag geld euro budget kost kosten"))


def kind_given(
    question: str,
    kind: str,
    passages: Sequence[Passage],
    vocabulary: Collection[str],
    context: str = "",
) -> bool:
    """Whether the top passages give a value of ``kind`` about the subject.

    About the subject means: the sentence (with its heading) holds at least half of the
    question's subject words that the documents use, so a date next to one shared word
    ("provincie") is not the date of something else the question names. Words the documents
    never use (a misspelling, the user's own verb) are no evidence either way. A date or an
    amount must stand in one such sentence. Names are read per passage: a passage about the
    subject (its text, heading and speaker) that names a person, or, for a list, two or more
    things (a list's items, a table's rows, and across passages).
    """
    known, need = _subject(question, kind, vocabulary, context)
    if kind in NAMES_NEEDED:
        # "Wie is de burgemeester van Bloemendaal?": a name the documents never use is
        # something they say nothing about, so no name they give answers for it.
        # A passage about another one's burgemeester does not answer it either: every name
        # the question uses must stand in the passage.
        vocab = set(vocabulary)
        own = [set(tokenize(n)) for n in qualifying_names(_asking(question, kind))]
        if any(not name & vocab for name in own):
            return False
        asked = _folded(question)
        offices = known & set(tokenize(" ".join(word_list("office_titles", folded=True))))
        names: set[str] = set()
        for p in passages[:TOP]:
            about = f"{p.chunk.title} {p.chunk.speaker} {p.chunk.role} {p.chunk.embed_text}"
            words = set(tokenize(f"{about} {p.chunk.text}"))
            # A passage that names the office asked for ("gedeputeerde") is about it, though
            # the question's other words paraphrase the passage.
            if len(known & words) < need and not (kind == "person" and offices & words):
                continue
            if not all(name <= words for name in own):
                continue
            for _, sentence in _sentences(p):
                found = {n for n in _names(p, sentence) if not _named_in(n, asked)}
                if kind == "person":
                    found = {n for n in found if n == p.chunk.speaker or _personal(n, sentence)}
                names |= found
            if len(names) >= NAMES_NEEDED[kind]:
                return True
        return False
    return any(_gives_about(p, kind, known, need) for p in passages[:TOP])


def _subject(
    question: str, kind: str, vocabulary: Collection[str], context: str
) -> tuple[set[str], int]:
    """The subject words of the sentence that asks for ``kind`` that the documents use, and
    how many of them a sentence must hold to be about it (half, rounded up)."""
    known = subject_words(_asking(question, kind)) & set(vocabulary)
    if not known and context:
        # A follow-up with no subject of its own ("en sinds wanneer is hij dat al?") asks
        # about the previous turn's: its search query (``context``) carries those words.
        known = subject_words(context) & set(vocabulary)
    return known, (len(known) + 1) // 2


def _gives_about(p: Passage, kind: str, known: set[str], need: int) -> bool:
    """Whether one sentence of ``p`` (with its heading), or one cell of a table row (with
    its labels), gives a date or an amount and at least ``need`` of the subject words
    ``known``."""
    units = _cells(p.chunk) or [(f"{c} {s}", f"{c} {s}") for c, s in _sentences(p)]
    return any(
        gives_kind(kind, value) and len(known & set(tokenize(about))) >= need
        for about, value in units
    )


def _cells(chunk: Chunk) -> list[tuple[str, str]]:
    """A table row's cells as (what the cell is about, the cell): the caption, the row's
    first cell and the cell's column label say what its value is of. The value itself must
    stand in the cell: a year in a column label is the date of nothing.

    The labels are read from the row's embedded text, which the parser writes as
    "column: cell" pairs under the caption (``ingest.parse.tables.describe_row``).

    >>> row = Chunk("t", "d", "table", "Bijdrage", 0, 1, "| Kooglust | € 4 | € 5 |",
    ...             "Brief › 2. Kosten. Bijdrage. Gemeente: Kooglust; Realisatie 2023: € 4; "
    ...             "Begroting 2025: € 5", "")
    >>> _cells(row)[1:]
    [('Bijdrage Kooglust Realisatie 2023', '€ 4'), ('Bijdrage Kooglust Begroting 2025', '€ 5')]
    """
    if chunk.kind != "table":
        return []
    cells = [c.strip() for c in chunk.text.strip().strip("|").split("|")]
    out = []
    for cell in cells:
        m = re.search(rf"(?:^|; |\. )([^;.:]*?): {re.escape(cell)}(?:;|$)", chunk.embed_text)
        out.append((f"{chunk.title} {cells[0]} {m.group(1) if m else ''}", cell))
    return out


def value_passage(
    question: str, passages: Sequence[Passage], vocabulary: Collection[str], context: str = ""
) -> Chunk | None:
    """For a question that asks for a date or an amount: the first of the top passages that
    gives one about the subject (as :func:`kind_given` reads it), when the first passage does
    not; else None. The passage that answers what is asked goes first, so the answer leads
    with it and its source list starts where its answer comes from.

    >>> plan = Chunk("a", "d", "section", "Aanpak", 0, 1, "De raad besluit erover.", "", "")
    >>> when = Chunk("b", "d", "section", "Plan", 0, 1, "De raad besluit op 26 juni.", "", "")
    >>> value_passage("Wanneer besluit de raad?", [Passage(plan, 1.0), Passage(when, 0.9)],
    ...               tokenize("raad besluit")).id
    'b'
    >>> value_passage("Wat vindt de raad?", [Passage(plan, 1.0), Passage(when, 0.9)], ["raad"])
    """
    kind = asked_kind(question)
    if kind not in _GIVES or not passages:
        return None
    known, need = _subject(question, kind, vocabulary, context)
    if _gives_about(passages[0], kind, known, need):
        return None
    return next((p.chunk for p in passages[1:TOP] if _gives_about(p, kind, known, need)), None)


def _names(p: Passage, sentence: str) -> set[str]:
    """The proper names a sentence of ``p`` gives: a table row's label counts, and so does
    the speaker of a quote."""
    chunk = p.chunk
    if chunk.kind == "letter_meta":
        sentence = chunk.text  # the value, not the label words of the embedded text
    found = proper_names(sentence, first_counts=chunk.kind == "table")
    return found | ({chunk.speaker} if chunk.speaker else set())


def _named_in(name: str, asked: str) -> bool:
    """Whether the question (folded) already uses the name or a word of it: a name the
    question uses ("… in Haarlem") is not what it asks for, nor is a longer name of that
    thing ("Bureau Jeugdregio Duinkust" for a question about the Jeugdregio Duinkust).

    >>> _named_in("Bureau Jeugdregio Duinkust", "wie leidt de jeugdregio duinkust?")
    True
    >>> _named_in("Joris Wijnands", "wie leidt de jeugdregio duinkust?")
    False
    """
    words = _name_words(name)
    return _folded(name) in asked or any(re.search(rf"\b{w}\b", asked) for w in words)


_PARTICLES = frozenset({"van", "der", "den", "het", "de"})


def _name_words(name: str) -> list[str]:
    """The words of a name (folded) that name something, not its particles.

    >>> _name_words("Hans van der Plas")
    ['hans', 'plas']
    """
    return [w for w in re.findall(r"[^\W\d_]{3,}", fold(name)) if w not in _PARTICLES]


# Before a surname: an initial ("J. de Vries") or a form of address or academic title.
_PERSON_MARK = re.compile(
    r"(?:\b(?:[A-Z]\.)+|\b(?:mevrouw|mevr|mw|meneer|de heer|dhr|mr|drs|dr|ir|prof|ing)\.?)\s*"
    r"(?:\([^)]*\)\s*)?(?:(?:van|de|der|den|ter|ten)\s+)*$",  # "H.J. (Hans) van der Plas"
    re.I,
)


def _personal(name: str, sentence: str) -> bool:
    """Whether ``name`` reads as a person's: a first name and a surname, or a surname after an
    initial or a title. A single capitalised word is as often a place or a body
    ("Vijf gemeenten nemen deel: Duinwaarde, Helmerdijk …").

    >>> _personal("Joris Wijnands", "Dat zegt Joris Wijnands.")
    True
    >>> _personal("Duinwaarde", "Vijf gemeenten nemen deel: Duinwaarde en Helmerdijk.")
    False
    >>> _personal("Jansen", "De commissie wordt geleid door mr. Jansen.")
    True
    >>> _personal("Plas", "De secretaris, drs. H.J. (Hans) van der Plas")
    True
    """
    words = [w for w in name.split() if w.lower() not in _PARTICLES and not w.isupper()]
    if len(words) >= 2:
        return True
    at = sentence.find(name)
    return at > 0 and bool(_PERSON_MARK.search(sentence[:at]))


def _asking(question: str, kind: str) -> str:
    """The sentence that asks for the value, not the situation sketched around it.

    >>> _asking("We zijn een kleine gemeente met veel zorgen. Wanneer start de pilot?", "date")
    'Wanneer start de pilot?'
    """
    pattern = dict(_ASKS)[kind]
    sentences = sentences_of(question)
    return next((s for s in sentences if pattern.search(fold(s))), question)


def _sentences(p: Passage) -> Iterable[tuple[str, str]]:
    """(context, sentence) pairs. A passage's heading or field label counts with each of its
    sentences as context: "Verzenddatum" is what "12 DEC. 2022" is the date of. A letter field
    is found by its label's usual names too ("verzonden" for "Verzenddatum")."""
    if p.chunk.kind == "letter_meta" and p.chunk.embed_text:
        yield "", p.chunk.embed_text
        return
    for sentence in body_sentences(p.chunk) or [p.chunk.text]:
        yield p.chunk.title, sentence


def count_missing(question: str, passages: Sequence[Passage]) -> bool:
    """A "how many X" question whose passages hold no number next to X (or a synonym).

    >>> from recept.schema import Chunk
    >>> ch = Chunk("1", "d", "letter", "t", 0, 1, "Wij spraken met 100 deelnemers.", "", "")
    >>> p = Passage(ch, 1.0)
    >>> count_missing("Hoeveel deelnemers waren er?", [p]), count_missing("Hoeveel leden?", [p])
    (False, True)

    Only the sentence that asks counts: "we ruziën over wie hoeveel betaalt. Welk advies past?"
    asks for advice, not for a number. A sum of money is the kind "amount" (``kind_given``).

    >>> count_missing("We ruziën over wie hoeveel betaalt. Welk advies past hierbij?", [p])
    False
    >>> count_missing("Hoeveel geld kost het?", [p])
    False
    """
    ask = asking_sentence(question)
    return not asked_kind(ask) and is_amount_question(ask) and find_amount(ask, passages) is None


def missing_kind(
    question: str, passages: Sequence[Passage], vocabulary: Collection[str], context: str = ""
) -> str:
    """The kind of value asked for that the top passages do not give, or ''. ``context`` is
    the search query of a follow-up (the question with the previous turn's subject).

    A count the passages do not give ("hoeveel gemeenten …" without a number of them) is on
    topic too: the answer says the documents give no figure and quotes what they do say.
    """
    kind = asked_kind(question)
    if not kind:
        return "count" if count_missing(question, passages) else ""
    if kind_given(question, kind, passages, vocabulary, context):
        return ""
    return kind


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def unmentioned(question: str, lang: str, corpus_folded: str) -> list[str]:
    """The years and names of the sentences that ask that no document mentions: "wat droeg
    Duinwaarde bij in 2021?" when the documents give no figure for 2021, "hoe doet Utrecht
    dat?" when they never name Utrecht. Whatever they say, it is not about that.

    A name is a capitalised word in a Dutch sentence (not its first word); it is mentioned when
    any of its words is, or one of the documents' words starts like it (a misspelt name).
    Acronyms do not count (a document may spell out what the question abbreviates), nor do
    capitals in English, which also marks titles and institutions ("the King's Commissioner")
    that the Dutch text names in Dutch.

    >>> text = "de gemeente duinwaarde betaalde in 2024 17 miljoen; leeuwarden niet."
    >>> unmentioned("Wat betaalde Duinwaarde in 2021?", "nl", text)
    ['2021']
    >>> unmentioned("Hoe doen Utrecht en Leeuwarden dat? Wij zitten in Duinwaard.", "nl", text)
    ['Utrecht']
    >>> unmentioned("What does Utrecht pay in 2024?", "en", text)
    []
    >>> unmentioned("En wat vindt de VNG?", "nl", text)
    []
    >>> unmentioned("Wat betaalt Duinwaarde? Ik wil weten of Utrecht meer betaalt.", "nl", text)
    ['Utrecht']
    """
    out: list[str] = []
    for ask in asking_sentences(question):
        out += [y for y in _YEAR.findall(ask) if not re.search(rf"\b{y}\b", corpus_folded)]
        if lang == "en":
            continue
        for m in _NAME.finditer(ask):
            if m.start() == 0 or ask[m.end() : m.end() + 1].isalnum() or m.group(0).isupper():
                continue  # the first word, part of a longer token ("CdK"), an acronym
            words = _name_words(m.group(0))
            if words and not any(_mentioned(w, corpus_folded) for w in words):
                out.append(m.group(0))
    return list(dict.fromkeys(out))


def _mentioned(word: str, corpus_folded: str) -> bool:
    # A misspelt long name ("Duinwaard") shares all but its last letters with the right one.
    stem = word if len(word) < 8 else word[:-2]
    return bool(re.search(rf"\b{re.escape(stem)}", corpus_folded))


def unmentioned_lead(things: Sequence[str], lang: str) -> str:
    """The sentence that says which asked-for things the documents never mention.

    >>> unmentioned_lead(["2021"], "nl")
    'De documenten noemen 2021 nergens. Wel staat er over dit onderwerp:'
    >>> unmentioned_lead(["Utrecht", "Gelderland"], "en")
    'The documents never mention Utrecht or Gelderland. What they do say about the subject:'
    """
    if lang == "en":
        named = " or ".join(things)
        return f"The documents never mention {named}. What they do say about the subject:"
    return f"De documenten noemen {' of '.join(things)} nergens. Wel staat er over dit onderwerp:"


def partial_lead(kind: str, lang: str) -> str:
    """The sentence that says what the documents do not give, before what they do say.

    >>> partial_lead("date", "nl")
    'De documenten noemen hiervoor geen datum of tijdstip. Wel staat er over dit onderwerp:'
    """
    nl, en = LABELS[kind]
    if lang == "en":
        return f"The documents give no {en} for this. What they do say about the subject:"
    return f"De documenten noemen hiervoor geen {nl}. Wel staat er over dit onderwerp:"
