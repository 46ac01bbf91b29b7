"""The web app's pure parts: rendering answers and sources, feedback lines, the recipe cards,
motion helpers and login parsing. Hand-built Answers and a fake assistant; no model, no server.
"""

from __future__ import annotations

import doctest
import html
import json
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import ui.app
import ui.browser_tab
import ui.feedback
import ui.motion_tab
import ui.render
from recept.errors import ConfigError, IndexMissingError, InputError
from recept.schema import Answer, Chunk, Citation, Message, Passage
from recept.settings import Settings
from ui.app import AssistantHolder, build_app, parse_auth
from ui.browser_tab import ask_about, cards_html, detail_html, letter_facts
from ui.chat_tab import ChatController, ChatSession
from ui.feedback import FeedbackLog, make_record
from ui.motion_tab import parse_indieners, slug
from ui.render import answer_markdown, chat_markdown, highlight, sources_html

DOC = "doc"
HEADING = "### Check, check, dubbelcheck\n\n"
BODY = (
    "In elke relatie kunnen er misverstanden ontstaan. Het ezelsbruggetje ANNA "
    "(altijd nagaan, nooit aannemen) helpt."
)
CHUNK_START = 1000


def chunk(text: str = HEADING + BODY, **kw: Any) -> Chunk:
    base: dict[str, Any] = dict(
        id="doc:ingredient:13",
        doc_id=DOC,
        kind="ingredient",
        title="Check, check, dubbelcheck",
        start=CHUNK_START,
        end=CHUNK_START + len(text),
        text=text,
        embed_text=text,
        content_hash="h",
        group="groep 2",
        ordinal=13,
    )
    base.update(kw)
    return Chunk(**base)


def cite(n: int, ch: Chunk, quote: str, offset_shift: int = 0) -> Citation:
    rel = ch.text.index(quote)
    start = ch.start + rel + offset_shift
    return Citation(n, ch.id, ch.doc_id, ch.kind, ch.title, quote, start, start + len(quote))


def answer(text: str, citations: list[Citation], chunks: Sequence[Chunk], **kw: Any) -> Answer:
    base: dict[str, Any] = dict(
        question="Wat betekent ANNA?",
        text=text,
        citations=citations,
        passages=[Passage(c, 1.0 / (i + 1), rank=i + 1) for i, c in enumerate(chunks)],
        refused=False,
        language="nl",
        engine="extractive",
    )
    base.update(kw)
    return Answer(**base)


def marks(page: str) -> list[str]:
    """The text inside every <mark>, unescaped."""
    return [html.unescape(m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", page, re.S)]


# --- escaping --------------------------------------------------------------------------------


def test_script_in_a_document_renders_as_text() -> None:
    evil = "### <b>Kop</b>\n\nVoor <script>alert('x')</script> na. Tweede zin."
    ch = chunk(evil, title="<img src=x onerror=alert(1)>", group="<i>g</i>")
    quote = "Voor <script>alert('x')</script> na."
    a = answer('Zie "' + quote + '" [1] <script>boem()</script>', [cite(1, ch, quote)], [ch])

    page = sources_html(a)
    assert "<script" not in page and "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert marks(page) == [quote]

    chat = chat_markdown(a)
    assert "<script" not in chat
    assert "&lt;script&gt;boem()&lt;/script&gt;" in chat


def test_quotes_and_titles_in_the_also_found_list_are_escaped() -> None:
    ch = chunk()
    other = chunk(
        "### <script>x</script>\n\ntekst", id="doc:ingredient:1", title="<script>x</script>"
    )
    a = answer('"In elke relatie kunnen er misverstanden ontstaan." [1]', [], [ch, other])
    a.citations = [cite(1, ch, "In elke relatie kunnen er misverstanden ontstaan.")]
    page = sources_html(a)
    assert "<script" not in page
    assert "Ook gevonden" in page and "&lt;script&gt;x&lt;/script&gt;" in page


# --- highlighting ----------------------------------------------------------------------------


def test_mark_wraps_exactly_the_quoted_words_inside_the_passage() -> None:
    ch = chunk()
    q1 = "In elke relatie kunnen er misverstanden ontstaan."
    q2 = "Het ezelsbruggetje ANNA (altijd nagaan, nooit aannemen) helpt."
    a = answer(f'1. "{q1}" [1]\n2. "{q2}" [2]', [cite(1, ch, q1), cite(2, ch, q2)], [ch])
    page = sources_html(a)
    assert marks(page) == [q1, q2]
    # One card for the passage, which shows the whole passage, not only the quotes.
    assert page.count('class="bron-kaart"') == 1
    assert "Bronnen (2)" in page
    # The heading is in the card's title, not repeated in its text; markdown is hidden.
    text = re.search(r'<div class="bron-tekst">(.*?)</div>', page, re.S)
    assert text is not None and "###" not in text.group(1) and "Check, check" not in text.group(1)


def test_mark_found_by_search_when_offsets_are_off() -> None:
    ch = chunk()
    q = "Het ezelsbruggetje ANNA (altijd nagaan, nooit aannemen) helpt."
    a = answer(f'"{q}" [1]', [cite(1, ch, q, offset_shift=7)], [ch])
    assert marks(sources_html(a)) == [q]


def test_citation_of_a_chunk_not_retrieved_uses_the_corpus_or_shows_the_quote() -> None:
    ch = chunk()
    q = "In elke relatie kunnen er misverstanden ontstaan."
    bare = answer(f'"{q}" [1]', [cite(1, ch, q)], [])  # e.g. a motion: no passages
    assert marks(sources_html(bare)) == [q]
    with_corpus = sources_html(bare, {ch.id: ch})
    assert marks(with_corpus) == [q] and "ezelsbruggetje" in with_corpus


def test_highlight_hides_markdown_but_keeps_words() -> None:
    out = highlight("#### *Doen*\n\nZie [de site](http://x.nl) en **dit**.")
    assert out == "Doen\n\nZie de site en dit."


def test_overlapping_spans_do_not_break_the_markup() -> None:
    span = ui.render.Span
    out = highlight("abcdefghij", [span(0, 5, 1), span(3, 8, 2), span(8, 10, 3)])
    assert out.count("<mark") == out.count("</mark>") == 2


# --- marker links ----------------------------------------------------------------------------


def test_markers_become_links_to_card_ids() -> None:
    ch = chunk()
    q1 = "In elke relatie kunnen er misverstanden ontstaan."
    q2 = "Het ezelsbruggetje ANNA (altijd nagaan, nooit aannemen) helpt."
    a = answer(f'"{q1}" [1] en "{q2}" [2]; zie ook [7].', [cite(1, ch, q1), cite(2, ch, q2)], [ch])
    chat = chat_markdown(a)
    assert '<a href="#bron-1" class="bronlink">[1]</a>' in chat
    assert '<a href="#bron-2" class="bronlink">[2]</a>' in chat
    assert "[7]" in chat and "#bron-7" not in chat  # no citation 7: no dead link
    page = sources_html(a)
    # Every linked marker has exactly one element with its id to scroll to.
    for n in (1, 2):
        assert page.count(f'id="bron-{n}"') == 1
    assert '<article class="bron-kaart" id="bron-1">' in page


def test_marker_link_prefix_for_the_motion_tab() -> None:
    assert answer_markdown("x [3]", {3}, "motie-bron") == (
        'x <a href="#motie-bron-3" class="bronlink">[3]</a>'
    )


def test_two_passages_give_two_cards_in_marker_order() -> None:
    a_ch = chunk()
    b_ch = chunk(
        "### Gunnen\n\nDurf ergens belangeloos in te stappen.",
        id="doc:ingredient:9",
        title="Gunnen",
    )
    c1 = cite(1, b_ch, "Durf ergens belangeloos in te stappen.")
    c2 = cite(2, a_ch, "In elke relatie kunnen er misverstanden ontstaan.")
    page = sources_html(answer("[1] [2]", [c2, c1], [a_ch, b_ch]))
    assert page.index('id="bron-1"') < page.index('id="bron-2"')
    assert page.count('class="bron-kaart"') == 2


# --- refusals --------------------------------------------------------------------------------


def test_refusal_is_a_notice_with_suggestions_and_no_cards() -> None:
    ch = chunk()
    a = answer(
        "Het recept beantwoordt deze vraag niet.",
        [],
        [ch],
        refused=True,
        suggestions=["Gunnen", "Check, check, dubbelcheck"],
    )
    page = sources_html(a)
    assert 'class="weigering"' in page and "beantwoorden deze vraag niet" in page
    assert "<li>Gunnen</li>" in page and "<li>Check, check, dubbelcheck</li>" in page
    assert "bron-kaart" not in page and "<mark" not in page and 'id="bron-' not in page
    assert "Ook gevonden" not in page  # retrieved-but-unused passages are not sources


def test_a_partial_answer_says_so_and_shows_its_sources() -> None:
    ch = chunk()
    cite = Citation(1, ch.id, ch.doc_id, ch.kind, ch.title, ch.text[:10], ch.start, ch.start + 10)
    a = answer("Geen bedrag; wel [1].", [cite], [ch], refused=True)
    a.answerability = "partial"
    page = sources_html(a)
    assert "Gedeeltelijk beantwoord" in page and "bron-kaart" in page


def test_refusal_without_suggestions_points_to_the_browser() -> None:
    page = sources_html(answer("Nee.", [], [], refused=True))
    assert "Documenten bekijken" in page and "bron-kaart" not in page


# --- feedback --------------------------------------------------------------------------------


def test_feedback_lines_are_appended_whole_from_many_threads(tmp_path: Path) -> None:
    log = FeedbackLog.in_data_dir(tmp_path / "data")
    ch = chunk()
    cites = [cite(1, ch, "In elke relatie kunnen er misverstanden ontstaan.")]
    history: list[Message] = [{"role": "user", "content": "Vorige vraag"}]

    def worker(i: int) -> None:
        for j in range(40):
            log.append(make_record(f"vraag {i}-{j}", "antwoord " * 50, cites, "up", "", history))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = (tmp_path / "data" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 320
    rec = json.loads(lines[0])
    assert set(rec) == {"question", "answer", "citations", "rating", "comment", "time", "history"}
    assert rec["citations"][0]["quote"] == cites[0].quote and rec["history"] == history


def test_feedback_rejects_a_bad_rating() -> None:
    with pytest.raises(InputError):
        make_record("q", "a", [], "meh")


# --- the chat controller with a fake assistant ---------------------------------------------


class FakeAssistant:
    """Streams two snapshots; remembers the history it was given."""

    def __init__(self) -> None:
        self.settings = Settings.load(env={})
        self.seen: list[list[Message]] = []
        self.ch = chunk()

    def ask_stream(
        self, question: str, history: Sequence[Message] = (), documents: object = None
    ) -> Iterator[Answer]:
        self.seen.append(list(history))
        q = "In elke relatie kunnen er misverstanden ontstaan."
        c = [cite(1, self.ch, q)]
        yield answer('"In elke', [], [self.ch], question=question)
        yield answer(f'"{q}" [1]', c, [self.ch], question=question)


def controller(tmp_path: Path, fake: Any) -> ChatController:
    return ChatController(lambda: fake, lambda: {}, FeedbackLog(tmp_path / "feedback.jsonl"))


def test_chat_streams_snapshots_and_passes_history(tmp_path: Path) -> None:
    fake = FakeAssistant()
    ctrl = controller(tmp_path, fake)
    steps = list(ctrl.respond("Wat betekent ANNA?", ChatSession()))
    assert len(steps) == 4  # placeholder, two snapshots, final with sources
    chat, sources, box, _, session = steps[-1]
    assert box == "" and "bron-kaart" in sources and '<a href="#bron-1"' in chat[-1]["content"]
    assert [m["role"] for m in chat] == ["user", "assistant"]
    steps = list(ctrl.respond("En verder?", session))
    session = steps[-1][4]
    assert fake.seen[1] == [
        {"role": "user", "content": "Wat betekent ANNA?"},
        {"role": "assistant", "content": '"In elke relatie kunnen er misverstanden ontstaan." [1]'},
    ]
    box, notice = ctrl.rate_last("down", "te kort", session)
    assert box == "" and "Bedankt" in notice.value and notice.visible
    rec = json.loads((tmp_path / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (rec["question"], rec["rating"], rec["comment"]) == ("En verder?", "down", "te kort")
    assert rec["history"] == fake.seen[1] and rec["citations"][0]["n"] == 1
    assert "nog geen antwoord" in ctrl.rate_last("up", None, ChatSession())[1].value


def test_chat_input_error_is_a_notice_and_keeps_the_chat(tmp_path: Path) -> None:
    ctrl = controller(tmp_path, FakeAssistant())
    steps = list(ctrl.respond("   ", ChatSession()))
    chat, _, box, notice, session = steps[-1]
    assert chat == [] and box == "   " and session.history == []
    assert "invoerveld is leeg" in notice.value and notice.visible


def test_chat_shows_a_missing_index_in_dutch(tmp_path: Path) -> None:
    def missing() -> Any:
        raise IndexMissingError()

    ctrl = ChatController(missing, lambda: {}, FeedbackLog(tmp_path / "f.jsonl"))
    chat, panel, _, _, _ = list(ctrl.respond("Wat betekent ANNA?", ChatSession()))[-1]
    assert "recept ingest" in chat[-1]["content"] and "recept ingest" in panel
    assert "Traceback" not in chat[-1]["content"]


def test_chat_hides_unexpected_errors(tmp_path: Path) -> None:
    class Broken(FakeAssistant):
        def ask_stream(
            self, question: str, history: Sequence[Message] = (), documents: object = None
        ) -> Iterator[Answer]:
            raise RuntimeError("geheime details")
            yield

    ctrl = controller(tmp_path, Broken())
    chat, panel, _, _, _ = list(ctrl.respond("Wat betekent ANNA?", ChatSession()))[-1]
    assert "geheime details" not in chat[-1]["content"] + panel
    assert "Er ging iets mis" in chat[-1]["content"]


# --- app assembly ----------------------------------------------------------------------------


def test_build_app_is_lazy_and_a_missing_index_is_a_friendly_notice(tmp_path: Path) -> None:
    calls: list[int] = []

    def factory() -> Any:
        calls.append(1)
        raise IndexMissingError()

    settings = Settings.load(env={}, overrides={"data_dir": str(tmp_path)})
    build_app(factory, settings)
    assert calls == []  # nothing loaded while building the page
    holder = AssistantHolder(factory)
    status = holder.status()
    assert "nog niet klaar" in status and "recept ingest" in status
    holder.status()
    assert len(calls) == 2  # a failure is retried, e.g. after `recept ingest`


def test_parse_auth(tmp_path: Path) -> None:
    assert parse_auth("griffie:ge:heim") == [("griffie", "ge:heim")]
    f = tmp_path / "users.txt"
    f.write_text("# wie mag erin\nanna:een\n\nbert:twee\n", encoding="utf-8")
    assert parse_auth(str(f)) == [("anna", "een"), ("bert", "twee")]
    for bad in ("zonderdubbelepunt", ":leeg", "leeg:"):
        with pytest.raises(ConfigError):
            parse_auth(bad)


# --- recipe browser --------------------------------------------------------------------------


def corpus() -> list[Chunk]:
    meta = [
        ("afzender", "Gedeputeerde Staten"),
        ("kenmerk", "Kenmerk\n\n1938042/1938060"),
        ("onderwerp", "**Betreft: Recept voor de toekomst**"),
        ("verzenddatum", "Verzenddatum\n\n12 DEC. 2022"),
    ]
    out = [
        chunk(t, id=f"doc:letter_meta:{i}", kind="letter_meta", group=g, title=f"Brief: {g}")
        for i, (g, t) in enumerate(meta)
    ]
    for i in (2, 1, 3):
        out.append(
            chunk(
                f"### Ingrediënt <{i}>\n\nTekst {i}.",
                id=f"doc:ingredient:{i}",
                title=f"Ingr <{i}>",
                ordinal=i,
                group="groep 1" if i < 3 else "groep 2",
            )
        )
    out.append(
        chunk(
            "### **'Ken uzelf.'**\n\n**Hanneke Schipper**\n\nDG",
            id="doc:quote:1",
            kind="quote",
            title="Citaat van Hanneke Schipper",
            speaker="Hanneke Schipper",
            role="DG",
            ordinal=1,
        )
    )
    return out


def test_letter_facts_in_reading_order() -> None:
    assert letter_facts(corpus()) == [
        ("Afzender", "Gedeputeerde Staten"),
        ("Verzenddatum", "12 DEC. 2022"),
        ("Kenmerk", "1938042/1938060"),
        ("Onderwerp", "Recept voor de toekomst"),
    ]


def test_cards_in_order_by_group_and_escaped() -> None:
    page = cards_html(corpus())
    ids = re.findall(r'data-chunk="([^"]+)"', page)
    assert ids == ["doc:ingredient:1", "doc:ingredient:2", "doc:ingredient:3", "doc:quote:1"]
    assert page.index("Groep 1") < page.index("Groep 2") < page.index("Citaten (1)")
    assert "Ingrediënten (3)" in page and "Hanneke Schipper" in page
    assert "<1>" not in page and "&lt;1&gt;" in page


def test_detail_and_question_for_a_card() -> None:
    quote = corpus()[-1]
    assert "Hanneke Schipper" in ask_about(quote)
    detail = detail_html(quote)
    assert "Ken uzelf." in detail and "**" not in detail and "###" not in detail


# --- motion helpers, serve, doctests -------------------------------------------------------


def test_motion_helpers() -> None:
    assert slug("Motie: Regionale samenwerking") == "motie-regionale-samenwerking"
    assert slug("!!!") == "motie"
    assert parse_indieners("A\n\n B \n") == ["A", "B"]


def test_serve_url_line() -> None:
    from cli.serve_cmd import display_url

    assert display_url("127.0.0.1", 7860) == "http://127.0.0.1:7860"


@pytest.mark.parametrize(
    "module",
    [ui.render, ui.feedback, ui.browser_tab, ui.motion_tab, ui.app],
    ids=lambda m: m.__name__,
)
def test_doctests(module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_motion_answer_in_chat_leaves_the_source_list_to_the_panel() -> None:
    ch = chunk()
    q = "In elke relatie kunnen er misverstanden ontstaan."
    text = f'## Motie: X\n\n**constaterende dat**\n- "{q}" [1];\n\n**Bronnen**\n[1] Check — "{q}"'
    chat = chat_markdown(answer(text, [cite(1, ch, q)], [], notes=["motie-concept"]))
    assert "constaterende dat" in chat and "**Bronnen**" not in chat
    assert "Motie opstellen" in chat  # points to the tab that makes a .docx


def test_the_browser_shows_each_document_with_its_own_parts() -> None:
    letter = [
        Chunk(
            "b:1",
            "brief",
            "section",
            "1. Aanleiding",
            0,
            40,
            "## 1. Aanleiding\n\nDe regeling.",
            "",
            "",
        ),
        Chunk("b:2", "brief", "section", "1. Aanleiding", 41, 80, "Nog een alinea.", "", ""),
        Chunk(
            "b:3", "brief", "section", "2. Kosten", 81, 120, "## 2. Kosten\n\nDe kosten.", "", ""
        ),
    ]
    page = cards_html([*corpus(), *letter], {"brief": "Raadsbrief X", "d": "Recept Y"})
    # a heading per document; the recipe keeps its ingredient cards, the letter gets chapters
    assert "Raadsbrief X" in page and "Ingrediënten (3)" in page
    assert "Hoofdstukken (2)" in page and page.count('data-chunk="b:') == 2


def test_the_header_names_the_documents_by_their_titles() -> None:
    from ui.app import header_html

    assert "«Raadsbrief &lt;X&gt;»" in header_html(["Raadsbrief <X>", "Recept"])
    assert "de geïndexeerde documenten" in header_html([])
