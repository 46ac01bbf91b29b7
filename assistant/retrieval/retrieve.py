"""Hybrid retrieval: dense (e5 via the vector store) + BM25 + section-title matches, fused by RRF.

Each ranking is good at different questions: dense at paraphrases ("afspraken die ook echt
iets afdwingen" → *Doen*), BM25 at exact facts (a kenmerk, a name), title matches at questions
that name an ingredient ("Hoe pas ik Gunnen toe?"). Reciprocal rank fusion needs no score
calibration between them.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from assistant.query.language import question_intent, strip_frame, word_list
from assistant.retrieval.adapter import QueryAdapter
from assistant.retrieval.bm25 import BM25, fold, tokenize, with_parts
from assistant.retrieval.lexicon import expand_query, split_compound
from assistant.retrieval.rerank import LinearRanker, Signals, features
from assistant.retrieval.thesaurus import Thesaurus
from ingest.embed.embedder import Embedder
from ingest.parse.header import field_words
from ingest.store import VectorStore
from recept.schema import Chunk, Passage

# Noise for questions: postal blocks and page numbers carry no content of the recipe.
_LOW_VALUE = {"address"}


def is_low_value(chunk: Chunk) -> bool:
    """Chunks that answer no question: letter fields holding only their label, page numbers.

    >>> is_low_value(Chunk("1", "d", "letter_meta", "uw kenmerk", 0, 1, "Uw kenmerk", "", ""))
    True
    >>> is_low_value(Chunk("2", "d", "letter_meta", "Brief: pagina", 0, 5, "1 | 2", "", ""))
    True
    """
    # A table row of numbers is read with its column headers (its embedded text).
    if not re.search(r"[^\W\d_]{2}", chunk.embed_text if chunk.kind == "table" else chunk.text):
        return True
    if chunk.kind == "letter_meta":
        label = set(tokenize(chunk.title)) | set(tokenize(chunk.group))
        return not set(tokenize(chunk.text)) - label
    return False


# Text that is nothing but Markdown heading lines.
_HEADINGS_ONLY = re.compile(r"(?: {0,3}#{1,6}[ \t][^\n]*\s*)+")


def dense_ok(chunk: Chunk, min_words: int = 5) -> bool:
    """Whether a chunk takes part in dense ranking. Cosines of very short texts (a salutation,
    a date line) are unreliable and make such chunks hubs; lexical search still finds them.

    >>> dense_ok(Chunk("1", "d", "letter", "Brief: aanhef", 0, 1, "Geacht college,", "", ""))
    False

    A table row is judged by its embedded text: its cells under their column headers.

    >>> dense_ok(Chunk("2", "d", "table", "Tabel 1", 0, 1, "| Ede | € 5 |",
    ...                "Tabel 1. Kosten per gemeente. Gemeente: Ede; Kosten 2024: € 5", ""))
    True

    A section that is only a chapter's heading, its text in the sections under it (whose
    embedded text names the chapter), is no hub either:

    >>> dense_ok(Chunk("3", "d", "section", "2. De regio", 0, 1, "## 2. De regio in het kort",
    ...                "", ""))
    False
    """
    if is_low_value(chunk) or chunk.kind in _LOW_VALUE or chunk.kind == "letter_meta":
        return False
    if chunk.kind == "section" and _HEADINGS_ONLY.fullmatch(chunk.text.strip()):
        return False  # a chapter's heading with no text of its own: its sections carry it
    text = chunk.embed_text if chunk.kind == "table" else chunk.text
    return len(re.findall(r"[^\W\d_]+", text)) >= min_words


def rrf(
    rankings: Sequence[Sequence[str]], weights: Sequence[float], k: int = 60
) -> dict[str, float]:
    """Weighted reciprocal rank fusion of ranked id lists.

    >>> sorted(rrf([["a", "b"], ["b", "c"]], [1.0, 1.0], k=0).items())
    [('a', 1.0), ('b', 1.5), ('c', 0.5)]
    """
    out: dict[str, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for r, cid in enumerate(ranking, start=1):
            out[cid] = out.get(cid, 0.0) + w / (k + r)
    return out


@functools.lru_cache(maxsize=100_000)
def _name_phrase(name: str) -> str:
    """A title or speaker as folded words; '' when too short to match safely ("Doen" is fine)."""
    words = "".join(ch if ch.isalnum() or ch == " " else " " for ch in fold(name)).split()
    if not words or (len(words) == 1 and len(words[0]) < 4):
        return ""
    return " ".join(words)


def field_labels(chunks: Sequence[Chunk]) -> dict[str, tuple[frozenset[str], ...]]:
    """Letter fields by id, with the words of their title ("Brief: kenmerk") and of each
    other label of the same field ("Brief: telefoonnummer" for "Brief: telefoon").

    A question that uses all words of one of them ("welk kenmerk heeft de brief", "the
    letter's reference number" through the lexicon) asks for that field, though its few words
    give BM25 and dense search little to go on. The letter's own word keeps "datum" from
    firing on "op welke datum was de conferentie". A label with a stop word ("Uw kenmerk")
    never matches, as questions lose their stop words.

    >>> ch = [Chunk("k", "d", "letter_meta", "Brief: kenmerk", 0, 1, "Kenmerk 1/2", "", ""),
    ...       Chunk("u", "d", "letter_meta", "Brief: uw kenmerk", 0, 1, "Uw kenmerk", "", ""),
    ...       Chunk("t", "d", "letter_meta", "Brief: telefoon", 0, 1, "Tel. 12345", "", "",
    ...             group="telefoon")]
    >>> labels = field_labels(ch)
    >>> sorted(labels["k"][0]), sorted(labels["u"][0])
    (['brief', 'kenmerk'], ['brief', 'kenmerk', 'uw'])
    >>> ["telefoonnummer" in label for label in labels["t"]]
    [False, True, False, False, False]
    """
    out = {}
    for c in chunks:
        if c.kind == "letter_meta":
            names = [c.title, *(f"brief {w}" for w in field_words(c.group).split(", ")[1:])]
            labels = (frozenset(tokenize(n, keep_stopwords=True)) for n in names)
            unique = tuple(dict.fromkeys(label for label in labels if label))
            if unique:
                out[c.id] = unique
    return out


LETTER_WORDS = frozenset(tokenize("brief"))  # the word every letter field's title starts with


# Words that name a document of any kind ("het kenmerk van dit stuk").
DOCUMENT_WORDS = frozenset(tokenize("document stuk"))


def names_document(tokens: Iterable[str], title_words: AbstractSet[str]) -> bool:
    """Whether the question names the document itself: "document", "stuk", a word of its
    title, or the head of one ("de overeenkomst" for a "samenwerkingsovereenkomst").

    >>> names_document(["kenmerk", "overeenkomst"], {"samenwerkingsovereenkomst"})
    True
    >>> names_document(["kenmerk", "stuurgroep"], {"samenwerkingsovereenkomst"})
    False
    """
    return any(
        t in DOCUMENT_WORDS or any(w.endswith(t) for w in title_words)
        for t in tokens
        if len(t) >= 4
    )


def with_heads(tokens: Iterable[str], words: AbstractSet[str], min_len: int = 4) -> set[str]:
    """``tokens`` plus each of ``words`` that ends one of them: a Dutch compound names its
    head, so a "raadsinformatiebrief" is a "brief" (but a "telefoonnummer" no "telefoon").

    >>> sorted(with_heads(["raadsinformatiebrief", "kenmerk"], {"brief", "kenmerk", "telefoon"}))
    ['brief', 'kenmerk', 'raadsinformatiebrief']
    """
    out = set(tokens)
    for t in list(out):
        out.update(w for w in words if len(w) >= min_len and len(t) > len(w) and t.endswith(w))
    return out


# The stems (and compound parts) of the Dutch and English function words.
FUNCTION_TERMS = frozenset(
    with_parts(
        tokenize(
            " ".join(word_list("function_words_nl") | word_list("function_words_en")),
            keep_stopwords=True,
        )
    )
)


def content_terms(text: str) -> set[str]:
    """The stems of the words of ``text`` that say what it is about, function words aside.

    >>> sorted(content_terms("Wat zegt Ilse Zaal over het weer van morgen?"))
    ['ils', 'morg', 'weer', 'zaal']
    """
    return set(tokenize(text)) - FUNCTION_TERMS


def _folded_words(text: str) -> str:
    """``text`` folded to its words between single spaces, with a space at each end."""
    q = " ".join(fold(text).replace("'", " ").replace('"', " ").split())
    q = "".join(ch if ch.isalnum() or ch == " " else " " for ch in q)
    return " " + " ".join(q.split()) + " "


def _named_phrases(chunk: Chunk) -> list[str]:
    return [p for name in (chunk.title, chunk.speaker) if name and (p := _name_phrase(name))]


def without_titles(query: str, chunks: Sequence[Chunk]) -> str:
    """The question without the titles and speakers of ``chunks`` it names (folded): what it
    asks about them. A named title is the question's subject, not all of it.

    >>> ch = [Chunk("2", "d", "quote", "Citaat", 0, 1, "x", "", "", speaker="Ilse Zaal")]
    >>> without_titles("Wat zegt Ilse Zaal over het weer?", ch)
    'wat zegt over het weer'
    """
    q = _folded_words(query)
    for c in chunks:
        for phrase in _named_phrases(c):
            q = q.replace(f" {phrase} ", " ")
    return q.strip()


def title_shares_word(chunk: Chunk, terms: AbstractSet[str]) -> bool:
    """Whether the section's title holds one of ``terms`` (stems): "Welk ingrediënt gaat over
    lef?" names *Met een beetje lef* by one word of its title.

    >>> title_shares_word(Chunk("1", "d", "ingredient", "Met een beetje lef", 0, 1, "x", "", ""),
    ...                   content_terms("gaat over lef"))
    True
    """
    return bool(terms & set(tokenize(chunk.title)))


def title_matches(query: str, chunks: Sequence[Chunk]) -> list[str]:
    """Ids of chunks whose title (or speaker) the query names, longest match first.

    Matching is on folded word boundaries, so "gunnen" finds *Gunnen* and "Ilse Zaal" finds her
    quote; titles of one short common word ("Doen") need the word itself, stems don't count.

    >>> ch = [Chunk("1", "d", "ingredient", "Gunnen", 0, 1, "x", "", ""),
    ...       Chunk("2", "d", "quote", "Citaat", 0, 1, "x", "", "", speaker="Ilse Zaal")]
    >>> title_matches("Hoe pas ik 'Gunnen' toe? En wat zei ilse zaal?", ch)
    ['2', '1']
    """
    q = _folded_words(query)
    hits: list[tuple[int, str]] = []
    for c in chunks:
        if c.kind in _LOW_VALUE or c.kind == "letter_meta":
            continue
        for name in (c.title, c.speaker):
            phrase = _name_phrase(name) if name else ""
            if phrase and f" {phrase} " in q and not _used_as_verb(name, query):
                hits.append((len(phrase), c.id))
                break
    return [cid for _, cid in sorted(hits, key=lambda h: -h[0])]


def named_outright(chunk: Chunk, query: str) -> bool:
    """Whether a title match is unmistakable: a name of several words, or a one-word title
    written with its capital or in quotes. A lower-case "doen" in running text may be the verb.

    >>> ch = Chunk("1", "d", "ingredient", "Doen", 0, 1, "x", "", "")
    >>> [named_outright(ch, q) for q in ("Hoe pas ik 'doen' toe?", "Wat is Doen?", "iets doen")]
    [True, True, False]
    >>> named_outright(Chunk("2", "d", "quote", "Citaat", 0, 1, "x", "", "", speaker="Ilse Zaal"),
    ...                "wat zei ilse zaal")
    True
    """
    for name in (chunk.title, chunk.speaker):
        phrase = _name_phrase(name) if name else ""
        if not phrase:
            continue
        if " " in phrase:
            return True
        word = re.escape(name.strip())
        if re.search(rf"\b{word}\b", query) or re.search(
            rf"[\"'‘“„]{word}[\"'’”]", query, re.IGNORECASE
        ):
            return True
    return False


_MODAL = (
    r"\b(?:moet|moeten|kan|kun|kunt|kunnen|zal|zullen|wil|wilt|willen|ga|gaat|gaan|mag|mogen|te)\b"
)


def _used_as_verb(title: str, query: str) -> bool:
    """A one-word title written in lower case after a modal verb is the verb itself:
    "wat moet de provincie doen?" asks nothing about the ingredient *Doen*.

    >>> _used_as_verb("Doen", "Wat moet de provincie doen?"), _used_as_verb("Doen", "Wat is doen?")
    (True, False)
    >>> _used_as_verb("Doen", "Hoe kan ik 'Doen' toepassen?")
    False
    """
    if " " in title.strip() or not title[:1].isupper():
        return False
    word = re.escape(title.lower())
    if not re.search(rf"(?<![\w'\"‘“]){word}(?![\w'\"’”])", query):
        return False  # only capitalised or quoted mentions: the title
    return bool(re.search(rf"{_MODAL}[^.?!]*\b{word}\b", query, re.I))


_QUOTED = re.compile(r"[\"“”„]([^\"“”„]{3,120})[\"“”]|(?<!\w)['‘]([^'‘’]{3,120})['’](?!\w)")


def quoted_spans(query: str) -> list[list[str]]:
    """Content tokens of each phrase the question quotes, when it has at least two.

    >>> quoted_spans("Wat bedoelen ze met 'nood breekt wet'? En 'Gunnen'?")
    [['nood', 'breek', 'wet']]
    """
    spans = []
    for m in _QUOTED.finditer(query):
        tokens = tokenize(m.group(1) or m.group(2))
        if len(tokens) >= 2:
            spans.append(tokens)
    return spans


def _sentence_has_all(text: str, tokens: Sequence[str]) -> bool:
    """Whether one sentence of ``text`` holds every token (any order: "breekt nood wet")."""
    want = set(tokens)
    return any(want <= set(tokenize(s)) for s in re.split(r"(?<=[.!?])\s+|\n+", text))


IMPUTE_TOP = 3  # only a strong lexical hit stands in for the missing dense judgement


def _impute(ranking: list[str], other: list[str], excluded: set[str]) -> list[str]:
    """Insert ``excluded`` items into ``ranking`` at the positions they hold in ``other``.

    >>> _impute(["a", "b"], ["x", "a"], {"x"})
    ['x', 'a', 'b']
    """
    out = list(ranking)
    for pos, cid in enumerate(other[:IMPUTE_TOP]):
        if cid in excluded and cid not in out:
            out.insert(min(pos, len(out)), cid)
    return out


@dataclass(frozen=True)
class RetrievalWeights:
    dense: float = 1.0
    lexical: float = 0.8
    title: float = 1.2
    rrf_k: int = 20
    related: float = 0.5  # a thesaurus word in BM25, relative to a word the user wrote


@dataclass(frozen=True)
class Closeness:
    """How close the question came to the corpus, for refusal: the plain question vector's best
    cosine with any passage and, with an adapter, the adapted vector and its best cosine."""

    plain: float | None
    adapted: tuple[list[float], float] | None = None


class HybridRetriever:
    """Searches one index build. Built once per Assistant; search is read-only and thread-safe."""

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        chunks: Sequence[Chunk],
        *,
        weights: RetrievalWeights | None = None,
        candidates: int = 30,
        thesaurus: Thesaurus | None = None,
        ranker: LinearRanker | None = None,
        adapter: QueryAdapter | None = None,
        document_titles: Iterable[str] = (),
        learned_fields: bool | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunks = list(chunks)
        self.by_id = {c.id: c for c in self.chunks}
        self.index = {c.id: i for i, c in enumerate(self.chunks)}
        self.weights = weights or RetrievalWeights()
        self.candidates = candidates
        self.thesaurus = thesaurus
        self.ranker = ranker
        self.adapter = adapter
        self.bm25 = BM25([with_parts(tokenize(c.embed_text or c.text)) for c in self.chunks])
        # A letter field with a label but no value ("Uw kenmerk") answers nothing.
        self.vocabulary = set(self.bm25.idf)
        self.dense_excluded = {c.id for c in self.chunks if not dense_ok(c)}
        self.skip = {c.id for c in self.chunks if is_low_value(c)}
        self.field_labels = field_labels(self.chunks)
        # Whether a learned ranker weighs this document's letter fields (it was trained with
        # every field standing in for dense search); by default, whether one is in use.
        self.learned_fields = ranker is not None if learned_fields is None else learned_fields
        # A question that names the document ("het kenmerk van de raadsinformatiebrief") names
        # no section, though the document's opening section carries its title as heading.
        own = {_name_phrase(t) for t in document_titles} - {""}
        # A one-word title names its kind of document ("Samenwerkingsovereenkomst"); the words
        # of a longer one are ordinary words ("gemeenten", "provincie").
        self.title_words = frozenset(
            w for t in document_titles if len(words := tokenize(t)) == 1 for w in words
        )
        self.untitled = {c.id for c in self.chunks if _name_phrase(c.title) in own}

    def search(
        self,
        query: str,
        k: int,
        timings: dict[str, float] | None = None,
        qvec: Sequence[float] | None = None,
    ) -> list[Passage]:
        """The ``k`` best passages (see ``search_detailed``)."""
        return self.search_detailed(query, k, timings, qvec)[0]

    def search_detailed(
        self,
        query: str,
        k: int,
        timings: dict[str, float] | None = None,
        qvec: Sequence[float] | None = None,
    ) -> tuple[list[Passage], Closeness]:
        """The ``k`` best passages, and how close the question came to any passage.

        Dense ranking uses the adapted question vector when there is an adapter. Candidates
        are fused by RRF, then ordered by the ranker when there is one; a passage's score stays
        its fused score. The best cosine is the plain question's: whether anything relevant was
        found is a question about the corpus, not about the adapter or the order of the top k.
        """
        t0 = time.perf_counter()
        asked, query = query, strip_frame(query)
        if qvec is None:
            qvec = self.embedder.embed_query(query)
        t1 = time.perf_counter()
        dvec = self.adapter.apply(qvec) if self.adapter is not None else qvec
        found = self.signals(query, dvec, timings, frame=asked)
        t2 = time.perf_counter()
        order = {cid: s.fused for cid, s in found.items()}
        if self.ranker is not None and found:
            rows = features(list(found.values()), question_intent(query), self.ranker.names)
            order = dict(zip(found, self.ranker.scores(rows).tolist(), strict=True))
        # A section the question names outright ("Hoe pas ik 'Doen' toe?") is what it asks about.
        named = {
            cid for cid in found if found[cid].title and named_outright(self.by_id[cid], query)
        }
        ranked = sorted(order, key=lambda cid: (cid not in named, -order[cid]))[:k]
        if timings is not None:
            timings.setdefault("embed_query", (t1 - t0) * 1000)
            timings["rerank"] = (time.perf_counter() - t2) * 1000
        passages = [
            Passage(
                chunk=self.by_id[cid],
                score=found[cid].fused,
                dense=found[cid].dense,
                lexical=found[cid].bm25 or None,
                rank=r,
            )
            for r, cid in enumerate(ranked, start=1)
        ]
        best = max((s.dense for s in found.values() if s.dense is not None), default=None)
        if self.adapter is None:
            return passages, Closeness(best)
        adapted = (list(dvec), best) if best is not None else None
        return passages, Closeness(self.best_cosine(qvec), adapted)

    def passage_with_all(self, terms: AbstractSet[str]) -> bool:
        """Whether one passage uses every one of ``terms`` (stems, as BM25 indexes them)."""
        return bool(terms) and any(terms <= tf.keys() for tf in self.bm25.tf)

    def closeness(self, qvec: Sequence[float]) -> Closeness:
        """How close a question vector comes to this document's passages, as
        :meth:`search_detailed` reports it, without searching."""
        if self.adapter is None:
            return Closeness(self.best_cosine(qvec))
        dvec = self.adapter.apply(qvec)
        best = self.best_cosine(dvec)
        return Closeness(self.best_cosine(qvec), (list(dvec), best) if best is not None else None)

    def best_cosine(self, qvec: Sequence[float]) -> float | None:
        """The highest cosine of the question vector with any dense-ranked chunk."""
        hits = self.store.query(qvec, self.candidates)
        return next((s for c, s in hits if c.id not in self.dense_excluded), None)

    def signals(
        self,
        query: str,
        qvec: Sequence[float],
        timings: dict[str, float] | None = None,
        frame: str = "",
    ) -> dict[str, Signals]:
        """Every fusion candidate with what each channel says about it, best fused first.
        ``frame``: the question before the words that point at the document were stripped
        ("Welk telefoonnummer staat in de brief?"): they say whose field it asks for."""
        t0 = time.perf_counter()
        dense_hits = self.store.query(qvec, self.candidates)
        t1 = time.perf_counter()
        for c, _ in dense_hits:
            self.by_id.setdefault(c.id, c)
        dense_rank = [c.id for c, _ in dense_hits if c.id not in self.dense_excluded]
        dense = {cid: s for (c, s) in dense_hits if (cid := c.id) not in self.dense_excluded}
        # BM25 is a sum over query terms: the asked words' scores are the ranker's
        # thesaurus-free signal, and the thesaurus words only add to them.
        asked, related = self._lexical_terms(query)
        # The asked words (and their translations), not the thesaurus's related words: those
        # tie "afzender" to "geadresseerde".
        # "raadsinformatiebrief" says "brief" too; a field's own label must be asked as such
        # ("verzenddatum" does not ask for the "datum" field).
        named = with_heads(asked.keys(), LETTER_WORDS)
        if frame:
            named |= LETTER_WORDS & with_heads(self._own_terms(frame).keys(), LETTER_WORDS)
        if not self.learned_fields and names_document(asked.keys(), self.title_words):
            # "Het kenmerk van het document / van de overeenkomst" names the field as "van de
            # brief" does. (A learned ranker was trained with its own reading of names.)
            named |= LETTER_WORDS
        fields = {
            cid
            for cid, labels in self.field_labels.items()
            if any(label <= named for label in labels)
        }
        plain = self.bm25.array(asked)
        bm25 = plain + self.bm25.array(related) if related else plain
        lex_hits = self.bm25.best(bm25, self.candidates)
        lex_rank = [self.chunks[i].id for i, _ in lex_hits if self.chunks[i].id not in self.skip]
        # Chunks dense ranking does not judge (short letter fields) keep their lexical place
        # there too, so fusion does not punish them for being absent from one list. Without a
        # learned ranker to weigh that double count, only a field the question names gets it:
        # else a short field that shares one word with the question ("mail" for "brief")
        # outranks every passage.
        stand_in = self.dense_excluded if self.learned_fields else fields
        fused_dense = _impute(dense_rank, lex_rank, stand_in)
        titles = [cid for cid in title_matches(query, self.chunks) if cid not in self.untitled]
        # A phrase the user quotes from the text marks its passage as surely as a title.
        for span in quoted_spans(query):
            for i, _ in self.bm25.top(span, self.candidates):
                cid = self.chunks[i].id
                if cid not in titles and _sentence_has_all(self.chunks[i].text, span):
                    titles.append(cid)
        w = self.weights
        fused = rrf([fused_dense, lex_rank, titles], [w.dense, w.lexical, w.title], k=w.rrf_k)
        dense_pos = {cid: r for r, cid in enumerate(dense_rank, start=1)}
        lex_pos = {cid: r for r, cid in enumerate(lex_rank, start=1)}
        out: dict[str, Signals] = {}
        for cid in sorted(fused, key=lambda c: -fused[c]):
            pos = self.index.get(cid)
            out[cid] = Signals(
                kind=self.by_id[cid].kind,
                dense=dense.get(cid),
                dense_rank=dense_pos.get(cid),
                bm25=float(bm25[pos]) if pos is not None else 0.0,
                bm25_plain=float(plain[pos]) if pos is not None else 0.0,
                bm25_rank=lex_pos.get(cid),
                title=cid in titles,
                fused=fused[cid],
                field_named=cid in fields,
            )
        if timings is not None:
            timings["dense"] = (t1 - t0) * 1000
            timings["lexical"] = (time.perf_counter() - t1) * 1000
        return out

    def lexical(self, query: str, k: int) -> list[Passage]:
        """BM25 alone, deeper than fusion looks: for facts found by their exact words."""
        hits = self.bm25.top(self.lexical_query(strip_frame(query)), k)
        return [
            Passage(chunk=self.chunks[i], score=s, lexical=s, rank=r)
            for r, (i, s) in enumerate(hits, start=1)
            if self.chunks[i].id not in self.skip
        ]

    def lexical_query(self, query: str) -> dict[str, float]:
        """Weighted BM25 terms: the question's tokens (English and Dutch expansions added,
        unknown compounds split) at 1, their thesaurus group-mates at ``weights.related``."""
        asked, related = self._lexical_terms(query)
        return asked | related

    def asked_terms(self, query: str, skip: AbstractSet[str] = frozenset()) -> list[str]:
        """The question's own BM25 terms (stems, translations, compound parts), no thesaurus;
        tokens in ``skip`` are left out, before and after they are split into known parts
        ("voorbeeld" is no "voor"), and so are single letters."""
        return [t for t in self._own_terms(query, skip) if t not in skip and len(t) > 1]

    def _own_terms(self, query: str, skip: AbstractSet[str] = frozenset()) -> dict[str, float]:
        """The question's tokens (English and Dutch expansions added, unknown compounds split
        against the vocabulary), each at weight 1; tokens in ``skip`` are not split."""
        out: dict[str, float] = {}
        for t in with_parts(tokenize(expand_query(query))):
            if t not in skip:
                out.update(dict.fromkeys(split_compound(t, self.vocabulary), 1.0))
        return out

    def _lexical_terms(self, query: str) -> tuple[dict[str, float], dict[str, float]]:
        """(the question's own terms, the thesaurus words not among them), as in lexical_query."""
        asked = self._own_terms(query)
        related: dict[str, float] = {}
        if self.thesaurus is not None:
            for stem in self.thesaurus.related(tokenize(query), self.vocabulary):
                if stem not in asked:
                    related[stem] = self.weights.related
        return asked, related
