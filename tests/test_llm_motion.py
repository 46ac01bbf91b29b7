"""Motion clauses by the LLM, quotes by reference: reading, rendering and failing, with fake
chat models (the logic around the model); the real server is in test_llm_server.py."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk
from llm_fixtures import SOURCE, three_passages
from test_llm_fake import ScriptedChatModel

from assistant.llm.engine import LLMEngine
from assistant.llm.motion import llm_motion, read_motion, render_motion
from recept.errors import LLMError
from recept.schema import Motion, MotionClause

PASSAGES, CORPUS, TABLE = three_passages()
BY_ID = {s.sid: s for s in TABLE}


def sid(prefix: str) -> str:
    return next(s.sid for s in TABLE if s.text.startswith(prefix))


def clause(cite: list[str], text: str) -> dict[str, Any]:
    return {"cite": cite, "text": text}


GOOD = {
    "constaterende": [clause([sid("Bouw aan")], "het recept vraagt om relaties")],
    "overwegende": [clause([sid("Durf ergens")], "dat gunnen de regio sterker maakt")],
    "verzoekt": [clause([sid("Blijf vervolgens")], "na het praten ook te doen")],
}


def engine(*replies: str | BaseException, **kw: Any) -> tuple[LLMEngine, ScriptedChatModel]:
    model = ScriptedChatModel(replies=list(replies), delay=kw.pop("delay", 0.0))
    kw.setdefault("corpus", CORPUS)
    return LLMEngine(model, name="fake", timeout=kw.pop("timeout", 5), **kw), model


def base_motion() -> Motion:
    return Motion("Motie: x", "[gemeente]", "[datum]", "De raad …", [], [], [], "en gaat over "
                  "tot de orde van de dag.", ["[naam]"], [])  # fmt: skip


def assert_traceable(sections: dict[str, list[MotionClause]], allowed: set[str]) -> None:
    """Every clause cites; every quote is the source's text at its offsets, in a passage."""
    numbers: set[int] = set()
    for clauses in sections.values():
        assert clauses
        for cl in clauses:
            assert cl.citations, cl.text
            for c in cl.citations:
                assert SOURCE[c.start : c.end] == c.quote
                assert c.chunk_id in allowed
                assert f"\u201c{c.quote}\u201d [{c.n}]" in cl.text
                numbers.add(c.n)
    assert numbers == set(range(1, len(numbers) + 1))


def test_each_clause_is_own_words_then_the_cited_sentences_verbatim() -> None:
    eng, _ = engine(json.dumps(GOOD))
    clauses = eng.motion("Stel een motie op over samenwerking", PASSAGES, "nl")
    assert_traceable(clauses.sections, {"c1", "c2", "c3"})
    over = clauses.sections["overwegende"][0].text
    assert over.startswith("gunnen de regio sterker maakt: \u201cDurf ergens")  # no double 'dat'
    assert over.endswith(";")
    assert "gelezen als JSON" in clauses.notes


def test_only_the_passages_sentences_may_be_cited() -> None:
    """The whole document is the (cached) prefix, but the schema's enum and the task hold
    the model to the motion's own passages; an id outside them drops its clause."""
    eng, model = engine(
        json.dumps(
            {
                **GOOD,
                "overwegende": [
                    clause([sid("Durf ergens")], "gunnen helpt"),
                    clause([sid("Bouw aan")], "relaties tellen"),  # not in the passages below
                ],
            }
        )
    )
    assert eng.whole_document
    shown = [PASSAGES[0], PASSAGES[2]]
    req = eng.prepare_motion("motie over gunnen", shown)
    allowed = [s.sid for s in TABLE if s.chunk.id in ("c1", "c3")]
    enum = req.schema["properties"]["overwegende"]["items"]["properties"]["cite"]["items"]
    assert enum["enum"] == allowed
    with pytest.raises(LLMError, match="constaterende"):
        # constaterende cited only a sentence outside the passages: nothing traceable is left
        eng.motion("motie over gunnen", shown)
    user = str(model.seen[0][-1].content)
    assert "Cite only these sentences: " in user and "Draft a motion" in user


def test_cut_off_json_keeps_finished_clauses_or_fails() -> None:
    full = json.dumps(GOOD)
    cut = full[: full.index('"text": "na het')]  # verzoekt's only clause cut off
    with pytest.raises(LLMError, match="verzoekt"):
        render_motion(read_motion(cut), BY_ID)
    two = {**GOOD, "verzoekt": [*GOOD["verzoekt"], clause([sid("Durf")], "te gunnen")]}
    full = json.dumps(two)
    clauses = render_motion(read_motion(full[: full.rindex('"text"')]), BY_ID)
    assert len(clauses.sections["verzoekt"]) == 1
    assert_traceable(clauses.sections, {"c1", "c2", "c3"})


def test_plain_text_motion_with_headings_is_read() -> None:
    raw = (
        f"Constaterende dat:\n- het recept relaties vraagt [{sid('Bouw aan')}]\n"
        f"Overwegende dat gunnen helpt ({sid('Durf')})\n"
        f"Verzoekt het college:\n1. te doen {sid('Blijf')}\n2. iets zonder bron"
    )
    eng, model = engine(raw, structured=False)
    clauses = eng.motion("motie over samenwerking", PASSAGES)
    assert_traceable(clauses.sections, {"c1", "c2", "c3"})
    assert clauses.sections["overwegende"][0].text.startswith("gunnen helpt: \u201cDurf")
    assert any("zonder bron" in d for d in clauses.dropped)
    assert "Constaterende dat:" in str(model.seen[0][-1].content)  # the text form is asked
    assert "gelezen als tekst" in clauses.notes


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "Ik kan geen motie schrijven.",
        json.dumps({"constaterende": [], "overwegende": [], "verzoekt": []}),
        json.dumps({"answer": [clause([sid("Durf")], "geen motie")]}),
        RuntimeError("server down"),
    ],
    ids=["empty", "prose", "empty-sections", "wrong-shape", "error"],
)
def test_garbage_or_errors_raise_llm_error(reply: str | BaseException) -> None:
    eng, _ = engine(reply)
    with pytest.raises(LLMError):
        eng.motion("motie over samenwerking", PASSAGES)


def test_a_stalled_model_raises_within_the_timeout() -> None:
    eng, _ = engine(json.dumps(GOOD), timeout=0.5, delay=0.3)
    with pytest.raises(LLMError, match="niet binnen"):
        eng.motion("motie over samenwerking", PASSAGES)


def test_repeated_and_surplus_clauses_are_dropped_and_numbers_stay_dense() -> None:
    durf, bouw, blijf = sid("Durf"), sid("Bouw aan"), sid("Blijf")
    reply = {
        "constaterende": [clause(["S999"], "verzonnen"), clause([bouw], "relaties")],
        "overwegende": [clause([durf], "gunnen"), clause([durf], "gunnen"), clause([blijf], "x")],
        "verzoekt": [clause([blijf], "doen")],
    }
    clauses = render_motion(read_motion(json.dumps(reply)), BY_ID)
    assert [len(v) for v in clauses.sections.values()] == [1, 2, 1]
    assert [c.n for c in clauses.citations] == [1, 2, 3]
    assert_traceable(clauses.sections, {"c1", "c2", "c3"})
    motion = llm_motion(base_motion(), clauses, keep=[MotionClause("de raad te betrekken;")],
                        engine="llm:fake")  # fmt: skip
    assert motion.verzoekt[0].text == "de raad te betrekken;" and not motion.verzoekt[0].citations
    assert motion.engine == "llm:fake" and motion.citations == clauses.citations
    assert any("S999" in n for n in motion.notes)


class Stalling(ScriptedChatModel):
    """Streams its reply up to ``stall_at``, then stalls (a server that stops mid-reply)."""

    stall_at: str = ""

    def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None, **kw: Any) -> Any:
        text = self._next(messages)
        head = text[: text.index(self.stall_at)]
        for token in head.split(" "):
            yield ChatGenerationChunk(message=AIMessageChunk(content=token + " "))
        time.sleep(10)


def test_a_reply_the_deadline_cuts_keeps_its_finished_clauses() -> None:
    """A JSON reply whose last clause the deadline cuts off: the finished clauses make the
    motion (each section has one), with a note; the answer path does the same."""
    two = {**GOOD, "verzoekt": [*GOOD["verzoekt"], clause([sid("Durf")], "te gunnen")]}
    model = Stalling(replies=[json.dumps(two)], stall_at="te gunnen")
    eng = LLMEngine(model, name="fake", timeout=2.0, corpus=CORPUS)
    clauses = eng.motion("motie over samenwerking", PASSAGES)
    assert [len(v) for v in clauses.sections.values()] == [1, 1, 1]
    assert any(d.startswith("antwoord afgebroken") for d in clauses.dropped)
    assert_traceable(clauses.sections, {"c1", "c2", "c3"})
    parts = [clause([sid("Bouw aan")], "relaties"), clause([sid("Durf")], "gunnen")]
    model = Stalling(replies=[json.dumps({"answer": parts})], stall_at="gunnen")
    eng = LLMEngine(model, name="fake", timeout=2.0, corpus=CORPUS)
    draft = eng.answer("Wat zegt het recept?", PASSAGES)
    assert [c.quote[:8] for c in draft.citations] == ["Bouw aan"]
    assert any(d.startswith("antwoord afgebroken") for d in draft.dropped)
    model = Stalling(replies=[json.dumps(GOOD)], stall_at="het recept")  # nothing finished
    with pytest.raises(LLMError, match="niet binnen"):
        LLMEngine(model, name="fake", timeout=2.0, corpus=CORPUS).motion("motie", PASSAGES)
