"""Generic sections: exact offsets, nothing lost, pieces within the size limit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.parse.generic import find_headings, parse_generic
from recept.schema import Section

# Building blocks that exercise headings, paragraphs, sentences and odd whitespace.
_TOKENS = st.sampled_from(
    [
        "# Doel",
        "## Aanpak *nu*",
        "### ",
        "```",
        "INLEIDING",
        "EN NU?",
        "2.1 Financiën",
        "Samenvatting",
        "woord",
        "gemeenten",
        "Noord-Holland",
        "heel-lang-woord-zonder-spaties-dat-niet-past",
        "zin.",
        "Vraag?",
        "(citaat.)",
        "é",
        " ",
        "  ",
        "\t",
        "\n",
        "\n\n",
        "\n \n",
        "\u00a0",
        "\u2028",
        "\x1c",
        "\x0c",
    ]
)
_DOCUMENTS = st.one_of(
    st.lists(_TOKENS, max_size=120).map("".join),
    st.lists(_TOKENS, max_size=60).map(" ".join),
    st.text(max_size=300),
)


def check_invariants(text: str, sections: list[Section], max_chars: int) -> None:
    covered = 0
    counts: dict[str, int] = {}
    for s in sections:
        counts[s.kind] = counts.get(s.kind, 0) + 1
        assert s.text == text[s.start : s.end]
        assert s.text and s.text == s.text.strip()
        assert s.start >= covered, "sections overlap or are out of order"
        # Whatever lies between sections is whitespace only: no text is lost.
        assert not text[covered : s.start].strip()
        assert len(s.text) <= max_chars or not any(ch.isspace() for ch in s.text)
        # Ordinals count per kind, so chunk ids (doc:kind:ordinal) are unique.
        assert (s.doc_id, s.ordinal) == (sections[0].doc_id, counts[s.kind])
        covered = s.end
    assert not text[covered:].strip()


@settings(max_examples=300, deadline=None)
@given(_DOCUMENTS, st.integers(min_value=1, max_value=200))
def test_sections_cover_the_text_exactly(text: str, max_chars: int) -> None:
    sections = parse_generic("doc", text, max_chars=max_chars)
    assert all(s.doc_id == "doc" for s in sections)
    check_invariants(text, sections, max_chars)


@settings(max_examples=200, deadline=None)
@given(_DOCUMENTS)
def test_every_heading_starts_a_section(text: str) -> None:
    sections = parse_generic("doc", text, max_chars=80)
    starts = {s.start for s in sections}
    for heading in find_headings(text):
        first_char = (
            heading.start + len(text[heading.start :]) - len(text[heading.start :].lstrip())
        )
        assert first_char in starts
        owner = next(s for s in sections if s.start == first_char)
        assert owner.title == heading.title


@given(st.text(alphabet=" \t\n\r\u00a0\u2028\x0c", max_size=50))
def test_whitespace_only_gives_no_sections(text: str) -> None:
    assert parse_generic("doc", text) == []


def test_empty_text() -> None:
    assert parse_generic("doc", "") == []


def test_max_chars_must_be_positive() -> None:
    with pytest.raises(ValueError):
        parse_generic("doc", "tekst", max_chars=0)


def test_markdown_headings_give_titles_and_groups() -> None:
    text = (
        "Voorwoord zonder kop.\n\n"
        "# Wonen\n\nWe bouwen 10.000 woningen.\n\n"
        "## Betaalbaar *bouwen*\n\nDe helft is sociaal.\n\n"
        "```\n# geen kop\n```\n\n"
        "# Mobiliteit\n\nMeer fietspaden.\n"
    )
    sections = parse_generic("nota", text)
    assert [(s.title, s.group, s.text) for s in sections] == [
        ("", "", "Voorwoord zonder kop."),
        ("Wonen", "Wonen", "# Wonen\n\nWe bouwen 10.000 woningen."),
        (
            "Betaalbaar bouwen",
            "Wonen",
            "## Betaalbaar *bouwen*\n\nDe helft is sociaal.\n\n```\n# geen kop\n```",
        ),
        ("Mobiliteit", "Mobiliteit", "# Mobiliteit\n\nMeer fietspaden."),
    ]
    check_invariants(text, sections, 1200)


def test_plain_text_report_with_all_caps_headings() -> None:
    text = (
        "Jaarverslag 2023\n"
        "Provincie Noord-Holland\n\n"
        "INLEIDING\n\n"
        "Dit verslag beschrijft het jaar.\nHet was een druk jaar.\n\n"
        "FINANCIËN\n\n"
        "De begroting sloot met een overschot.\n\n"
        "Risico's\n\n"
        "Er zijn twee grote risico's en die staan hieronder beschreven, met de maatregelen.\n\n"
        "Met vriendelijke groet\n\n"
        "Gedeputeerde Staten\n"
    )
    sections = parse_generic("jaarverslag", text)
    assert [(s.title, s.group) for s in sections] == [
        ("", ""),
        ("INLEIDING", "INLEIDING"),
        ("FINANCIËN", "FINANCIËN"),
        ("Risico's", "FINANCIËN"),
        ("Brief: ondertekening", "ondertekening"),
    ]
    assert sections[1].text.startswith("INLEIDING\n\nDit verslag")
    # The closing lines are not headings: they are the signature.
    assert (sections[-1].kind, sections[-1].group) == ("letter", "ondertekening")
    assert sections[-1].text == "Met vriendelijke groet\n\nGedeputeerde Staten"
    check_invariants(text, sections, 1200)


def test_markdown_documents_do_not_get_title_like_headings() -> None:
    text = "# Titel\n\nTekst.\n\nGEEN KOP\n\nMeer tekst.\n"
    assert [s.title for s in parse_generic("doc", text)] == ["Titel"]


def test_huge_paragraph_is_split_at_sentence_ends() -> None:
    sentence = "De provincie werkt samen met gemeenten aan sterke regio's. "
    text = "## Samenwerking\n\n" + sentence * 60
    sections = parse_generic("doc", text, max_chars=400)

    assert len(sections) > 1
    assert all(len(s.text) <= 400 for s in sections)
    assert all(s.text.endswith(".") for s in sections)
    assert all(s.title == "Samenwerking" for s in sections)
    # The heading stays with the start of its text instead of becoming a piece on its own.
    assert sections[0].text.startswith("## Samenwerking\n\nDe provincie")
    check_invariants(text, sections, 400)


def test_paragraph_boundaries_are_preferred() -> None:
    first = "Eerste alinea met een paar woorden erin. " * 5
    second = "Tweede alinea, ook met woorden. " * 5
    text = f"{first.strip()}\n\n{second.strip()}"
    sections = parse_generic("doc", text, max_chars=len(first) + 20)
    assert [s.text for s in sections] == [first.strip(), second.strip()]


def test_a_word_longer_than_max_chars_is_kept_whole() -> None:
    word = "x" * 50
    text = f"kort {word} kort"
    assert [s.text for s in parse_generic("doc", text, max_chars=10)] == ["kort", word, "kort"]


def test_offsets_with_crlf_free_unicode_text() -> None:
    text = "# Één regio\n\nNoord-Hollandse gemeenten — samen sterk.\n"
    (section,) = parse_generic("doc", text)
    assert (section.start, section.end) == (0, len(text.rstrip()))
    assert section.title == "Één regio"
