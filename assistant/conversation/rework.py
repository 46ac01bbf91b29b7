"""Answer a transform request: re-derive the previous answer, then rework it.

The API is stateless (the history is plain {role, content} messages), so the previous answer
is derived again: its question is run once more with its own earlier history through the same
pipeline (without the LLM, so the result is the deterministic extractive answer), in the
language asked for. Then :mod:`assistant.conversation.transforms` shortens it or keeps only its
quotes; a motion is drafted on the conversation's subject. Every citation stays a verbatim
quote of a passage the reworked answer carries.

With an LLM (``rewrite``), "another language" and "shorter" go through the model instead:
it rewrites the previous answer in its own words and cites the same sentences by id (quotes
inserted by code, verbatim, in the source's language); the re-derived answer gives the
passages, and is the fallback when the model fails. A motion is drafted through the same
path as a motion request (by the LLM when one is configured).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.conversation import transforms
from assistant.conversation.references import previous_subject
from assistant.conversation.state import Turn, previous_turn
from assistant.query.language import detect_language
from recept.errors import LLMError
from recept.schema import Answer, Chunk, Message

# (question, its history, answer language or "") -> the final extractive answer
Rederive = Callable[[str, Sequence[Message], str], Answer]
# (request, transform, history, language, the re-derived answer) -> the LLM's rewrite;
# raises LLMError when the model fails
Rewrite = Callable[[str, str, Sequence[Message], str, Answer], Answer]
# a motion request -> the motion as an answer (by the LLM when configured)
Draft = Callable[[str], Answer]
LLM_TRANSFORMS = ("language", "shorter")  # "quotes" needs no words of the model's own


def rework(
    asked: str,
    turn: Turn,
    history: Sequence[Message],
    rederive: Rederive,
    chunks: Sequence[Chunk],
    *,
    language: str = "",
    instructed: bool = False,
    rewrite: Rewrite | None = None,
    draft: Draft | None = None,
) -> Answer:
    """The answer to ``asked``, a transform request (``turn.kind == "transform"``)."""
    t0 = time.perf_counter()
    prev_q, _, earlier = previous_turn(history)
    lang = language or turn.language
    notes = [f"omzetting: {turn.transform}"]
    if instructed:
        notes.insert(0, "instructies in de vraag genegeerd")
    if not prev_q.strip() or not re.search(r"\w", prev_q):  # nothing answerable was asked
        lang = lang or detect_language(asked)
        return Answer(
            question=asked,
            text=transforms.nothing_to_transform(lang),
            citations=[],
            passages=[],
            refused=True,
            language=lang,
            engine="extractive",
            notes=notes,
            timings={"total": (time.perf_counter() - t0) * 1000},
        )
    if turn.transform == "language" and not lang:  # "vertaal dat": into the other language
        lang = "nl" if rederive(prev_q, earlier, "").language == "en" else "en"
    if turn.transform == "motion":
        # The motion is about what the conversation was about, not about "dat".
        subject = previous_subject(history, chunks) or prev_q
        request = transforms.motion_request(subject)
        source = draft(request) if draft is not None else rederive(request, (), "")
        return replace(
            source, question=asked, notes=notes + source.notes,
            timings={"total": (time.perf_counter() - t0) * 1000},
        )  # fmt: skip
    source = rederive(prev_q, earlier, lang)
    if rewrite is not None and turn.transform in LLM_TRANSFORMS and source.citations:
        try:
            written = rewrite(asked, turn.transform, history, lang or source.language, source)
        except LLMError as exc:
            notes.append(f"LLM-terugval: {exc.message}")
        else:
            return replace(
                written, notes=notes + written.notes,
                timings={"total": (time.perf_counter() - t0) * 1000},
            )  # fmt: skip
    text, citations = source.text, source.citations
    if turn.transform == "shorter":
        text, citations = transforms.shorter(source)
    elif turn.transform == "quotes":
        text, citations = transforms.only_quotes(source)
    return replace(
        source,
        question=asked,
        text=text,
        citations=citations,
        engine="extractive",
        notes=notes + source.notes,
        timings={"total": (time.perf_counter() - t0) * 1000},
    )
