"""Quoting by reference: the model cites sentence ids, code inserts the verbatim sentences.

Fake chat models with scripted replies (the logic around the model); the real server is in
test_llm_server.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_fixtures import SOURCE, three_passages
from test_llm_fake import ScriptedChatModel

from assistant.llm.engine import LLMEngine, structured_kwargs
from assistant.llm.reply import read_reply, render_reply
from recept.errors import LLMError
from recept.quotes import display

PASSAGES, CORPUS, TABLE = three_passages()
BY_TEXT = {s.text: s.sid for s in TABLE}


def sid(prefix: str) -> str:
    """The id of the corpus sentence that starts with ``prefix``."""
    return next(i for text, i in BY_TEXT.items() if text.startswith(prefix))


def engine(*replies: str | BaseException, **kw: Any) -> tuple[LLMEngine, ScriptedChatModel]:
    model = ScriptedChatModel(replies=list(replies))
    kw.setdefault("corpus", CORPUS)
    return LLMEngine(model, name="fake", timeout=5, **kw), model


def assert_verbatim(citations: list[Any]) -> None:
    assert citations
    for i, c in enumerate(citations, start=1):
        assert c.n == i
        assert SOURCE[c.start : c.end] == c.quote


def test_cited_ids_become_verbatim_sentences_and_own_words_stay_apart() -> None:
    gunnen = sid("Durf ergens belangeloos")
    reply = json.dumps(
        {
            "answer": [
                {"cite": [gunnen], "text": 'Voor woningbouw betekent dit "durven" instappen'},
                {"cite": ["S999"], "text": "Een verzonnen bron."},
            ]
        }
    )
    eng, _ = engine(reply)
    d = eng.answer("Wat zegt het recept over gunnen?", PASSAGES, [], "nl")
    assert_verbatim(d.citations)
    sentence = SOURCE[d.citations[0].start : d.citations[0].end]
    assert d.text.startswith("Voor woningbouw betekent dit durven instappen: \u201c")
    assert f"{sentence}\u201d [1]" in d.text
    assert "Een verzonnen bron." in d.text and "S999" not in d.text
    assert any("S999 bestaat niet" in x for x in d.dropped)
    assert any("het hele document" in n for n in d.notes)


def test_whole_document_is_one_identical_prefix() -> None:
    reply = json.dumps({"answer": [{"cite": [sid("Bouw aan")], "text": "Kort"}]})
    eng, model = engine(reply, reply)
    assert eng.whole_document
    eng.answer("Wat is gunnen?", PASSAGES[2:], [], "nl")
    eng.answer("How do I build relations?", PASSAGES[1:2], [], "en")
    first, second = model.seen
    assert first[0].content == second[0].content  # the cacheable prefix
    for chunk in CORPUS:  # every passage is in it, whatever was retrieved
        assert f"ingrediënt: {chunk.title}" in str(first[0].content)
    assert "Sentences:" not in str(first[-1].content)


def test_above_the_budget_only_retrieved_passages_are_sent() -> None:
    gunnen = sid("Durf ergens belangeloos")
    reply = json.dumps({"answer": [{"cite": [gunnen, sid("Bouw aan")], "text": "Zo"}]})
    eng, model = engine(reply, context_tokens=10)
    assert not eng.whole_document
    d = eng.answer("Wat is gunnen?", PASSAGES[2:], [], "nl")
    user = str(model.seen[0][-1].content)
    assert f"{gunnen} Durf ergens belangeloos" in user and "Bouw aan" not in user
    assert [c.chunk_id for c in d.citations] == ["c3"]  # the id not shown is not citable
    assert any("gevonden passages" in n for n in d.notes)


def test_apply_shape_has_three_sections() -> None:
    reply = json.dumps(
        {
            "says": [{"cite": [sid("Durf ergens belangeloos")], "text": "Het recept vraagt lef"}],
            "here": [{"cite": [], "text": "Bij woningbouw kun je een buurgemeente voorlaten."}],
            "not_said": "Het recept noemt woningbouw niet.",
        }
    )
    eng, model = engine(reply)
    d = eng.answer("Hoe pas ik gunnen toe bij woningbouw in mijn gemeente?", PASSAGES, [], "nl")
    assert d.text.index("**Wat de documenten zeggen**") < d.text.index(
        "**Wat het hier kan betekenen**"
    )
    assert d.text.index("**Wat het hier kan betekenen**") < d.text.index("**Wat de documenten niet")
    assert "Bij woningbouw kun je een buurgemeente voorlaten." in d.text
    assert "antwoordvorm: apply" in d.notes
    assert "'not_said'" in str(model.seen[0][-1].content)


def test_two_part_question_answers_each_part() -> None:
    reply = json.dumps(
        {
            "answers": [
                {"asked": "Wat is gunnen", "answer": [{"cite": [sid("Durf")], "text": "Dit"}]},
                {"asked": "En doen", "answer": [{"cite": [sid("Blijf")], "text": "Dat"}]},
            ]
        }
    )
    eng, _ = engine(reply)
    d = eng.answer("Wat is gunnen? En wat betekent doen?", PASSAGES, [], "nl")
    assert d.text.startswith("**Wat is gunnen**\nDit: \u201cDurf")
    assert "**En doen**\nDat: \u201cBlijf" in d.text
    assert_verbatim(d.citations)


def test_rewrite_cites_the_previous_answers_sentences_by_id() -> None:
    durf = sid("Durf ergens belangeloos")
    sentence = next(s.text for s in TABLE if s.sid == durf)
    previous = f"Het recept zegt: \u201c{sentence}\u201d [1]"
    reply = json.dumps({"answer": [{"cite": [durf], "text": "In short, dare to step in"}]})
    eng, model = engine(reply, context_tokens=10)
    history = [
        {"role": "user", "content": "Wat is gunnen?"},
        {"role": "assistant", "content": previous},
    ]
    d = eng.answer("Vertaal dat in het Engels", PASSAGES[:1], history, "en")
    user = str(model.seen[0][-1].content)
    assert f"Het recept zegt: [{durf}]" in user  # the quote became its id
    assert f"{durf} Durf ergens" in user  # and the sentence is shown, though not retrieved
    assert d.text.startswith("In short, dare to step in: \u201cDurf ergens")
    assert "antwoordvorm: rewrite" in d.notes


def test_streamed_json_grows_by_finished_parts_and_a_cut_off_reply_keeps_them() -> None:
    parts = [{"cite": [t.sid], "text": f"Punt {i}"} for i, t in enumerate(TABLE[:3])]
    full = json.dumps({"answer": parts})
    eng, _ = engine(full)
    snaps = list(eng.stream("?", PASSAGES, [], "nl"))
    assert len(snaps) >= 2
    for earlier, later in zip(snaps, snaps[1:], strict=False):
        assert later.text.startswith(earlier.text)
    assert len(snaps[-1].citations) == 3
    cut = full[: full.index('"Punt 2"')]
    eng, _ = engine(cut)
    d = eng.answer("?", PASSAGES, [], "nl")
    assert len(d.citations) == 2
    assert any("onvolledig" in x for x in d.dropped)


def test_plain_text_reply_with_ids_is_read() -> None:
    eng, model = engine(f"Het recept vraagt om lef [{sid('Durf')}].", structured=False)
    d = eng.answer("Wat is gunnen?", PASSAGES, [], "nl")
    assert d.text.startswith("Het recept vraagt om lef.") or "lef: \u201cDurf" in d.text
    assert_verbatim(d.citations)
    assert "ids of the sentences it relies on in brackets" in str(model.seen[0][-1].content)
    assert "gelezen als tekst" in d.notes


@pytest.mark.parametrize(
    "reply",
    ['{"answer": []}', '{"answer": [{"cite": ["S999"], "text": "x"}]}', "{{{{", "Geen idee."],
)
def test_replies_without_a_real_citation_fall_back(reply: str) -> None:
    eng, _ = engine(reply)
    with pytest.raises(LLMError):
        eng.answer("?", PASSAGES, [], "nl")


def test_structured_kwargs_per_client() -> None:
    from langchain_ollama import ChatOllama
    from langchain_openai import ChatOpenAI

    schema = {"type": "object"}
    openai = ChatOpenAI(model="m", base_url="http://127.0.0.1:9/v1", api_key="x")
    fmt = structured_kwargs(openai, schema, "json_schema")["extra_body"]["response_format"]
    assert fmt == {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}
    fmt = structured_kwargs(openai, schema, "json_object")["extra_body"]["response_format"]
    assert fmt == {"type": "json_object", "schema": schema}
    assert structured_kwargs(openai, schema, "none") == {}
    assert structured_kwargs(ChatOllama(model="m"), schema, "json_schema") == {"format": schema}


class Rejection(Exception):
    status_code = 422


def test_a_server_that_rejects_a_form_gets_the_next_and_it_is_remembered() -> None:
    reply = json.dumps({"answer": [{"cite": [sid("Durf")], "text": "Zo"}]})
    eng, model = engine(Rejection("json_schema?"), reply, reply)
    d = eng.answer("Wat is gunnen?", PASSAGES, [], "nl")
    assert_verbatim(d.citations)
    assert "server weigerde structured output 'json_schema'" in d.notes
    assert eng.forms == ["json_object", "none"]
    eng.answer("Wat is gunnen?", PASSAGES, [], "nl")
    assert len(model.seen) == 3  # one rejected call, then one call per question


def test_a_model_failure_is_not_retried_in_another_form() -> None:
    eng, _ = engine(RuntimeError("kapot"), "niet gebruikt")
    with pytest.raises(LLMError, match="kapot"):
        eng.answer("?", PASSAGES, [], "nl")
    assert eng.forms[0] == "json_schema"


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(max_size=40),
            st.lists(st.sampled_from([t.sid for t in TABLE] + ["S0", "S999", "x"]), max_size=4),
        ),
        max_size=6,
    )
)
def test_any_reply_shows_only_verbatim_quotes(parts: list[tuple[str, list[str]]]) -> None:
    raw = json.dumps({"answer": [{"cite": c, "text": t} for t, c in parts]})
    d = render_reply(read_reply(raw), {s.sid: s for s in TABLE})
    for c in d.citations:
        assert SOURCE[c.start : c.end] == c.quote
    shown = {int(n) for n in re.findall(r"\[(\d+)\]", d.text)}
    assert shown == {c.n for c in d.citations}  # the model's own "[n]" never pose as markers
    quotes = re.findall("\u201c([^\u201c\u201d]*)\u201d", d.text)
    assert {q for q in quotes} == {display(c.quote) for c in d.citations}


def test_address_blocks_are_not_offered_for_quoting() -> None:
    from recept.schema import Chunk

    address = Chunk("adr", "recept", "address", "Adres", 0, 12, "Postbus 123", "", "h")
    reply = json.dumps({"answer": [{"cite": [sid("Durf")], "text": "Zo"}]})
    eng, model = engine(reply, corpus=[address, *CORPUS])
    eng.answer("Wat is gunnen?", PASSAGES, [], "nl")
    assert "Postbus" not in str(model.seen[0][0].content)
    assert all(s.chunk.kind != "address" for s in eng.table)


def test_a_repeated_part_is_shown_once() -> None:
    part = {"cite": [sid("Durf")], "text": "Zo"}
    eng, _ = engine(json.dumps({"answer": [part, part]}))
    d = eng.answer("Wat is gunnen?", PASSAGES, [], "nl")
    assert d.text.count("Durf ergens") == 1
    assert "herhaald deel weggelaten" in d.dropped
