"""The Python API. The CLI, the web app and the evals only call this.

>>> # a = Assistant.from_settings(Settings.load())
>>> # a.ask("Hoe pas ik 'Gunnen' toe bij woningbouw?").citations[0].quote
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from assistant.answering.answerability import (
    asked_kind,
    missing_kind,
    partial_lead,
    unmentioned,
    unmentioned_lead,
    value_passage,
)
from assistant.answering.compose import (
    compose_answer,
    compose_instruction_refusal,
    compose_overview,
    compose_refusal,
    find_amount,
    is_amount_question,
)
from assistant.answering.examples import (
    document_name,
    examples_from_structure,
    interleave,
    is_letter,
)
from assistant.conversation.references import quoted_documents, resolve
from assistant.conversation.rework import rework
from assistant.conversation.state import classify_turn, previous_turn
from assistant.policy.injection import split_instructions
from assistant.policy.refusal import RefusalPolicy, asked_office, refusal_features
from assistant.query.language import (
    asking_sentence,
    asks_for_overview,
    detect_language,
    kind_topic,
    question_intent,
    strip_frame,
    wanted_kind,
)
from assistant.query.parts import split_parts
from assistant.retrieval.adapter import load_adapter
from assistant.retrieval.bm25 import fold, tokenize
from assistant.retrieval.rerank import load_ranker
from assistant.retrieval.retrieve import (
    Closeness,
    HybridRetriever,
    content_terms,
    title_matches,
    title_shares_word,
    without_titles,
)
from assistant.retrieval.route import DocumentView, RoutedRetriever
from assistant.retrieval.thesaurus import Thesaurus, policy_groups
from ingest.embed.embedder import Embedder, load_embedder, resolve_model
from ingest.pipeline import index_state
from ingest.store import ChromaCatalog
from recept.errors import IndexMissingError, IndexStaleError, InputError, LLMError
from recept.profiles import Profile, by_name, claim, installed_profiles
from recept.quotes import normalise
from recept.schema import Answer, Chunk, Citation, Message, Motion, Passage
from recept.settings import Settings


def clean_question(question: str, max_chars: int) -> str:
    """Validate and tidy a question: control characters out, length and content checked.

    >>> clean_question("  Wat is\\x00 ANNA?\\n", 100)
    'Wat is ANNA?'
    >>> clean_question("   ", 100)
    Traceback (most recent call last):
    recept.errors.InputError: Stel een vraag: het invoerveld is leeg.
    """
    if not isinstance(question, str) or not question.strip():
        raise InputError("Stel een vraag: het invoerveld is leeg.")
    if len(question) > max_chars:
        raise InputError(
            f"De vraag is te lang ({len(question):,} tekens; maximaal {max_chars:,}). "
            "Maak hem korter of stel meerdere vragen.".replace(",", ".")
        )
    text = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in question
    )
    text = " ".join(text.split())
    if not re.search(r"\w", text):
        raise InputError("De vraag bevat geen woorden. Stel een vraag in gewone tekst.")
    return text


TOPIC_KINDS = ("ingredient", "section")  # sections worth suggesting when a question is declined


def profile_for(
    profiles: Sequence[Profile], manifest: dict[str, Any], doc_id: str, text: str
) -> Profile | None:
    """The profile the document was ingested with (manifest), else the one that claims it."""
    name = str(manifest.get("documents", {}).get(doc_id, {}).get("profile", ""))
    return (by_name(profiles, name) if name else None) or claim(profiles, doc_id, text)


def routed_retriever(
    settings: Settings,
    store: Any,
    embedder: Embedder,
    chunks: Sequence[Chunk],
    manifest: dict[str, Any],
    profile_of: dict[str, Profile | None],
) -> RoutedRetriever:
    """One retriever per document, each with the learned parts of its own profile.

    A profile's adapter is used only for the documents it was trained on (by sha256) and with
    the model it was trained with, its reranker only together with it (it was fitted on the
    adapted search) or when adapters are switched off; every other document is searched by
    reciprocal rank fusion alone.
    """
    thesaurus = Thesaurus(policy_groups())
    docs_meta: dict[str, Any] = manifest.get("documents", {})
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    per_document: dict[str, HybridRetriever] = {}
    for doc_id, doc_chunks in by_doc.items():
        profile = profile_of.get(doc_id)
        adapter = ranker = None
        if profile is not None and profile.adapter_path and settings.query_adapter == "auto":
            sha = str(docs_meta.get(doc_id, {}).get("sha256", ""))
            adapter = load_adapter(profile.adapter_path)
            if not adapter.matches([sha], str(manifest.get("model", ""))):
                adapter = None  # trained on another text: it would pull towards that one
        learned_order = adapter is not None or settings.query_adapter == "off"
        if profile is not None and profile.ranker_path and learned_order:
            ranker = load_ranker(profile.ranker_path) if settings.reranker == "learned" else None
        view = store if len(by_doc) == 1 else DocumentView(store, doc_id, len(doc_chunks))
        title = str(docs_meta.get(doc_id, {}).get("title", ""))
        # A document whose profile has a learned ranker is searched as that ranker was trained,
        # also when it is switched off (RECEPT_RERANKER=rrf) or being trained.
        learned = profile is not None and profile.ranker_path is not None
        per_document[doc_id] = HybridRetriever(
            view, embedder, doc_chunks, thesaurus=thesaurus, ranker=ranker, adapter=adapter,
            document_titles=[title], learned_fields=learned or ranker is not None,
        )  # fmt: skip
    titles = [str(m.get("title", "")) for m in docs_meta.values()]
    neutral = HybridRetriever(store, embedder, chunks, thesaurus=thesaurus, document_titles=titles)
    return RoutedRetriever(store, embedder, per_document, neutral)


def shift_markers(text: str, offset: int) -> str:
    """Citation markers renumbered by ``offset`` (for answers put one after another).

    >>> shift_markers("Zo [1] en zo [2].", 3)
    'Zo [4] en zo [5].'
    """
    return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", text)


def put_first(passages: Sequence[Passage], chunk: Chunk, k: int) -> list[Passage]:
    """``chunk`` as the first of at most ``k`` passages, the rest in order, ranks renumbered.

    >>> a, b = (Chunk(i, "d", "ingredient", i, 0, 1, i, "", "") for i in "ab")
    >>> [(p.chunk.id, p.rank) for p in put_first([Passage(a, 0.9, rank=1)], b, 2)]
    [('b', 1), ('a', 2)]
    """
    found = next((p for p in passages if p.chunk.id == chunk.id), None)
    first = found or Passage(chunk, passages[0].score if passages else 1.0)
    rest = [p for p in passages if p.chunk.id != chunk.id]
    return [replace(p, rank=i) for i, p in enumerate([first, *rest][:k], start=1)]


def office_holder(question: str, passages: Sequence[Passage]) -> Chunk | None:
    """For "wie is de X": the passage whose speaker holds office X (her role names it).

    A passage that only mentions "de directeur-generaal" does not say who that is; the quote
    whose speaker's role is "Directeur-generaal …" does.

    >>> dg = Chunk("q", "d", "quote", "Citaat", 0, 1, "x", "", "", speaker="H. S.",
    ...            role="Directeur-generaal Openbaar bestuur")
    >>> who = Chunk("p", "d", "participants", "S", 0, 1, "en de directeur-generaal", "", "")
    >>> office_holder("Wie is de directeur-generaal?", [Passage(who, 1.0), Passage(dg, 0.9)]).id
    'q'
    """
    office = asked_office(question)
    if not office:
        return None
    named = re.compile(rf"\b{re.escape(office)}\b")
    return next((p.chunk for p in passages if named.search(fold(p.chunk.role))), None)


class Assistant:
    """Answers questions about the indexed documents, with verified citations."""

    def __init__(
        self,
        settings: Settings,
        retriever: RoutedRetriever,
        documents: dict[str, str],
        *,
        refusal: RefusalPolicy | None = None,
        llm: Any = None,
        manifest: dict[str, Any] | None = None,
        profile_of: dict[str, Profile | None] | None = None,
    ) -> None:
        self.settings = settings
        self.manifest = manifest or {}  # the index build's: model, documents and their sha256
        self.retriever = retriever
        self.documents = documents
        self.refusal = refusal or RefusalPolicy.default(settings.refusal_threshold)
        self.llm = llm  # an assistant.llm.engine.LLMEngine or None
        self._folded = {d: fold(t) for d, t in documents.items()}
        self._corpus_folded = " ".join(self._folded.values())
        self._normalised = {d: normalise(t) for d, t in documents.items()}
        # Each document's profile's off-topic descriptions, embedded once per profile.
        self.profile_of = profile_of or {}
        vectors: dict[str, list[list[float]]] = {}
        for profile in {p.name: p for p in self.profile_of.values() if p is not None}.values():
            if profile.off_topic:
                vectors[profile.name] = retriever.embedder.embed_documents(list(profile.off_topic))
        self.off_topic_vectors: dict[str, list[list[float]]] = {
            doc: vectors.get(p.name, []) for doc, p in self.profile_of.items() if p is not None
        }

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        engine: str | None = None,
        embedder: Embedder | None = None,
        profiles: Sequence[Profile] | None = None,
    ) -> Assistant:
        """Open the active index (IndexMissingError / IndexStaleError when there is none)."""
        if engine:
            settings = replace(settings, engine=engine)
        catalog = ChromaCatalog.from_settings(settings)
        # The index is checked before the model is loaded: on a fresh data dir "no index yet"
        # is the message that helps (ingest also builds the model).
        model_name = embedder.name if embedder else resolve_model(settings).name
        state = index_state(catalog, model_name)
        if state == "missing":
            raise IndexMissingError()
        embedder = embedder or load_embedder(settings, build=False)
        active = catalog.active()
        assert active is not None
        if state == "stale":
            raise IndexStaleError(
                f"De index is gemaakt met model '{active.manifest.get('model')}' / chunker "
                f"'{active.manifest.get('chunker')}'; nu is '{model_name}' ingesteld. "
                "Voer `recept ingest` uit om hem opnieuw op te bouwen."
            )
        store = catalog.open(active.name)
        chunks = store.all_chunks()
        documents = catalog.documents(active.name)
        profiles = installed_profiles() if profiles is None else profiles
        profile_of = {d: profile_for(profiles, active.manifest, d, documents[d]) for d in documents}
        retriever = routed_retriever(settings, store, embedder, chunks, active.manifest, profile_of)
        llm = None
        if settings.engine != "extractive":
            from assistant.llm.engine import LLMEngine

            llm = LLMEngine.from_settings(settings, corpus=chunks)
        return cls(
            settings, retriever, documents, llm=llm, manifest=active.manifest, profile_of=profile_of
        )

    def wait_for_llm(self, timeout: float) -> bool:
        """Wait until the LLM engine's start-up warm-up has ended (at most ``timeout`` s), so
        a measurement starts with the document prefix evaluated. True at once without an LLM."""
        return self.llm is None or self.llm.wait_warm(timeout)

    # --- reading the corpus -------------------------------------------------------------

    def document_titles(self) -> dict[str, str]:
        """Every indexed document's id and title, in id order."""
        return {d: self.title(d) for d in sorted(self.documents)}

    def example_questions(self, k: int = 4) -> list[str]:
        """Questions to show a new user: each document's profile's examples, else questions
        made from its own structure, taking from each document in turn."""
        per_document = []
        several = len(self.documents) > 1
        for doc_id in sorted(self.documents):
            profile = self.profile_of.get(doc_id)
            chunks = [c for c in self.retriever.chunks if c.doc_id == doc_id]
            per_document.append(
                list(profile.examples) if profile and profile.examples
                else examples_from_structure(
                    chunks,
                    self.title(doc_id),
                    document_name(self.title(doc_id), several, is_letter(chunks)),
                )
            )  # fmt: skip
        return interleave(per_document, k)

    def title(self, doc_id: str) -> str:
        """A document's title for people: from the index manifest, else from its text."""
        meta = self.manifest.get("documents", {}).get(doc_id, {})
        return str(meta.get("title") or doc_id)

    def _check_documents(self, documents: Collection[str] | None) -> Collection[str] | None:
        if documents is None:
            return None
        unknown = [d for d in documents if d not in self.documents]
        if unknown or not documents:
            known = ", ".join(sorted(self.documents))
            raise InputError(
                f"Onbekend document: {', '.join(unknown) or '(geen gekozen)'}. Kies uit: {known}."
            )
        return set(documents)

    def document_text(self, doc_id: str) -> str:
        return self.documents[doc_id]

    def corpus_chunks(self) -> list[Chunk]:
        return list(self.retriever.chunks)

    def verify(self, citation: Citation) -> bool:
        """True when the citation's quote is exactly the document's text at its offsets."""
        doc = self.documents.get(citation.doc_id, "")
        return doc[citation.start : citation.end] == citation.quote

    # --- answering ----------------------------------------------------------------------

    def retrieve(
        self,
        question: str,
        history: Sequence[Message] = (),
        timings: dict[str, float] | None = None,
        documents: Collection[str] | None = None,
    ) -> tuple[str, list[Passage]]:
        """(search query, ranked passages) for a question in its conversation."""
        query, _, passages, _, _ = self._search(question, history, timings, documents)
        return query, passages

    def _overview_chunks(self, letter: bool = False) -> list[Chunk]:
        """The ingredients, or the letter's paragraphs, in document order (empty when the
        document has none, e.g. a generic policy text)."""
        if letter:
            chunks = [
                c for c in self.retriever.chunks if c.kind == "letter" and "alinea" in c.title
            ]
        else:
            chunks = [c for c in self.retriever.chunks if c.kind == "ingredient"]
        return sorted(chunks, key=lambda c: (c.doc_id, c.start))

    def _search(
        self,
        question: str,
        history: Sequence[Message],
        timings: dict[str, float] | None,
        documents: Collection[str] | None = None,
    ) -> tuple[str, list[float], list[Passage], Closeness, str]:
        """(search query, its vector, the passages, how close it came to any passage, and the
        document that holds most of the evidence)."""
        resolved = resolve(question, history, self.retriever.chunks)
        if resolved.turn == "followup":
            # A follow-up is about what the previous answer quoted: search those documents.
            # A turn that names something only another document has ("en wat zegt het recept
            # over Gunnen?") has moved there: a new topic, without the inherited subject.
            origin = quoted_documents(previous_turn(history)[1], self._normalised)
            own = tokenize(" ".join(resolved.reading.content))
            if origin and self.retriever.names_elsewhere(own, origin):
                resolved = replace(resolved, query=question, focus=None, turn="new")
            elif origin:
                within = [d for d in origin if documents is None or d in documents]
                documents = within or documents
        query, boost = resolved.query, resolved.focus
        t0 = time.perf_counter()
        qvec = self.retriever.embedder.embed_query(strip_frame(query))
        if timings is not None:
            timings["embed_query"] = (time.perf_counter() - t0) * 1000
        kind = wanted_kind(question)
        # "Welk ingrediënt …" / "which quote …" wants that kind even when others rank higher.
        depth = self.settings.top_k * (4 if kind else 1)
        passages, near, lead = self.retriever.search_detailed(
            query, depth, timings, qvec=qvec, documents=documents
        )
        if kind:
            # Of that kind, a section whose title holds a word of what is asked about is the
            # one meant ("Welk ingrediënt gaat over lef?": *Met een beetje lef*).
            about = content_terms(kind_topic(question))
            passages = sorted(
                passages,
                key=lambda p: (p.chunk.kind != kind, not title_shares_word(p.chunk, about)),
            )
        passages = [replace(p, rank=i) for i, p in enumerate(passages[: self.settings.top_k], 1)]
        if boost:
            # The section the follow-up points at ("the next one") goes first.
            passages = put_first(passages, boost, self.settings.top_k)
        holder = office_holder(question, passages)
        if holder is not None:
            passages = put_first(passages, holder, self.settings.top_k)
        # The passage with the value asked for goes first, as the answer quotes it first; only
        # a passage of the document the search put first (the question is about that one).
        first_doc = passages[0].chunk.doc_id if passages else ""
        same = [p for p in passages if p.chunk.doc_id == first_doc]
        if is_amount_question(question):
            # A count ("44 gemeenten") not among them is found by its noun further down BM25's
            # ranking.
            found = find_amount(question, same) or find_amount(
                question, self.retriever.lexical(query, 30), depth=30
            )
            if found is not None:
                passages = put_first(passages, found[0], self.settings.top_k)
        else:
            # A date or an amount asked for: the passage that gives one about the subject.
            value = value_passage(question, same, self.retriever.vocabulary, query)
            if value is not None:
                passages = put_first(passages, value, self.settings.top_k)
        return query, qvec, passages, near, lead

    def ask(
        self,
        question: str,
        history: Sequence[Message] = (),
        documents: Collection[str] | None = None,
    ) -> Answer:
        """Answer ``question`` in its conversation; ``documents`` limits the search to those
        document ids (None: all)."""
        answer: Answer | None = None
        for snapshot in self.ask_stream(question, history, documents):
            answer = snapshot
        assert answer is not None
        return answer

    def ask_stream(
        self,
        question: str,
        history: Sequence[Message] = (),
        documents: Collection[str] | None = None,
    ) -> Iterator[Answer]:
        """Yields growing snapshots of the answer; the last one is final."""
        yield from self._turn(question, history, documents)

    def _turn(
        self,
        question: str,
        history: Sequence[Message],
        documents: Collection[str] | None = None,
        language: str = "",
        use_llm: bool = True,
    ) -> Iterator[Answer]:
        """``ask_stream``, optionally in a given language and without the LLM (to re-derive
        an earlier answer)."""
        t0 = time.perf_counter()
        asked = clean_question(question, self.settings.max_question_chars)
        documents = self._check_documents(documents)
        # A request about the previous answer ("say that in English") is no instruction.
        turn = classify_turn(asked, history)
        instructed = False
        if turn.kind != "transform":
            # Instructions to the assistant carry no meaning for the document: cut them out.
            q, instructed = split_instructions(asked)
            if instructed and q:
                turn = classify_turn(q, history)
        if turn.kind == "transform":
            rederive = partial(self._rederive, documents=documents)
            with_llm = self.llm is not None and use_llm
            yield rework(
                asked, turn, history, rederive, self.retriever.chunks,
                language=language, instructed=instructed,
                rewrite=self._llm_rewrite if with_llm else None,
                draft=partial(self._rederive, history=(), language="", documents=documents,
                              use_llm=with_llm),
            )  # fmt: skip
            return
        if not instructed:
            q = turn.question
        lang = language or turn.language or detect_language(q or asked)
        if instructed and not q:
            draft = compose_instruction_refusal(lang)
            yield Answer(
                question=asked, text=draft.text, citations=[], passages=[], refused=True,
                language=lang, engine="extractive", notes=["weigering: alleen instructies"],
                timings={"total": (time.perf_counter() - t0) * 1000},
            )  # fmt: skip
            return
        parts = split_parts(q) if self.llm is None or not use_llm else [q]
        if len(parts) > 1:
            # Two questions in one: each answered with its own citations (the LLM engine
            # has its own two-part answer shape).
            yield self._two_part(asked, parts, history, documents, lang, instructed, t0)
            return
        intent = question_intent(q)
        timings: dict[str, float] = {}
        query, qvec, passages, near, lead_doc = self._search(q, history, timings, documents)
        t1 = time.perf_counter()
        timings["retrieve"] = (t1 - t0) * 1000

        def answer(text: str, citations: list[Citation], engine: str, **kw: Any) -> Answer:
            timings["total"] = (time.perf_counter() - t0) * 1000
            if instructed:
                kw.setdefault("notes", []).insert(0, "instructies in de vraag genegeerd")
            return Answer(
                question=asked, text=text, citations=citations, passages=passages,
                refused=kw.pop("refused", False), language=lang, engine=engine,
                timings=dict(timings), search_query=query, **kw,
            )  # fmt: skip

        letter = bool(re.search(r"\b(brief|letter)\b", fold(q)))
        overview = self._overview_chunks(letter) if asks_for_overview(q) else []
        if overview:
            # Looked up by section type, not by search: these sections become the passages.
            intro = [c for c in self.retriever.chunks if c.kind == "intro"]
            summary = re.search(r"samenvat|\bvat\b|summar|overzicht|overview", fold(q))
            lead = intro[0] if intro and summary and not letter else None
            chunks = [lead, *overview] if lead is not None else overview
            passages = [Passage(c, 1.0, rank=i) for i, c in enumerate(chunks, start=1)]
            draft = compose_overview(lang, overview, lead, letter=letter)
            yield answer(draft.text, draft.citations, "extractive", notes=["overzicht"])
            return
        if intent == "motion":
            from assistant.answering.motion import motion_to_markdown

            motion = self._motion(q, passages, use_llm=use_llm, language=lang)
            text = motion_to_markdown(motion, markers=True)
            engine = "motion" if motion.engine == "extractive" else motion.engine
            yield answer(text, motion.citations, engine, notes=["motie-concept", *motion.notes])
            return
        feats = refusal_features(
            q,
            passages,
            qvec,
            # Off-topic descriptions are written for one kind of document (its profile):
            # budgets and office holders are off topic in the recipe, not in a council letter.
            self.off_topic_vectors.get(lead_doc, []),
            self.retriever.vocabulary,
            self._corpus_folded,
            dense_top=near.plain,
            adapted=near.adapted,
            rest=self._asked_of_titles(q, passages, lead_doc),
            words_together=self._words_together(q, lead_doc),
        )
        # A turn that names a section by position ("de tweede spreker") is answered by it.
        pointed = resolve(q, history, self.retriever.chunks).by_position
        if not passages or (not pointed and self.refusal.refuse(feats)):
            # Suggest the nearest topics (a recipe's ingredients, a letter's chapters), even
            # when none made the top passages.
            nearest = [c for c, _ in self.retriever.store.query(qvec, 40)]
            sugg = [
                c.title
                for c in [p.chunk for p in passages] + nearest
                if c.kind in TOPIC_KINDS
                and c.title
                and (documents is None or c.doc_id in documents)
            ]
            sugg = list(dict.fromkeys(sugg))[:3]
            searched = [d for d in self.retriever.documents if documents is None or d in documents]
            refusal = compose_refusal(lang, sugg, [self.title(d) for d in searched])
            reasons = "weigering: " + "; ".join(self.refusal.reasons(feats))
            yield answer(refusal.text, [], "extractive", refused=True,
                         suggestions=refusal.suggestions, notes=[reasons, str(feats)])  # fmt: skip
            return
        notes: list[str] = []
        # On topic, but the kind of value asked for (a date, an amount) is not in what was
        # found, or the year or name it asks about is in no document searched: say so first,
        # then what the documents do say (answerability "partial"). Advice for a situation
        # may name a place or year the documents never do.
        texts = (
            " ".join(t for d, t in self._folded.items() if d in documents)
            if documents
            else self._corpus_folded
        )
        things = unmentioned(q, lang, texts) if intent != "apply" else []
        missing = "" if things else missing_kind(q, passages, self.retriever.vocabulary, query)
        prefix = ""
        if things:
            prefix = unmentioned_lead(things, lang) + "\n\n"
            notes.append(f"gedeeltelijk: {', '.join(things)} komt in geen document voor")
        elif missing:
            prefix = partial_lead(missing, lang) + "\n\n"
            notes.append(f"gedeeltelijk: geen {missing} in de gevonden passages")
        outcome = {"answerability": "partial"} if prefix else {}
        if self.llm is not None and use_llm:
            retrieved = list(passages)
            try:
                for snap in self.llm.stream(q, retrieved, history, lang):
                    # With the whole document in context a citation may lie outside the
                    # retrieved passages: its chunk joins them, as for motions.
                    have = {p.chunk.id for p in passages}
                    for c in snap.citations:
                        if c.chunk_id not in have and c.chunk_id in self.retriever.by_id:
                            have.add(c.chunk_id)
                            chunk = self.retriever.by_id[c.chunk_id]
                            passages.append(Passage(chunk, 0.0, rank=len(passages) + 1))
                    yield answer(
                        prefix + snap.text, snap.citations, self.llm.label,
                        notes=[*notes, *snap.notes, *snap.dropped], **outcome,
                    )  # fmt: skip
                return
            except LLMError as exc:
                notes.append(f"LLM-terugval: {exc.message}")
                passages[:] = retrieved  # the fallback answers from what retrieval found
        titles = {d: self.title(d) for d in self.documents} if len(self.documents) > 1 else None
        draft = compose_answer(
            q, lang, intent, passages, corpus_folded=self._corpus_folded, doc_titles=titles
        )
        timings["compose"] = (time.perf_counter() - t1) * 1000
        yield answer(
            prefix + draft.text, draft.citations, "extractive", notes=notes + draft.notes, **outcome
        )

    def _words_together(self, question: str, doc_id: str) -> bool:
        """Whether one passage of the document uses every word (two or more) that the asking
        sentence is about, the words that point at the document itself aside."""
        about = content_terms(strip_frame(asking_sentence(question)))
        if len(about) < 2 or doc_id not in self.retriever.per_document:
            return False
        return self.retriever.passage_with_all(about, doc_id)

    def _asked_of_titles(
        self, question: str, passages: Sequence[Passage], doc_id: str
    ) -> tuple[list[float], Closeness] | None:
        """For a question that names a title or speaker and asks something of it: the vector
        of what it asks (the question without the names) and how close that comes to the
        document's passages. None when it names none, or asks nothing besides the name."""
        # The sentence that asks: a title named in the situation around it is its setting.
        asking = asking_sentence(question)
        if asked_kind(asking) or is_amount_question(asking):
            # A value asked of the title ("hoeveel subsidie krijgt Gunnen?") is answerability's
            # to judge: the subject is in the documents, the value may not be (partial).
            return None
        chunks = [p.chunk for p in passages]
        named = [self.retriever.by_id[c] for c in title_matches(asking, chunks)]
        rest = without_titles(asking, named)
        if not named or not content_terms(rest) or doc_id not in self.retriever.per_document:
            return None
        vec = self.retriever.embedder.embed_query(rest)
        return vec, self.retriever.closeness(vec, doc_id)

    def _rederive(
        self,
        question: str,
        history: Sequence[Message],
        language: str,
        documents: Collection[str] | None = None,
        use_llm: bool = False,
    ) -> Answer:
        """An earlier turn's answer again, extractive unless ``use_llm`` (for a transform
        request)."""
        final: Answer | None = None
        for final in self._turn(question, history, documents, language, use_llm=use_llm):  # noqa: B007
            pass
        assert final is not None
        return final

    def _llm_rewrite(
        self, asked: str, op: str, history: Sequence[Message], language: str, source: Answer
    ) -> Answer:
        """The previous answer rewritten by the LLM (transform ``op``: "language", "shorter"):
        the model's own words around the same sentences, cited by id and inserted verbatim.
        ``source`` is that answer re-derived: its passages go with the rewrite. Raises
        LLMError (the caller falls back to the extractive rework)."""
        assert self.llm is not None
        passages = list(source.passages)
        draft = self.llm.answer(asked, passages, history, language, op=op)
        self._join_cited(passages, draft.citations)
        return replace(
            source, question=asked, text=draft.text, citations=draft.citations,
            passages=passages, language=language, engine=self.llm.label,
            notes=[*draft.notes, *draft.dropped], refused=False,
        )  # fmt: skip

    def _two_part(
        self,
        asked: str,
        parts: Sequence[str],
        history: Sequence[Message],
        documents: Collection[str] | None,
        lang: str,
        instructed: bool,
        t0: float,
    ) -> Answer:
        """One answer per part under its own heading, markers renumbered; the second part is
        asked as a follow-up to the first ("… en sinds wanneer is hij dat?")."""
        answers: list[Answer] = []
        earlier = list(history)
        for part in parts:
            *_, ans = self._turn(part, earlier, documents, language=lang, use_llm=False)
            answers.append(ans)
            earlier += [
                {"role": "user", "content": part},
                {"role": "assistant", "content": ans.text},
            ]
        texts: list[str] = []
        citations: list[Citation] = []
        passages: list[Passage] = []
        seen: set[str] = set()
        for i, (part, ans) in enumerate(zip(parts, answers, strict=True), start=1):
            offset = len(citations)
            body = shift_markers(ans.text, offset)
            texts.append(f"**{i}. {part[:1].upper()}{part[1:]}**\n\n{body}")
            citations += [replace(c, n=c.n + offset) for c in ans.citations]
            for p in ans.passages:
                if p.chunk.id not in seen:
                    seen.add(p.chunk.id)
                    passages.append(replace(p, rank=len(passages) + 1))
        outcomes = {a.answerability for a in answers}
        answerability = next(iter(outcomes)) if len(outcomes) == 1 else "partial"
        notes = [f"twee delen: {', '.join(a.answerability for a in answers)}"]
        if instructed:
            notes.insert(0, "instructies in de vraag genegeerd")
        return Answer(
            question=asked, text="\n\n".join(texts), citations=citations, passages=passages,
            refused=answerability != "answer", language=lang, engine="extractive",
            timings={"total": (time.perf_counter() - t0) * 1000}, notes=notes,
            search_query=" | ".join(a.search_query for a in answers), answerability=answerability,
        )  # fmt: skip

    # --- motions ------------------------------------------------------------------------

    def draft_motion(
        self,
        request: str,
        gemeente: str | None = None,
        vergaderdatum: str | None = None,
        indieners: Sequence[str] = (),
        history: Sequence[Message] = (),
    ) -> Motion:
        req = clean_question(request, self.settings.max_question_chars)
        _, passages = self.retrieve(req, history)
        return self._motion(
            req, passages, gemeente=gemeente, vergaderdatum=vergaderdatum, indieners=indieners
        )

    def _motion(
        self,
        request: str,
        passages: list[Passage],
        *,
        use_llm: bool = True,
        language: str = "nl",
        gemeente: str | None = None,
        vergaderdatum: str | None = None,
        indieners: Sequence[str] = (),
    ) -> Motion:
        """The motion for ``request``: clauses by the LLM when one is configured (quotes by
        reference, only from ``passages``), else or on its failure the extractive draft.

        The letter's facts are looked up by section type, not by search: they join
        ``passages`` (in place), so every citation points into a passage the answer carries.
        """
        from assistant.answering.motion import draft_motion, motion_request
        from recept.schema import MotionClause

        motion = draft_motion(
            request, passages, self.retriever.chunks,
            gemeente=gemeente, vergaderdatum=vergaderdatum, indieners=list(indieners),
            doc_titles=self.document_titles(),
        )  # fmt: skip
        self._join_cited(passages, motion.citations)
        if self.llm is not None and use_llm:
            from assistant.llm.motion import llm_motion

            _, ask = motion_request(request)
            keep = [MotionClause(f"{ask};")] if ask else []  # the user's own words, verbatim
            try:
                clauses = self.llm.motion(request, passages, language)
            except LLMError as exc:
                motion.notes.append(f"LLM-terugval: {exc.message}; extractief concept")
            else:
                motion = llm_motion(motion, clauses, keep=keep, engine=self.llm.label)
                self._join_cited(passages, motion.citations)
        return motion

    def _join_cited(self, passages: list[Passage], citations: Sequence[Citation]) -> None:
        """Add the chunk of every citation not among ``passages`` to them (in place)."""
        have = {p.chunk.id for p in passages}
        for c in citations:
            if c.chunk_id not in have and c.chunk_id in self.retriever.by_id:
                have.add(c.chunk_id)
                chunk = self.retriever.by_id[c.chunk_id]
                passages.append(Passage(chunk, 0.0, rank=len(passages) + 1))
