"""The default answer engine: compose an answer from retrieved passages, no LLM.

Everything between quote marks is cut from a retrieved chunk and passes through
:func:`assistant.answering.cite.cite`, so it is verbatim by construction and re-checked anyway.
The frame around the quotes is fixed text in the question's language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from assistant.answering.cite import cite
from assistant.query.language import word_list
from assistant.retrieval.bm25 import fold, tokenize
from assistant.retrieval.lexicon import expand_query, expansions
from ingest.chunk import body_offset
from recept.quotes import display, split_sentences
from recept.schema import KIND_LABELS_NL, Chunk, Citation, Passage

KIND_LABELS_EN = {
    "letter_meta": "letter (details)",
    "letter": "letter",
    "intro": "introduction",
    "participants": "participants",
    "question": "working question",
    "ingredient": "ingredient",
    "quote": "quote",
    "outlook": "what next",
    "closing": "closing line",
    "colophon": "colophon",
    "address": "address",
    "section": "section",
    "table": "table",
}


@dataclass
class Draft:
    text: str
    citations: list[Citation] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Cites:
    """Numbers citations in order of appearance; one number per distinct quote."""

    def __init__(self) -> None:
        self.items: list[Citation] = []

    def add(self, chunk: Chunk, quote: str) -> str:
        for c in self.items:
            if c.chunk_id == chunk.id and c.quote == quote:
                return f"[{c.n}]"
        c2 = cite(len(self.items) + 1, chunk, quote)
        if c2 is None:  # cannot happen for text cut from the chunk; never show it if it does
            return ""
        self.items.append(c2)
        return f"[{c2.n}]"


def body_sentences(chunk: Chunk) -> list[str]:
    """The chunk's sentences after its heading, verbatim slices of ``chunk.text``."""
    off = body_offset(chunk.text)
    body = chunk.text[off:]
    return [body[s:e] for s, e in split_sentences(body)]


def quote_parts(chunk: Chunk) -> tuple[str, str]:
    """(quote text, speaker + role lines) of a quote chunk, both verbatim slices.

    >>> ch = Chunk("q", "d", "quote", "Citaat", 0, 0,
    ...            "### **'Ken uzelf.'**\\n\\n**Hanneke Schipper**\\n\\nDG", "", "",
    ...            speaker="Hanneke Schipper", role="DG")
    >>> quote_parts(ch)
    ("'Ken uzelf.'", '**Hanneke Schipper**\\n\\nDG')
    """
    text = chunk.text
    name_at = text.find(f"**{chunk.speaker}**") if chunk.speaker else -1
    head = text[:name_at] if name_at > 0 else text
    m = re.search(r"[^#*\s].*[^*\s]", head, re.S)
    quote = m.group(0) if m else head.strip()
    who = text[name_at:].strip() if name_at > 0 else ""
    return quote, who


def _overlap(sentence: str, bag: AbstractSet[str], q_tokens: Mapping[str, float]) -> float:
    score = sum(w for t, w in q_tokens.items() if t in bag)
    if re.search(r"\d", sentence):
        score += 0.1
    return score


def sentence_weights(sentences: Sequence[str], question: str) -> dict[str, float]:
    """The question's words (English ones with their Dutch equivalents), each weighted by how
    few of ``sentences`` use it: a word every sentence of a passage shares (its subject, the
    word of its heading) does not tell them apart; one that only a single sentence uses does.

    >>> w = sentence_weights(["De stuurgroep vergadert.", "De stuurgroep besluit bij meerderheid."],
    ...                      "Hoe besluit de stuurgroep?")
    >>> w["besluit"] > w["stuurgroep"]
    True
    """
    return _weights([set(tokenize(s)) for s in sentences], question)


def _weights(bags: Sequence[AbstractSet[str]], question: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for t in set(tokenize(expand_query(question))):
        df = sum(t in b for b in bags)
        out[t] = math.log(1 + len(bags) / df) if df else 0.0
    return out


def _quotable(chunk: Chunk) -> list[str]:
    """The sentences an answer may quote: a letter field whole, other passages by sentence."""
    return body_sentences(chunk) if chunk.kind != "letter_meta" else [chunk.text]


def best_sentences(chunk: Chunk, question: str, n: int = 1) -> list[str]:
    """The ``n`` sentences of ``chunk`` whose words weigh most for the question
    (:func:`sentence_weights`), in text order."""
    sents = _quotable(chunk)
    if len(sents) <= n:
        return sents
    bags = [set(tokenize(s)) for s in sents]
    q = _weights(bags, question)
    ranked = sorted(range(len(sents)), key=lambda i: (-_overlap(sents[i], bags[i], q), i))[:n]
    return [sents[i] for i in sorted(ranked)]


def with_next(chunk: Chunk, picked: Sequence[str]) -> list[str]:
    """``picked`` (sentences of ``chunk``, in text order) and the sentence after the last one.

    A text states a point and often gives its figure, example or consequence in the next
    sentence ("… een enquête onder alle 97 raadsleden. Daarvan deden er 61 mee."): an answer
    that stops at the best-matching sentence stops before the fact.

    >>> text = "Er kwam een enquête. Daarvan deden 61 mee. Klaar."
    >>> ch = Chunk("c", "d", "section", "Aanpak", 0, 1, text, "", "")
    >>> with_next(ch, ["Er kwam een enquête."])
    ['Er kwam een enquête.', 'Daarvan deden 61 mee.']
    >>> with_next(ch, ["Klaar."])
    ['Klaar.']
    """
    sents = _quotable(chunk)
    if not picked or picked[-1] not in sents:
        return list(picked)
    after = sents.index(picked[-1]) + 1
    return [*picked, sents[after]] if after < len(sents) else list(picked)


_AMOUNT = re.compile(
    r"\b(?:hoeveel|hoe veel|how much|how many|het aantal|the number of)\s+([^\W\d_]+(?:'s)?)", re.I
)

AMOUNT_DEPTH = 5  # how many passages an amount question may look through for its number


def is_amount_question(question: str) -> bool:
    """
    >>> is_amount_question("Hoeveel deelnemers waren er?"), is_amount_question("Wie zei dat?")
    (True, False)
    """
    return bool(_AMOUNT.search(question))


def find_amount(
    question: str, passages: Sequence[Passage], depth: int = AMOUNT_DEPTH
) -> tuple[Chunk, str] | None:
    """For a "how many X" question: the first sentence among the top passages with a number
    and X (or a synonym of X) in it; None when no passage has one.

    >>> ch = Chunk("1", "d", "letter", "t", 0, 1, "Wij spraken met 100 deelnemers.", "", "")
    >>> find_amount("Hoeveel mensen deden mee?", [Passage(ch, 1.0)])[1]
    'Wij spraken met 100 deelnemers.'
    >>> find_amount("Hoeveel geld?", [Passage(ch, 1.0)]) is None
    True
    >>> row = Chunk("2", "d", "table", "t", 0, 1, "| Zeeveld | € 6.215.000 |", "", "")
    >>> find_amount("How much did Zeeveld pay?", [Passage(row, 1.0)])[1]
    '| Zeeveld | € 6.215.000 |'

    A verb after "hoeveel" counts no noun: then a number in a sentence about most of the
    question's subject is the amount (a table row with its column headers, here the year).

    >>> row = Chunk("3", "d", "table", "t", 0, 1, "| Zeeveld | € 6.215.000 |",
    ...             "Tabel 1. Kolommen: Gemeente; Realisatie 2023", "")
    >>> find_amount("Hoeveel betaalde Zeeveld in 2023?", [Passage(row, 1.0)])[1]
    '| Zeeveld | € 6.215.000 |'
    """
    m = _AMOUNT.search(question)
    if not m:
        return None
    noun = fold(m.group(1))
    wanted = set(tokenize(noun)) | {t for e in expansions([noun]) for t in tokenize(e)}
    counted = noun not in _function_words() and bool(wanted)
    if counted:
        for p in passages[:depth]:
            for sent in body_sentences(p.chunk) or [p.chunk.text]:
                if _counts(sent, wanted):
                    return p.chunk, sent.lstrip("# ")  # a heading's marks are no part of it
    # No counted noun follows ("hoeveel heeft X betaald", "how much did X pay"): any number
    # (not a year) in a sentence about the subject. The word after "hoeveel" standing next to
    # no number (a verb: "hoeveel betaalde X"): a number in a sentence about at least half of
    # the subject words. The subject is the asking sentence's, not the situation around it;
    # each word (not "hoeveel"/"how much" itself) with its Dutch equivalents.
    start = max(question.rfind(e, 0, m.start()) for e in (". ", "? ", "! ")) + 1
    asking = question[start : m.start()] + re.split(r"(?<=[.?!])\s", question[m.start(1) :])[0]
    subject = [
        stems | set(tokenize(" ".join(expansions([w]))))
        for w in re.findall(r"[^\W_]+", fold(asking))
        if (stems := set(tokenize(w)))
    ]
    need = (len(subject) + 1) // 2 if counted else min(1, len(subject))
    for p in passages[:depth]:
        # A table row is about its caption and column headers; a field about its label.
        context = p.chunk.embed_text if p.chunk.kind in ("table", "letter_meta") else ""
        best, most = "", need - 1
        for sent in body_sentences(p.chunk) or [p.chunk.text]:
            words = tokenize(sent, keep_stopwords=True)
            number = any(w[0].isdigit() and not _YEAR.fullmatch(w) for w in words)
            about = set(tokenize(f"{p.chunk.title} {context} {sent}"))
            shared = sum(1 for forms in subject if forms & about)
            if number and shared > most:  # of the passage's sentences, the most about it
                best, most = sent, shared
        if best:
            return p.chunk, best.lstrip("# ")
    return None


_YEAR = re.compile(r"(?:19|20)\d\d")


def _function_words() -> frozenset[str]:
    """Dutch and English function words: after "hoeveel/how much" they count no noun."""
    words = word_list("function_words_nl") | word_list("function_words_en")
    return frozenset(fold(w) for w in words)


def _counts(sentence: str, wanted: set[str], window: int = 3) -> bool:
    """Whether a number stands at most ``window`` words from one of the ``wanted`` tokens in
    the same clause ("44 gemeenten", "het aantal aanbieders daalde van 212"); years don't
    count, so "in 2022 ... gemeenten" is no count of municipalities.

    >>> _counts("44 STERKE GEMEENTEN, 9 STERKE REGIO'S", {"meen"})
    True
    >>> _counts("Op 26 oktober 2022 spraken gemeenten", {"meen"})
    False
    >>> _counts("Het aantal aanbieders daalde van 212 naar 148.", {"aanbieder"})
    True
    >>> _counts("Er zijn gemeenten, en 12 regio's.", {"meen"})
    False
    """
    for clause in re.split(r"[,;:()]", sentence):
        words = tokenize(clause, keep_stopwords=True)
        for i, w in enumerate(words):
            if w in wanted:
                near = words[max(0, i - window) : i] + words[i + 1 : i + 1 + window]
                if any(b[0].isdigit() and not _YEAR.fullmatch(b) for b in near):
                    return True
    return False


def _join_titles(titles: Sequence[str], lang: str) -> str:
    bold = [f"**{t}**" for t in titles]
    if len(bold) <= 1:
        return "".join(bold)
    return ", ".join(bold[:-1]) + (" en " if lang == "nl" else " and ") + bold[-1]


def _label(kind: str, lang: str) -> str:
    return (KIND_LABELS_NL if lang == "nl" else KIND_LABELS_EN).get(kind, kind)


_SITUATION = re.compile(
    r"\b(?:bij|voor|rond|rondom|binnen|in|for|with|in|regarding|around)\s+"
    r"(?:de|het|een|onze|ons|mijn|our|my|the|a)?\s*([a-zà-ÿ-]{5,}(?:\s[a-zà-ÿ-]{4,})?)\s*\??$",
    re.I,
)


def situation_not_in_corpus(question: str, corpus_folded: str) -> str:
    """The situation a question applies the recipe to, when the recipe never names it.

    >>> situation_not_in_corpus("Hoe pas ik Gunnen toe bij woningbouw?", "gunnen huisvesting")
    'woningbouw'
    >>> situation_not_in_corpus("Hoe pas ik dit toe bij huisvesting?", "huisvesting")
    ''
    """
    m = _SITUATION.search(question.strip())
    if not m:
        return ""
    words = m.group(1).strip()
    if words.lower() in ("gemeente", "mijn gemeente", "onze gemeente", "municipality", "regio"):
        return ""
    return "" if fold(words) in corpus_folded else words


def same_field_elsewhere(top: Chunk, other: Chunk) -> bool:
    """Whether ``other`` is the same letter field as ``top`` in another document: a question
    that names no document asks for both.

    >>> a = Chunk("a:1", "a", "letter_meta", "Brief: kenmerk", 0, 1, "Kenmerk 1", "", "")
    >>> b = Chunk("b:5", "b", "letter_meta", "Brief: kenmerk", 0, 1, "Ons kenmerk: 2", "", "")
    >>> same_field_elsewhere(a, b), same_field_elsewhere(a, a)
    (True, False)
    """
    return (
        top.kind == other.kind == "letter_meta"
        and top.title == other.title
        and top.doc_id != other.doc_id
    )


def compose_answer(
    question: str,
    lang: str,
    intent: str,
    passages: Sequence[Passage],
    *,
    corpus_folded: str = "",
    doc_titles: Mapping[str, str] | None = None,
) -> Draft:
    """An answer from the top passages: lead, verbatim quoted steps with markers, related.

    ``doc_titles`` (document id → title) is given when the corpus holds several documents: then
    each quoted source names its document."""
    cites = _Cites()
    top = passages[0].chunk
    lines: list[str] = []
    notes: list[str] = []
    en = lang == "en"

    # A letter field on top ("wie zei dat?" of the letter's own text: its sender) is the
    # answer, not a quote further down.
    if (intent == "quote" and top.kind != "letter_meta") or top.kind == "quote":
        q_chunk = next((p.chunk for p in passages[:3] if p.chunk.kind == "quote"), top)
        if q_chunk.kind == "quote":
            quote, who = quote_parts(q_chunk)
            m1 = cites.add(q_chunk, quote)
            m2 = cites.add(q_chunk, who) if who else ""
            role = f", {q_chunk.role}" if q_chunk.role else ""
            if en:
                lines.append(f"The quote is by **{q_chunk.speaker}**{role} {m2}".rstrip() + ":")
            else:
                lines.append(f"Het citaat is van **{q_chunk.speaker}**{role} {m2}".rstrip() + ":")
            lines.append(f'> "{display(quote).strip(chr(39))}" {m1}')
            return Draft("\n\n".join(lines), cites.items, notes=notes)

    ingredients = [p for p in passages[:3] if p.chunk.kind == "ingredient"]
    if top.kind == "ingredient" and intent != "factual":
        primary = [passages[0]] + [
            p for p in ingredients[1:2] if p.score >= 0.8 * passages[0].score
        ]
        titles = [p.chunk.title for p in primary]
        many = len(primary) > 1
        if en:
            lead = (
                f"The ingredients {_join_titles(titles, lang)} from the recipe fit this best."
                if many
                else f"The ingredient {_join_titles(titles, lang)} from the recipe fits this best."
            )
        else:
            lead = (
                f"De ingrediënten {_join_titles(titles, lang)} uit het recept passen hier het best."
                if many
                else f"Het ingrediënt {_join_titles(titles, lang)} uit het recept past hier "
                "het best."
            )
        lines.append(lead)
        for p in primary:
            sents = body_sentences(p.chunk)
            head = (
                f"What **{p.chunk.title}** says (quoted in Dutch):"
                if en
                else f"Wat **{p.chunk.title}** zegt:"
            )
            steps = [f'{i}. "{display(s)}" {cites.add(p.chunk, s)}' for i, s in enumerate(sents, 1)]
            lines.append(head + "\n\n" + "\n".join(steps))
        situation = situation_not_in_corpus(question, corpus_folded) if intent == "apply" else ""
        if situation:
            lines.append(
                f"The recipe does not work this out for *{situation}* specifically; the steps "
                "above are what it offers to apply to your situation."
                if en
                else f"Het recept werkt dit niet specifiek uit voor *{situation}*; de stappen "
                "hierboven zijn de handvatten die het biedt om op uw situatie toe te passen."
            )
        used = {p.chunk.id for p in primary}
        related = [
            p.chunk.title
            for p in passages[:6]
            if p.chunk.kind == "ingredient" and p.chunk.id not in used
        ][:3]
        if related:
            lines.append(
                ("Related ingredients: " if en else "Verwante ingrediënten: ")
                + ", ".join(f"**{t}**" for t in related)
                + "."
            )
        return Draft("\n\n".join(lines), cites.items, notes=notes)

    # Facts and everything else: the sentence(s) that hold the answer, from the best passages.
    # A "how many" question leads with the sentence that has the number, wherever it ranked.
    amount = find_amount(question, passages)
    if amount is not None:
        top = amount[0]
        picked: list[tuple[Chunk, list[str]]] = [(top, with_next(top, [amount[1]]))]
    else:
        best = best_sentences(top, question, 1 if intent == "factual" else 2)
        picked = [(top, with_next(top, best))]
    # English words count through their Dutch equivalents ("reference" covers "kenmerk").
    q_tokens = set(tokenize(expand_query(question)))
    covered = set().union(*(set(tokenize(s)) for s in picked[0][1]))
    for p in passages[1:3]:
        if p.chunk.id == top.id or p.score < 0.6 * passages[0].score or p.chunk.kind == "address":
            continue
        if same_field_elsewhere(top, p.chunk):
            # "Wat is het kenmerk van de brief?" over two letters: each letter's own.
            picked.append((p.chunk, [p.chunk.text]))
            continue
        sent = best_sentences(p.chunk, question, 1)
        new = set().union(*(set(tokenize(s)) for s in sent)) & (q_tokens - covered)
        if sent and new:
            picked.append((p.chunk, sent))
            covered |= new
    for chunk, sents in picked:
        if chunk.kind not in ("letter", "letter_meta"):
            where = f"{_label(chunk.kind, lang)}: {chunk.title}"
        else:  # letter titles are Dutch labels ("Brief: kenmerk"); English gets "letter"
            where = _label(chunk.kind, lang) if en else chunk.title
        prefix = "According to the" if en else "Volgens"
        body = " ".join(f'"{display(s)}" {cites.add(chunk, s)}' for s in sents)
        lines.append(f"{prefix} *{where}*{_of_document(chunk, doc_titles, en)}: {body}")
    if top.kind == "ingredient":
        lines.append(
            f"This is the ingredient **{top.title}**."
            if en
            else f"Dit staat bij het ingrediënt **{top.title}**."
        )
    return Draft("\n\n".join(lines), cites.items, notes=notes)


def _of_document(chunk: Chunk, titles: Mapping[str, str] | None, en: bool) -> str:
    """ " (in «Title»)" when the corpus holds several documents, else "".

    >>> ch = Chunk("c", "a", "section", "t", 0, 1, "x", "", "")
    >>> _of_document(ch, {"a": "Raadsbrief", "b": "Recept"}, False), _of_document(ch, None, False)
    (' (in «Raadsbrief»)', '')
    """
    if not titles or len(titles) < 2 or chunk.doc_id not in titles:
        return ""
    return f" (in «{titles[chunk.doc_id]}»)"


def compose_overview(
    lang: str, chunks: Sequence[Chunk], lead: Chunk | None = None, *, letter: bool = False
) -> Draft:
    """A list of sections in document order, each with its first sentence quoted: all
    ingredients, or (``letter``) the paragraphs of the letter.

    ``lead`` (e.g. the introduction) opens the answer with its first sentence. The count in
    the heading is the number of chunks given, so it is right for any document.
    """
    cites = _Cites()
    en = lang == "en"
    lines: list[str] = []
    if lead is not None and (first := body_sentences(lead)):
        prefix = "The recipe opens with" if en else "Het recept begint met"
        lines.append(f'{prefix}: "{display(first[0])}" {cites.add(lead, first[0])}')
    n = len(chunks)
    if letter:
        head = "The letter in brief (quoted in Dutch):" if en else "De brief in het kort:"
    else:
        head = (
            f"The recipe names {n} ingredients (quoted in Dutch):"
            if en
            else f"Het recept noemt {n} ingrediënten:"
        )
    lines.append(head)
    items = []
    for i, chunk in enumerate(chunks, 1):
        sents = body_sentences(chunk)
        if not sents:
            continue
        quote = f'"{display(sents[0])}" {cites.add(chunk, sents[0])}'
        items.append(f"{i}. {quote}" if letter else f"{i}. **{chunk.title}** — {quote}")
    lines.append("\n".join(items))
    if not letter:
        lines.append(
            "Ask about one of them to see all its steps."
            if en
            else "Vraag naar een van deze ingrediënten om alle stappen te zien."
        )
    return Draft("\n\n".join(lines), cites.items)


def compose_instruction_refusal(lang: str) -> Draft:
    """The reply to a question that only tries to change the assistant's rules."""
    if lang == "en":
        return Draft(
            "I only answer questions about the recipe, with verbatim quotes from it. "
            "Instructions in a question do not change that, and my setup is not part of the "
            "document. Ask me about an ingredient, a quote or the letter."
        )
    return Draft(
        "Ik beantwoord alleen vragen over het recept, met letterlijke citaten eruit. "
        "Instructies in een vraag veranderen dat niet, en mijn instellingen staan niet in het "
        "document. Vraag gerust naar een ingrediënt, een citaat of de brief."
    )


def compose_refusal(lang: str, suggestions: Sequence[str], documents: Sequence[str] = ()) -> Draft:
    """A plain refusal in the user's language that names the documents searched, with
    sections to ask about instead.

    >>> print(compose_refusal("en", ["Gunnen"], ["Recept", "Raadsinformatiebrief"]).text)
    ... # doctest: +NORMALIZE_WHITESPACE
    The documents searched («Recept», «Raadsinformatiebrief») do not answer this question: they
    say nothing about it, so I will not make anything up.
    <BLANKLINE>
    You could ask about: **Gunnen**.
    """
    sug = list(dict.fromkeys(suggestions))[:3]
    names = ", ".join(f"«{d}»" for d in documents)
    if lang == "en":
        subject = (
            f"The document {names} does not" if len(documents) == 1 else
            f"The documents searched ({names}) do not" if documents else "The documents do not"
        )  # fmt: skip
        they = "it says" if len(documents) == 1 else "they say"
        text = (
            f"{subject} answer this question: {they} nothing about it, "
            "so I will not make anything up."
        )
        if sug:
            text += "\n\nYou could ask about: " + ", ".join(f"**{s}**" for s in sug) + "."
    else:
        subject = (
            f"Het document {names} beantwoordt" if len(documents) == 1 else
            f"De doorzochte documenten ({names}) beantwoorden" if documents else
            "De documenten beantwoorden"
        )  # fmt: skip
        text = f"{subject} deze vraag niet: er staat niets over in, dus ik verzin er niets bij."
        if sug:
            text += "\n\nU kunt wel vragen naar: " + ", ".join(f"**{s}**" for s in sug) + "."
    return Draft(text, [], suggestions=sug)
