"""When the documents do not answer: features of the question and retrieval, and a policy.

Raw e5 cosines sit high for any Dutch text (0.78–0.90) and barely separate in-scope from
out-of-scope questions, so the policy leans on checks that generalise:

* the question is closer to a description of something the document never covers (its
  profile's off-topic descriptions: for the recipe budget figures, who holds an office, other
  laws, cooking recipes, weather, …) than to any passage;
* a very low dense score means nothing relevant was found.

A question on the documents' subject that asks for a value they do not give (a date, an
amount, a count) is answerability's to judge: a partial answer, not a refusal.

Advice questions ("hoe pas ik … toe bij woningbouw") are answered from the text even when
their situation is not in it: applying a document to one's own case is what it is for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from assistant.query.language import asking_sentence, detect_language, question_intent
from assistant.retrieval.bm25 import fold, tokenize
from assistant.retrieval.lexicon import expansions, split_compound
from assistant.retrieval.retrieve import Closeness, title_matches
from recept.schema import Passage

# "Van wie is de uitspraak …" asks whose words they are, not who holds an office.
_WHO_IS = re.compile(
    r"(?<!\bvan\s)(?<!\bdoor\s)"
    r"\b(?:wie\s+(?:is|was|zijn|waren)|who\s+(?:is|was|are|were))\s+(?:de|het|the)\s+"
    r"([^\W\d_]+(?:-[^\W\d_]+)*)",
    re.I,
)


def asked_office(question: str) -> str | None:
    """The office X of a "wie is de X" question, folded; None for other questions.

    >>> asked_office("Wie is de directeur-generaal?"), asked_office("Wat is Doen?")
    ('directeur-generaal', None)
    """
    m = _WHO_IS.search(question)
    return fold(m.group(1)) if m else None


def office_named(question: str, vocabulary: AbstractSet[str]) -> bool | None:
    """For a "wie is de X" question: whether the document names the office X at all.

    Such questions ask for a person by office ("Wie is de burgemeester van …?"). When X does
    not occur in the text (nor its Dutch word, for English), nothing can answer it; when it
    does, the question is about the document whatever it resembles. None: not such a
    question, or an English word without a known Dutch equivalent.

    >>> office_named("Wie is de burgemeester van Bloemendaal?", {"commissaris", "koning"})
    False
    >>> office_named("Who is the commissaris van de Koning?", {"commissaris", "koning"})
    True
    >>> office_named("Who is the chair?", {"commissaris"}) is None
    True
    >>> office_named("Van wie is de uitspraak over lef?", {"commissaris"}) is None
    True
    """
    word = asked_office(question)
    if word is None or not vocabulary:
        return None
    if detect_language(question) == "en":
        wanted = {t for e in expansions([word]) for t in tokenize(e)} | (
            set(tokenize(word)) & vocabulary  # a Dutch title inside English
        )
        if not wanted:
            return None
    else:
        wanted = set(tokenize(word))
    return any(_occurs(t, vocabulary) for t in wanted)


def _occurs(token: str, known: AbstractSet[str]) -> bool:
    """Whether a (stemmed) word occurs: itself, a derivation sharing all but its last few
    letters ("gespreksleider" ~ "gespreksleiding"), or a compound of two known words
    ("jeugdzorgregio"), but not on a stray tail ("burgemee" ends in "mee").

    >>> _occurs("spreksleider", {"spreksleid"}), _occurs("burgemee", {"mee", "burg"})
    (True, False)
    """
    if token in known or len(split_compound(token, known)) == 2:
        return True
    stem = token[: max(6, len(token) - 3)]
    return len(token) >= 8 and any(k.startswith(stem) for k in known)


# Named laws: "…wet", "wet op …", an article, or the usual short names of Dutch laws (Wgr is
# the Wet gemeenschappelijke regelingen, Awb the Algemene wet bestuursrecht, …).
_LAW = re.compile(
    r"\b([^\W\d_]{3,}wet|wet\s+[^\W\d_]+\s+[^\W\d_]+)\b|\b(?:artikel|article)\s+\d+"
    r"|\b(?:Wgr|Wmo|Awb|Woo|Wob|Wabo|Wro|Wkb|Wvggz|Wzd|Wbb|Wsw|Wft|Fvw|Wfsv)\b",
    re.I,
)


def law_missing(question: str, corpus_folded: str) -> bool:
    """The question asks about a law (…wet) or an article the document never mentions. A law
    named only in the situation the asker sketches ("… says the Wmo forbids it. What would the
    recipe say?") does not make the question one about that law.

    >>> law_missing("Zij roepen steeds 'mag niet van de Wmo'. Wat zegt het recept?", "")
    False

    >>> law_missing("Kunt u artikel 147 van de Gemeentewet toelichten?", "wet- en regelgeving")
    True
    >>> law_missing("Wat zegt het recept over wet- en regelgeving?", "wet- en regelgeving")
    False
    >>> law_missing("What is the Wgr deadline for a zienswijze?", "wet- en regelgeving")
    True

    An article of the document itself is not missing; one of a law it never names is:

    >>> agreement = "artikel 6 stuurgroep ... artikel 12 geschillen"
    >>> law_missing("What does article 6 say?", agreement), law_missing("En artikel 1?", agreement)
    (False, True)
    >>> law_missing("Wat zegt artikel 6 van de Gemeentewet?", agreement)
    True
    """
    for m in _LAW.finditer(asking_sentence(question)):
        phrase = fold(m.group(0))
        if phrase.startswith(("artikel", "article")):
            # A document with articles of its own (an agreement, a regulation) has this one
            # when "artikel N" stands in it; a law named beside it is checked on its own.
            if not re.search(rf"\bartikel {phrase.split()[-1]}\b", corpus_folded):
                return True
            continue
        if phrase not in corpus_folded:
            if phrase.startswith("wet ") and " en " in f" {phrase} ":
                continue  # "wet en regelgeving" is a phrase, not a named law
            return True
    return False


# What a provincial letter about cooperation does not contain, described as passages would be.
# In Dutch only, like the passages: an English question is then cross-lingual to both sides.


@dataclass(frozen=True)
class Features:
    dense_top: float  # best cosine among the top passages
    off_topic: float  # best cosine with an OFF_TOPIC description
    title_hit: bool  # the question names a section title or speaker
    intent: str
    language: str
    office_named: bool | None = None  # "wie is de X": does the document name office X?
    law_missing: bool = False  # names a law or article the document never mentions
    # Off-topic cosine minus best passage cosine, both of the adapted question vector.
    adapted_lead: float | None = None
    # A question that names a title or speaker: the same comparisons for what it asks of
    # them (the question without the names), or None when nothing is left to judge.
    rest: Features | None = None
    # One passage uses every word the asking sentence is about (two or more).
    words_together: bool = False

    def __str__(self) -> str:
        return (
            f"dense={self.dense_top:.3f} off_topic={self.off_topic:.3f} "
            f"office_named={self.office_named} "
            f"law_missing={self.law_missing} adapted_lead={self.adapted_lead} "
            f"title={self.title_hit} intent={self.intent}"
            + (f" rest=({self.rest})" if self.rest is not None else "")
        )


def _closest(vector: Sequence[float], others: Sequence[Sequence[float]]) -> float:
    return max((sum(a * b for a, b in zip(vector, v, strict=True)) for v in others), default=0.0)


def _lead(
    adapted: tuple[Sequence[float], float] | None, off_topic_vecs: Sequence[Sequence[float]]
) -> float | None:
    """The adapted vector's best off-topic cosine minus its best passage cosine."""
    return None if adapted is None else _closest(adapted[0], off_topic_vecs) - adapted[1]


def refusal_features(
    question: str,
    passages: Sequence[Passage],
    query_vec: Sequence[float],
    off_topic_vecs: Sequence[Sequence[float]],
    vocabulary: AbstractSet[str] = frozenset(),
    corpus_folded: str = "",
    dense_top: float | None = None,
    adapted: tuple[Sequence[float], float] | None = None,
    rest: tuple[Sequence[float], Closeness] | None = None,
    words_together: bool = False,
) -> Features:
    """``dense_top``: the best cosine among all retrieval candidates; by default the best among
    the first five passages (the same when passages are in fusion order). ``adapted``: the
    adapted question vector and its best cosine with a passage, when there is an adapter.
    ``rest``: for a question that names a title or speaker, the vector of what it asks of
    them (:func:`without_titles`) and how close that came to the passages.
    ``words_together``: one passage uses every word the asking sentence is about."""
    dense = dense_top
    if dense is None:
        dense = max((p.dense for p in passages[:5] if p.dense is not None), default=0.0)
    named = bool(title_matches(question, [p.chunk for p in passages]))
    features = Features(
        dense_top=dense,
        off_topic=_closest(query_vec, off_topic_vecs),
        office_named=office_named(question, vocabulary),
        law_missing=bool(corpus_folded) and law_missing(question, corpus_folded),
        adapted_lead=_lead(adapted, off_topic_vecs),
        title_hit=named,
        intent=question_intent(question),
        language=detect_language(question),
        words_together=words_together,
    )
    vec, near = rest if rest is not None else ([], Closeness(None))
    if not named or near.plain is None:
        return features
    # What is asked of the named title: the same comparisons, for the vector of the rest.
    asked = replace(
        features,
        dense_top=near.plain,
        off_topic=_closest(vec, off_topic_vecs),
        adapted_lead=_lead(near.adapted, off_topic_vecs),
        title_hit=False,
    )
    return replace(features, rest=asked)


@dataclass(frozen=True)
class RefusalPolicy:
    """Refuse unanswerable questions; see the module docstring for the rules."""

    threshold: float  # dense cosine below which nothing relevant was found
    margin: float = 0.0  # how much closer to an off-topic description than to any passage
    # English questions meet Dutch passages across languages, which costs their best passage
    # about 0.02–0.03 of cosine (measured on the golden set); the Dutch descriptions don't pay it.
    cross_lingual_margin: float = 0.03
    # Someone asking what the recipe advises for their own situation asks about the recipe's
    # subject; a near tie with an off-topic description is not enough to refuse advice.
    apply_margin: float = 0.02
    # The query adapter is trained to pull a question the recipe answers towards its passages
    # and one it does not towards these off-topic descriptions. With it, the adapted vector's
    # lead decides instead of the plain one's. Set on the training sets' cross-validation
    # (answerable questions: 2 of 263 above 0.03; out of scope: 26 of 41).
    adapted_threshold: float = 0.03
    # The adapter learnt "off topic" from 41 questions; a question far off every subject of
    # them can stay near its plain place. No answerable question of the nine question sets
    # leads the plain comparison by more than 0.04, so a plain lead above this still refuses.
    plain_clear: float = 0.05

    @classmethod
    def default(cls, override: float = 0.0) -> RefusalPolicy:
        return cls(override or 0.77)

    def reasons(self, f: Features) -> list[str]:
        out = []
        margin = self.margin + (self.cross_lingual_margin if f.language == "en" else 0.0)
        margin += self.apply_margin if f.intent == "apply" else 0.0
        # A named title or speaker is the question's subject, not a pass: what it asks of
        # them ("Wat zegt Ilse Zaal over het weer?") is judged as a question of its own.
        # Nothing left to judge ("Wat betekent Gunnen?"): the title is all it asks about.
        topic = f if not f.title_hit else f.rest
        # An office the document names makes the question in scope, however much it
        # resembles "who is the mayor of …".
        # A passage that uses every word the question is about is about its subject, however
        # near a description of something else the question's vector falls ("Wat zegt het
        # recept over samenwerking tussen gemeenten?").
        if f.office_named is not True and topic is not None and not f.words_together:
            out += self._off_topic(topic, margin)
        if f.law_missing and f.intent != "apply":  # advice for a law's setting is fine
            out.append("die wet of dat artikel komt in het document niet voor")
        if f.office_named is False:
            out.append("naar die functie wordt in het document niet verwezen")
        # A named title was found, whatever the cosines of the rest.
        if f.dense_top < self.threshold and not f.title_hit:
            out.append(f"lage gelijkenis ({f.dense_top:.3f})")
        return out

    def _off_topic(self, f: Features, margin: float) -> list[str]:
        """With an adapter its lead decides, the plain lead only when far off; without one
        the plain lead with its ``margin``."""
        if f.adapted_lead is not None and f.adapted_lead > self.adapted_threshold:
            return [f"onderwerp buiten de documenten (aangepast: {f.adapted_lead:+.3f})"]
        needed = margin if f.adapted_lead is None else self.plain_clear
        if f.off_topic > f.dense_top + needed:
            return [f"onderwerp buiten de documenten ({f.off_topic:.3f} > {f.dense_top:.3f})"]
        return []

    def refuse(self, f: Features) -> bool:
        return bool(self.reasons(f))
