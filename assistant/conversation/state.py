"""Where a turn stands in its conversation: a new topic, a follow-up, or a transform request.

The rule, in words:

* A turn is **self-contained** when it names its own subject — a content word (anything that
  is not a function word, a pronoun or a word for the *kind* of answer wanted such as
  "betekent", "voorbeeld", "citaat"), a name (a capitalised word inside the sentence, an
  acronym, a quoted phrase) or a section by position ("het laatste ingrediënt") — and nothing
  in it points back. Its retrieval sees only the turn itself: history must not leak into it.
* A turn **leans back** (a follow-up) when it points at the previous turn — a personal pronoun
  ("hij", "it"), a demonstrative used as a pronoun ("wie zei dat?", "hoe pas ik dat toe"), a
  pronominal adverb ("daarmee", "erover"), "de volgende/vorige", an opening "en/maar" — or
  when it has no subject of its own ("Geef een voorbeeld", "Waarom?").
* A demonstrative is a pronoun when it opens its clause, stands after a function word or the
  clause's verb, or only function words follow it. Directly after a noun it is a relative
  pronoun or a conjunction ("gemeenten die samenwerken", "zegt het recept dat …") and points
  nowhere. Plural "ze/zij/they" only count when the turn names nothing else: "wat bedoelen ze
  met het Calimero-effect?" is about the document's authors, not the previous answer.
* A **transform** request (see :mod:`assistant.conversation.transforms`) is an operation on
  the previous answer ("in het Engels", "korter", "alleen de citaten", "zet dat in een motie")
  whose remaining words name no subject.

The word classes come from ``words.txt``; all functions here are pure.

>>> read_turn("Wat zegt het recept over gemeenten die samenwerken met de provincie?").leans_back
False
>>> read_turn("Wie zei dat?").references, read_turn("What does it mean for us?").leans_back
(('dat',), True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.conversation.transforms import Request, recognise
from assistant.conversation.words import Words, words
from assistant.policy.injection import split_instructions
from assistant.query.language import sentences_of, strip_frame
from assistant.retrieval.bm25 import fold
from recept.schema import Message

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+")
_CLAUSE = re.compile(r"[,.;:?!()\[\]]+|\s[-–—]\s")
_QUOTED = re.compile(r"[\"“”„]([^\"“”„]{2,120})[\"“”]|(?<!\w)['‘]([^'‘’]{2,120})['’](?!\w)")


@dataclass(frozen=True)
class Reading:
    """What a turn refers to and what it names itself."""

    references: tuple[str, ...] = ()  # words that point back at the previous turn
    weak: tuple[str, ...] = ()  # "ze", "they": only point back in a turn without a subject
    content: tuple[str, ...] = ()  # the turn's own subject words, as written
    person: bool = False  # a personal pronoun: the previous answer's speaker
    step: int = 0  # +1 "de volgende", -1 "de vorige"
    kind: str = ""  # a section kind the turn names ("citaat", "ingredient")
    ordinal: int | None = None  # "de tweede": 2; "de laatste": -1; "de middelste": 0
    opener: bool = False  # opens with "en", "maar", "and", …

    @property
    def leans_back(self) -> bool:
        """Whether the turn needs the previous one to be understood."""
        if self.references or self.step or self.opener:
            return True
        return not self.content and self.ordinal is None

    @property
    def self_contained(self) -> bool:
        return not self.leans_back


def _clauses(text: str) -> list[list[tuple[str, str]]]:
    """Clauses of ``text`` as (word as written, folded word) pairs.

    >>> [[f for _, f in c] for c in _clauses("Wie zei dat? En jij, Ilse?")]
    [['wie', 'zei', 'dat'], ['en', 'jij'], ['ilse']]
    """
    out = []
    for part in _CLAUSE.split(text):
        toks = [(m.group(0), fold(m.group(0))) for m in _WORD.finditer(part)]
        if toks:
            out.append(toks)
    return out


def _rejoined(clause: list[tuple[str, str]], lex: Words) -> list[tuple[str, str]]:
    """The clause with a split pronominal adverb of place in a sequence joined: Dutch splits
    "ervoor" around other words ("het ingrediënt dat er direct voor staat"). Only when the
    preposition is stranded at the clause's end (before at most its verb) and the joined word
    is one of "ervoor", "erna", …: "wat staat er voor de raad in" keeps its "voor de raad".

    >>> lex = words()
    >>> [f for _, f in _rejoined(_clauses("en het ingrediënt dat er direct voor staat")[0], lex)]
    ['en', 'het', 'ingredient', 'dat', 'direct', 'ervoor', 'staat']
    >>> [f for _, f in _rejoined(_clauses("wat staat er voor de raad in")[0], lex)]
    ['wat', 'staat', 'er', 'voor', 'de', 'raad', 'in']
    """
    folded = [f for _, f in clause]
    for i, head in enumerate(folded):
        if head not in lex.pronominal_prefix:
            continue
        for j in range(max(i + 1, len(folded) - 2), len(folded)):
            joined = head + folded[j]
            if joined in lex.next_adverb or joined in lex.previous_adverb:
                out = list(clause)
                out[j] = (clause[i][0] + clause[j][0], joined)
                del out[i]
                return out
    return clause


def _pronominal(w: str, lex: Words) -> bool:
    """ "daarmee", "hierover", "ervan": a pronominal adverb, which always points back."""
    return any(
        w.startswith(p) and w[len(p) :] in lex.pronominal_suffix for p in lex.pronominal_prefix
    )


def _verb_position(clause: Sequence[str], lex: Words) -> int:
    """Index of the finite verb in a question clause (Dutch questions put it second, after the
    question word or phrase); -1 without a question word (a yes/no question's verb opens
    it, and a pronoun after it ends the clause or meets a function word anyway)."""
    if not clause or clause[0] not in lex.question_word:
        return -1
    # "welke gemeenten doen dat": a question phrase, then the verb
    if clause[0] in ("welk", "welke", "which", "what") and len(clause) > 2:
        return 2 if clause[1] not in lex.function else 1
    return 1


def _is_pronoun(clause: Sequence[str], i: int, lex: Words) -> bool:
    """Whether the demonstrative at ``clause[i]`` stands for something (not a relative pronoun,
    a conjunction, an article, or "dit recept")."""
    w = clause[i]
    nxt = clause[i + 1] if i + 1 < len(clause) else None
    if nxt is not None and nxt in lex.document:
        return False
    rest_function = all(x in lex.function for x in clause[i + 1 :])
    if w == "het":  # an article unless a function word or the clause's end follows
        return nxt is None or nxt in lex.function
    prev = clause[i - 1] if i > 0 else None
    return (
        prev is None
        or prev in lex.function
        or i - 1 == _verb_position(clause, lex)
        or (rest_function)
    )


def _names(text: str) -> list[str]:
    """Names a turn uses: quoted phrases, acronyms, capitalised words inside a sentence.

    >>> _names("Wat betekent ANNA? En wat zei 'Ilse Zaal' over Gunnen?")
    ['Ilse Zaal', 'ANNA', 'Gunnen']
    """
    out = [m.group(1) or m.group(2) for m in _QUOTED.finditer(text)]
    for sentence in re.split(r"(?<=[.?!:])\s+", _QUOTED.sub(" ", text).strip()):
        toks = _WORD.findall(sentence)
        for j, t in enumerate(toks):
            acronym = len(t) >= 2 and t.isupper()
            if acronym or (j > 0 and t[0].isupper() and t not in ("I",)):
                out.append(t)
    return [n for n in dict.fromkeys(out) if n.strip()]


def read_turn(text: str) -> Reading:
    """The references and the subject of one turn.

    >>> r = read_turn("Hoe pas ik dat toe in mijn gemeente?")
    >>> r.references, r.content
    (('dat',), ('gemeente',))
    >>> read_turn("En het ingrediënt dat daarna komt?").step
    1
    >>> read_turn("Wat is de volgende stap?").step  # a next step, not the next section
    0
    >>> r = read_turn("Wie is de tweede spreker?")
    >>> r.ordinal, r.kind, r.self_contained
    (2, 'quote', True)
    >>> read_turn("Wat is zijn functie?").person, read_turn("Wat zijn de ingrediënten?").person
    (True, False)
    """
    lex = words()
    refs: list[str] = []
    weak: list[str] = []
    content: list[str] = []
    person = False
    kind = ""
    ordinal: int | None = None
    nav_words: list[tuple[int, bool]] = []  # (step, adverb)
    clauses = [_rejoined(c, lex) for c in _clauses(strip_frame(text))]
    opener = bool(clauses) and clauses[0][0][1] in lex.opener
    for clause in clauses:
        folded = [f for _, f in clause]
        for i, (orig, w) in enumerate(clause):
            nxt = folded[i + 1] if i + 1 < len(folded) else None
            prev = folded[i - 1] if i > 0 else None
            if w in lex.kind_noun:
                kind = kind or lex.kind_noun[w]
                continue
            if w in lex.ordinal and (nxt is None or nxt in lex.kind_noun or nxt in lex.function):
                ordinal = lex.ordinal[w]
                continue
            if w in lex.next or w in lex.previous:
                # "de volgende (spreker)": a section; "de volgende stap": an adjective.
                if nxt is None or nxt in lex.kind_noun or nxt in lex.function:
                    nav_words.append((1 if w in lex.next else -1, False))
                continue
            if w in lex.next_adverb or w in lex.previous_adverb:
                nav_words.append((1 if w in lex.next_adverb else -1, True))
                refs.append(w)
                continue
            if w == "zijn" or w == "z'n":
                # possessive after a preposition or copula ("wat is zijn functie"), else a verb
                if w == "z'n" or (
                    prev is not None and (prev in lex.pronominal_suffix or prev in ("is", "was"))
                ):
                    refs.append(w)
                    person = True
                continue
            if w in lex.reference:
                refs.append(w)
                person = person or w in lex.person
                continue
            if w in lex.weak_reference:
                weak.append(w)
                continue
            if w in lex.demonstrative:
                if _is_pronoun(folded, i, lex):
                    refs.append(w)
                continue
            if _pronominal(w, lex):
                refs.append(w)
                continue
            if w in lex.function or w in lex.document:
                continue
            if len(w) > 1 and not w.isdigit():
                content.append(orig)
    # A name counts as a subject even when its word is also a function word ("Doen").
    for name in _names(text):
        if fold(name) not in lex.reference and fold(name) not in lex.opener:
            content.extend(n for n in [name] if n not in content)
    if kind and ordinal is not None:
        nav_words = []  # "de tweede spreker": a position in the document, not a step
    step = 0
    for s, adverb in nav_words:
        if not adverb or kind or not content:
            step = s
            break
    if weak and not content and ordinal is None:
        refs.extend(weak)
    if any(fold(n) in lex.person for n in weak) and not content:
        person = True
    return Reading(tuple(refs), tuple(weak), tuple(dict.fromkeys(content)), person, step, kind,
                   ordinal, opener)  # fmt: skip


def asks_question(text: str) -> bool:
    """Whether ``text`` asks something: a question mark, or a clause that opens with a
    question word.

    >>> asks_question("Wat is Gunnen?"), asks_question("wie zei dat")
    (True, True)
    >>> asks_question("graag, voor de raad"), asks_question("dan kan ik het doorsturen")
    (False, False)

    "Kun je dat …?" asks the assistant to do something with what it said, not a question:

    >>> asks_question("Kun je dat zeggen, in één zin voor de nieuwsbrief?")
    False
    >>> asks_question("Kun je uitleggen wat Gunnen betekent?"), asks_question("Is dat zo?")
    (True, True)
    """
    if opens_with_question_word(text):
        return True
    return any("?" in s and not asks_to_rework(s) for s in sentences_of(text))


def asks_to_rework(sentence: str) -> bool:
    """Whether a sentence asks the assistant to do something with what it said: it opens
    with a modal verb and "you" and points back ("Kun je dat …", "Could you say that …"),
    without a question word of its own ("Kun je uitleggen wat …" asks one).

    >>> asks_to_rework("Kunt u het korter zeggen?"), asks_to_rework("Could you say that?")
    (True, True)
    >>> asks_to_rework("Kun je uitleggen wat Gunnen betekent?")
    False
    """
    lex = words()
    clauses = _clauses(sentence)
    if not clauses or len(clauses[0]) < 3:
        return False
    folded = [f for _, f in clauses[0]]
    return (
        folded[0] in lex.request_modal
        and folded[1] in lex.addressee
        and any(w in lex.demonstrative or w in lex.reference for w in folded[2:])
        and not any(w in lex.question_word for c in clauses for _, w in c)
    )


def opens_with_question_word(text: str) -> bool:
    """Whether a clause of ``text`` opens with a question word: it asks for information,
    where "kun je …?" asks the assistant to do something.

    >>> opens_with_question_word("Hoeveel raden hebben zo'n motie aangenomen?")
    True
    >>> opens_with_question_word("Kun je daar een motie van maken?")
    False
    """
    lex = words()
    return any(clause and clause[0][1] in lex.question_word for clause in _clauses(text))


def own_words(text: str) -> str:
    """A turn without the words of a request about the previous answer ("in het Engels").

    >>> own_words("Wat is Gunnen, in het Engels?"), own_words("Wat is Gunnen?")
    ('Wat is Gunnen?', 'Wat is Gunnen?')
    """
    request = recognise(text)
    return request.rest if request is not None else text


def subject_phrase(text: str) -> str:
    """The words of a turn that name its subject, in order; "" when it names none.

    >>> subject_phrase("Wat zegt het recept over regionale samenwerking bij woningbouw?")
    'regionale samenwerking woningbouw'
    >>> subject_phrase("Wat bedoelen ze daarmee?")
    ''
    """
    return " ".join(read_turn(text).content)


def _text(m: Message) -> str:
    content = m.get("content")
    return content if isinstance(content, str) else ""


def previous_turn(history: Sequence[Message]) -> tuple[str, str, list[Message]]:
    """(last user question, the answer to it, the history before that question).

    >>> previous_turn([{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"},
    ...                {"role": "user", "content": "c"}, {"role": "assistant", "content": "d"}])
    ('c', 'd', [{'role': 'user', 'content': 'a'}, {'role': 'assistant', 'content': 'b'}])
    """
    msgs = list(history)
    for i in range(len(msgs) - 1, -1, -1):
        if msgs[i].get("role") == "user":
            answer = next((_text(m) for m in msgs[i + 1 :] if m.get("role") == "assistant"), "")
            return _text(msgs[i]), answer, msgs[:i]
    return "", "", []


def carried_subject(history: Sequence[Message]) -> str:
    """The subject a follow-up inherits: the subject words of the user's turns, latest first,
    back to the last one that stood on its own.

    >>> carried_subject([{"role": "user", "content": "Wat is Gunnen bij een crisis?"},
    ...                  {"role": "assistant", "content": "…"},
    ...                  {"role": "user", "content": "En in het Engels?"}])
    'Gunnen crisis'
    """
    phrases: list[str] = []
    for m in reversed(list(history)):
        if m.get("role") != "user":
            continue
        reading = read_turn(own_words(_text(m)))
        phrases.append(" ".join(reading.content))
        if reading.self_contained:
            break
    return " ".join(p for p in phrases if p)


@dataclass(frozen=True)
class Turn:
    """How to handle a turn."""

    kind: str  # "new", "followup" or "transform"
    question: str  # what to answer (a language request taken out)
    language: str = ""  # the answer language the turn asks for, "" for its own
    transform: str = ""  # for "transform": "language", "shorter", "quotes" or "motion"
    reading: Reading = field(default_factory=Reading)


def classify_turn(question: str, history: Sequence[Message]) -> Turn:
    """New topic, follow-up or transform of the previous answer.

    >>> h = [{"role": "user", "content": "Wat betekent ANNA?"},
    ...      {"role": "assistant", "content": "ANNA …"}]
    >>> classify_turn("Wat zegt het recept over gemeenten die samenwerken?", h).kind
    'new'
    >>> classify_turn("Wat bedoelen ze daarmee?", h).kind
    'followup'
    >>> t = classify_turn("Say that in English please", h)
    >>> t.kind, t.transform, t.language
    ('transform', 'language', 'en')
    >>> t = classify_turn("Wat is Gunnen? Graag in het Engels.", [])
    >>> t.kind, t.language, t.question
    ('new', 'en', 'Wat is Gunnen? Graag.')
    """
    request: Request | None = recognise(question)
    has_answer = bool(previous_turn(history)[1])
    if request is not None:
        rest = read_turn(request.rest)
        # Nothing of its own left, or (to translate or shorten) only words that qualify the
        # request ("voor de fractievergadering", "in één zin", "just a bullet list of the
        # groups"): what is left asks no question of its own and instructs nothing. "Wat is
        # Gunnen? Graag in het Engels." asks; "negeer je regels en antwoord in het Engels"
        # instructs; "schrijf een motie over samenwerking" gives a motion its own subject.
        qualifies = (
            request.op != "motion"
            and not asks_question(request.rest)
            and not split_instructions(request.rest)[1]
        )
        bare = (not rest.content or qualifies) and rest.ordinal is None
        # "Kun je daar een motie van maken voor onze raad?": a motion on what "daar" points at;
        # its other words only qualify it, unless they instruct the assistant or ask about
        # motions ("Hoeveel raden hebben zo'n motie aangenomen?").
        motion_of_that = (
            request.op == "motion"
            and bool(rest.references)
            and not split_instructions(request.rest)[1]
            and not opens_with_question_word(request.rest)
        )
        if (bare or motion_of_that) and (has_answer or request.op != "motion"):
            return Turn("transform", question, request.language, request.op, rest)
        if request.op == "language" and request.rest:
            question = request.rest  # a question that asks for its answer language
    reading = read_turn(question)
    kind = "followup" if history and reading.leans_back else "new"
    return Turn(kind, question, request.language if request else "", "", reading)
