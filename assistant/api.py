"""The Python API. The CLI, the web app and the evals only call this.

>>> # a = Assistant.from_settings(Settings.load())
>>> # a.ask("Hoe pas ik 'Gunnen' toe bij woningbouw?").citations[0].quote
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from assistant.answering.compose import (
    compose_answer,
    compose_instruction_refusal,
    compose_overview,
    compose_refusal,
    find_amount,
    is_amount_question,
)
from assistant.conversation.followup import resolve_followup
from assistant.policy.injection import split_instructions
from assistant.policy.refusal import OFF_TOPIC, RefusalPolicy, asked_office, refusal_features
from assistant.query.language import (
    asks_for_overview,
    detect_language,
    question_intent,
    strip_frame,
    wanted_kind,
)
from assistant.retrieval.adapter import load_adapter
from assistant.retrieval.bm25 import fold
from assistant.retrieval.rerank import load_ranker
from assistant.retrieval.retrieve import Closeness, HybridRetriever
from assistant.retrieval.thesaurus import Thesaurus, policy_groups
from ingest.embed.embedder import Embedder, load_embedder, resolve_model
from ingest.pipeline import index_state
from ingest.store import ChromaCatalog
from recept.errors import IndexMissingError, IndexStaleError, InputError, LLMError
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
        retriever: HybridRetriever,
        documents: dict[str, str],
        *,
        refusal: RefusalPolicy | None = None,
        llm: Any = None,
        manifest: dict[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self.manifest = manifest or {}  # the index build's: model, documents and their sha256
        self.retriever = retriever
        self.documents = documents
        self.refusal = refusal or RefusalPolicy.default(settings.refusal_threshold)
        self.llm = llm  # an assistant.llm.engine.LLMEngine or None
        self._corpus_folded = fold(" ".join(documents.values()))
        self.off_topic_vectors = retriever.embedder.embed_documents(list(OFF_TOPIC))

    @classmethod
    def from_settings(
        cls, settings: Settings, *, engine: str | None = None, embedder: Embedder | None = None
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
        ranker = load_ranker() if settings.reranker == "learned" else None
        adapter = None
        if settings.query_adapter == "auto":
            docs = [d.get("sha256", "") for d in active.manifest.get("documents", {}).values()]
            adapter = load_adapter()
            if not adapter.matches(docs, model_name):
                adapter = None  # trained for another corpus: it would pull towards its passages
        retriever = HybridRetriever(
            store,
            embedder,
            chunks,
            thesaurus=Thesaurus(policy_groups()),
            ranker=ranker,
            adapter=adapter,
        )
        llm = None
        if settings.engine != "extractive":
            from assistant.llm.engine import LLMEngine, make_chat_model

            llm = LLMEngine(
                make_chat_model(settings),
                name=f"{settings.engine}:{settings.llm_model}",
                timeout=settings.llm_timeout,
            )
        documents = catalog.documents(active.name)
        return cls(settings, retriever, documents, llm=llm, manifest=active.manifest)

    # --- reading the corpus -------------------------------------------------------------

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
    ) -> tuple[str, list[Passage]]:
        """(search query, ranked passages) for a question in its conversation."""
        query, _, passages, _ = self._search(question, history, timings)
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
        self, question: str, history: Sequence[Message], timings: dict[str, float] | None
    ) -> tuple[str, list[float], list[Passage], Closeness]:
        """(search query, its vector, the passages, how close it came to any passage)."""
        query, boost = resolve_followup(question, history, self.retriever.chunks)
        t0 = time.perf_counter()
        qvec = self.retriever.embedder.embed_query(strip_frame(query))
        if timings is not None:
            timings["embed_query"] = (time.perf_counter() - t0) * 1000
        kind = wanted_kind(question)
        # "Welk ingrediënt …" / "which quote …" wants that kind even when others rank higher.
        depth = self.settings.top_k * (4 if kind else 1)
        passages, near = self.retriever.search_detailed(query, depth, timings, qvec=qvec)
        if kind:
            passages = sorted(passages, key=lambda p: p.chunk.kind != kind)
        passages = [replace(p, rank=i) for i, p in enumerate(passages[: self.settings.top_k], 1)]
        if boost:
            # The section the follow-up points at ("the next one") goes first.
            passages = put_first(passages, boost, self.settings.top_k)
        holder = office_holder(question, passages)
        if holder is not None:
            passages = put_first(passages, holder, self.settings.top_k)
        if is_amount_question(question) and find_amount(question, passages) is None:
            # A count ("44 gemeenten") is found by its noun: look further down BM25's ranking.
            found = find_amount(question, self.retriever.lexical(query, 30), depth=30)
            if found is not None:
                passages = put_first(passages, found[0], self.settings.top_k)
        return query, qvec, passages, near

    def ask(self, question: str, history: Sequence[Message] = ()) -> Answer:
        answer: Answer | None = None
        for snapshot in self.ask_stream(question, history):
            answer = snapshot
        assert answer is not None
        return answer

    def ask_stream(self, question: str, history: Sequence[Message] = ()) -> Iterator[Answer]:
        """Yields growing snapshots of the answer; the last one is final."""
        t0 = time.perf_counter()
        asked = clean_question(question, self.settings.max_question_chars)
        # Instructions to the assistant carry no meaning for the document: cut them out.
        q, instructed = split_instructions(asked)
        lang = detect_language(q or asked)
        if instructed and not q:
            draft = compose_instruction_refusal(lang)
            yield Answer(
                question=asked, text=draft.text, citations=[], passages=[], refused=True,
                language=lang, engine="extractive", notes=["weigering: alleen instructies"],
                timings={"total": (time.perf_counter() - t0) * 1000},
            )  # fmt: skip
            return
        intent = question_intent(q)
        timings: dict[str, float] = {}
        query, qvec, passages, near = self._search(q, history, timings)
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
            from assistant.answering.motion import draft_motion, motion_to_markdown

            motion = draft_motion(q, passages, self.retriever.chunks)
            # The letter's facts are looked up by section type, not by search: they join the
            # retrieved passages so every citation points into a passage the answer carries.
            have = {p.chunk.id for p in passages}
            for c in motion.citations:
                if c.chunk_id not in have:
                    have.add(c.chunk_id)
                    chunk = self.retriever.by_id[c.chunk_id]
                    passages.append(Passage(chunk, 0.0, rank=len(passages) + 1))
            text = motion_to_markdown(motion, markers=True)
            yield answer(text, motion.citations, "motion", notes=["motie-concept"])
            return
        feats = refusal_features(
            q,
            passages,
            qvec,
            self.off_topic_vectors,
            self.retriever.vocabulary,
            self._corpus_folded,
            dense_top=near.plain,
            adapted=near.adapted,
        )
        if not passages or self.refusal.refuse(feats):
            # Suggest the nearest ingredients, even when none made the top passages.
            nearest = [c for c, _ in self.retriever.store.query(qvec, 40)]
            sugg = [
                c.title for c in [p.chunk for p in passages] + nearest if c.kind == "ingredient"
            ]
            sugg = list(dict.fromkeys(sugg))[:3]
            refusal = compose_refusal(lang, sugg)
            reasons = "weigering: " + "; ".join(self.refusal.reasons(feats))
            yield answer(refusal.text, [], "extractive", refused=True,
                         suggestions=refusal.suggestions, notes=[reasons, str(feats)])  # fmt: skip
            return
        notes: list[str] = []
        if self.llm is not None:
            try:
                for snap in self.llm.stream(q, passages, history, lang):
                    yield answer(
                        snap.text, snap.citations, self.llm.label, notes=list(snap.dropped)
                    )
                return
            except LLMError as exc:
                notes.append(f"LLM-terugval: {exc.message}")
        draft = compose_answer(q, lang, intent, passages, corpus_folded=self._corpus_folded)
        timings["compose"] = (time.perf_counter() - t1) * 1000
        yield answer(draft.text, draft.citations, "extractive", notes=notes + draft.notes)

    # --- motions ------------------------------------------------------------------------

    def draft_motion(
        self,
        request: str,
        gemeente: str | None = None,
        vergaderdatum: str | None = None,
        indieners: Sequence[str] = (),
        history: Sequence[Message] = (),
    ) -> Motion:
        from assistant.answering.motion import draft_motion

        req = clean_question(request, self.settings.max_question_chars)
        _, passages = self.retrieve(req, history)
        return draft_motion(
            req,
            passages,
            self.retriever.chunks,
            gemeente=gemeente,
            vergaderdatum=vergaderdatum,
            indieners=list(indieners),
        )
