"""Motions and conversation transforms through the public API with an LLM engine whose chat
model is a fake that cites the ids it is shown (the real server is in test_llm_server.py).
Real index, real embedding model."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from conftest import CORPUS_FILE
from langchain_core.messages import BaseMessage
from llm_fixtures import TextChatModel
from pydantic import Field

from assistant.api import Assistant
from assistant.llm.engine import LLMEngine
from recept.schema import Answer, Citation, Message, Motion

pytestmark = pytest.mark.model
SOURCE = CORPUS_FILE.read_text(encoding="utf-8")
REQUEST = "Stel een motie op over regionale samenwerking"


class EchoIds(TextChatModel):
    """Replies ``reply(prompt)``, the prompt being the last message's text."""

    reply: Callable[[str], str]
    prompts: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "echo-ids"

    def _next(self, messages: list[BaseMessage]) -> str:
        self.prompts.append(str(messages[-1].content))
        return self.reply(self.prompts[-1])


def shown_ids(prompt: str) -> list[str]:
    """The sentence ids listed in a prompt (a line 'S12 …')."""
    return re.findall(r"^(S\d+) ", prompt, re.M)


def motion_reply(prompt: str) -> str:
    ids = shown_ids(prompt)
    part = [{"cite": [i], "text": f"punt {n}"} for n, i in enumerate(ids[:2])]
    return json.dumps({"constaterende": part, "overwegende": part[::-1], "verzoekt": part[:1]})


def rewrite_reply(prompt: str) -> str:
    previous = prompt.split("Your previous answer", 1)[1]
    ids = list(dict.fromkeys(re.findall(r"\[(S\d+)\]", previous)))
    return json.dumps({"answer": [{"cite": ids[:2], "text": "In short, the recipe says"}]})


def with_llm(assistant: Assistant, reply: Callable[[str], str]) -> tuple[Assistant, EchoIds]:
    # No corpus: the prompt lists exactly the sentences that may be cited.
    model = EchoIds(reply=reply)
    llm = LLMEngine(model, name="fake", timeout=10.0)
    return Assistant(assistant.settings, assistant.retriever, assistant.documents, llm=llm), model


def assert_verbatim(a: Assistant, citations: list[Citation], carried: set[str]) -> None:
    assert citations
    for i, c in enumerate(citations, start=1):
        assert c.n == i
        assert SOURCE[c.start : c.end] == c.quote and a.verify(c)
        assert c.chunk_id in carried, "a citation of a passage the motion does not carry"


def motion_passages(a: Assistant, request: str) -> set[str]:
    """The chunks a motion may cite: what retrieval finds plus the letter's fields."""
    _, passages = a.retrieve(request)
    extractive = Assistant(a.settings, a.retriever, a.documents).draft_motion(request)
    return {p.chunk.id for p in passages} | {c.chunk_id for c in extractive.citations}


def clauses(m: Motion) -> list[Any]:
    return m.constaterende + m.overwegende + m.verzoekt


def test_motion_clauses_by_the_llm_cite_verbatim_from_the_passages(assistant: Assistant) -> None:
    a, model = with_llm(assistant, motion_reply)
    m = a.draft_motion(REQUEST, gemeente="Heiloo")
    assert m.engine == "llm:fake"
    assert m.title == "Motie: Regionale samenwerking" and m.gemeente == "Heiloo"
    assert all(cl.citations for cl in clauses(m))
    assert_verbatim(a, m.citations, motion_passages(a, REQUEST))
    for cl in clauses(m):
        for c in cl.citations:
            assert f"\u201c{c.quote.strip()}" in cl.text or c.quote.startswith(("#", "-"))
    assert "Draft a motion" in model.prompts[0]
    assert any("gelezen als JSON" in n for n in m.notes)


def test_motion_request_in_the_chat_goes_through_the_llm(assistant: Assistant) -> None:
    a, _ = with_llm(assistant, motion_reply)
    answer = a.ask(REQUEST)
    assert answer.engine == "llm:fake" and "motie-concept" in answer.notes
    assert (
        "constaterende dat" in answer.text and "en gaat over tot de orde van de dag" in answer.text
    )
    assert_verbatim(a, answer.citations, {p.chunk.id for p in answer.passages})


def test_the_users_request_to_the_college_stays_verbatim(assistant: Assistant) -> None:
    a, _ = with_llm(assistant, motion_reply)
    m = a.draft_motion(
        "Stel een motie op die het college vraagt de raad vroeg te betrekken bij regionale "
        "samenwerking"
    )
    assert m.engine == "llm:fake"
    assert m.verzoekt[0].text == "de raad vroeg te betrekken bij regionale samenwerking;"
    assert all(cl.citations for cl in clauses(m)[: -len(m.verzoekt)] + m.verzoekt[1:])


@pytest.mark.parametrize(
    "reply", ["Geen motie vandaag.", '{"constaterende": [{"cite": ["S1"], "te'], ids=str
)
def test_motion_falls_back_to_the_extractive_draft_with_a_note(
    assistant: Assistant, reply: str
) -> None:
    a, _ = with_llm(assistant, lambda _: reply)
    m = a.draft_motion(REQUEST)
    assert m.engine == "extractive"
    assert any(n.startswith("LLM-terugval") and "extractief" in n for n in m.notes)
    assert all(cl.citations for cl in m.constaterende + m.overwegende)
    assert_verbatim(a, m.citations, motion_passages(a, REQUEST))


def chat(a: Assistant, *questions: str) -> tuple[list[Answer], list[Message]]:
    history: list[Message] = []
    answers = []
    for q in questions:
        answers.append(a.ask(q, history))
        history += [
            {"role": "user", "content": q},
            {"role": "assistant", "content": answers[-1].text},
        ]
    return answers, history


def test_in_english_goes_through_the_llm_and_keeps_the_dutch_quotes(assistant: Assistant) -> None:
    _, history = chat(assistant, "Wat zegt het recept over gunnen?")  # extractive first turn
    a, model = with_llm(assistant, rewrite_reply)
    answer = a.ask("In het Engels", history)
    assert answer.engine == "llm:fake" and answer.language == "en"
    assert "omzetting: language" in answer.notes and "antwoordvorm: rewrite" in answer.notes
    assert "Translate your previous answer" in model.prompts[0] and "English" in model.prompts[0]
    assert answer.text.startswith("In short, the recipe says: \u201c")
    assert "_The quotes are verbatim in Dutch, the language of the source._" in answer.text
    assert any(c.title == "Gunnen" for c in answer.citations)
    assert_verbatim(a, answer.citations, {p.chunk.id for p in answer.passages})


def test_shorter_goes_through_the_llm(assistant: Assistant) -> None:
    _, history = chat(assistant, "Wat zegt het recept over gunnen?")
    a, model = with_llm(assistant, rewrite_reply)
    answer = a.ask("Kan het korter?", history)
    assert answer.engine == "llm:fake" and answer.language == "nl"
    assert "Make your previous answer" in model.prompts[0]
    assert "_De citaten" not in answer.text  # Dutch quotes in a Dutch answer: nothing to mark
    assert_verbatim(a, answer.citations, {p.chunk.id for p in answer.passages})


def test_a_failing_llm_transform_falls_back_to_the_extractive_rework(
    assistant: Assistant,
) -> None:
    _, history = chat(assistant, "Wat zegt het recept over gunnen?")
    a, _ = with_llm(assistant, lambda _: "Sorry, no.")
    answer = a.ask("In het Engels", history)
    assert answer.engine == "extractive" and answer.language == "en"
    assert any(n.startswith("LLM-terugval") for n in answer.notes)
    assert_verbatim(a, answer.citations, {p.chunk.id for p in answer.passages})


def test_into_a_motion_goes_through_the_llm(assistant: Assistant) -> None:
    _, history = chat(assistant, "Wat zegt het recept over gunnen?")
    a, _ = with_llm(assistant, motion_reply)
    answer = a.ask("Zet dat in een motie", history)
    assert answer.engine == "llm:fake" and "omzetting: motion" in answer.notes
    assert "constaterende dat" in answer.text
    assert_verbatim(a, answer.citations, {p.chunk.id for p in answer.passages})
