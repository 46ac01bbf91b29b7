"""The structure parser and chunker: pure functions, no model."""

from __future__ import annotations

import re

from conftest import CORPUS_FILE
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunk import chunk_sections
from ingest.pipeline import parse_document
from profiles.recipe.parse import blocks, looks_like_recipe, parse_recept
from recept.profiles import installed_profiles

SOURCE = CORPUS_FILE.read_text(encoding="utf-8")
INGREDIENTS = [
    "Zet de opgaven centraal",
    "Betrek andere partijen al vroeg in het proces",
    "Investeer in onderlinge relaties",
    "Ken jezelf",
    "Probeer vrij te denken",
    "Doen",
    "Blik naar buiten",
    "Met een beetje lef",
    "Gunnen",
    "Helderheid",
    "Lange termijn",
    "Empathie",
    "Check, check, dubbelcheck",
    "Never waste a good crisis",
]


def test_every_section_is_a_verbatim_slice() -> None:
    for s in parse_recept("recept", SOURCE):
        assert SOURCE[s.start : s.end] == s.text
        assert s.text == s.text.strip()


def test_no_text_is_lost() -> None:
    covered = [False] * len(SOURCE)
    for s in parse_recept("recept", SOURCE):
        for i in range(s.start, s.end):
            assert not covered[i], "sections overlap"
            covered[i] = True
    lost = "".join(ch for i, ch in enumerate(SOURCE) if not covered[i])
    # Only whitespace and markdown rules ("---") may fall between sections.
    assert re.fullmatch(r"[\s-]*", lost), repr(lost[:200])


def test_all_fourteen_ingredients_with_exact_titles_and_groups() -> None:
    ingredients = [s for s in parse_recept("recept", SOURCE) if s.kind == "ingredient"]
    assert [s.title for s in ingredients] == INGREDIENTS
    assert [s.ordinal for s in ingredients] == list(range(1, 15))
    assert {s.group for s in ingredients[:7]} == {"groep 1"}
    assert {s.group for s in ingredients[7:]} == {"groep 2"}
    for s in ingredients:
        assert s.title in s.text


def test_three_quotes_get_the_speaker_that_follows_them() -> None:
    quotes = [s for s in parse_recept("recept", SOURCE) if s.kind == "quote"]
    assert [(q.speaker, q.role.split(",")[0]) for q in quotes] == [
        ("Hanneke Schipper", "Directeur-generaal Openbaar bestuur en democratische rechtsstaat"),
        ("Ilse Zaal", "Gedeputeerde provincie Noord Holland"),
        ("Arthur van Dijk", "Commissaris van de Koning provincie Noord-Holland"),
    ]
    assert "Ken uzelf" in quotes[0].text
    assert "Zelfstandigheid kies je vrijwillig" in quotes[2].text


def test_letter_fields_and_recipe_parts() -> None:
    sections = parse_recept("recept", SOURCE)
    meta = {s.group: s.text for s in sections if s.kind == "letter_meta"}
    assert "1938042/1938060" in meta["kenmerk"]
    assert "12 DEC. 2022" in meta["verzenddatum"]
    assert meta["datum"].startswith("14 dec 2022")
    assert "Betreft" in meta["onderwerp"]
    assert "Gedeputeerde Staten" in meta["afzender"]
    assert meta["geadresseerden"].startswith("Aan de colleges en gemeenteraden")
    kinds = {s.kind for s in sections}
    assert {"intro", "participants", "question", "outlook", "closing", "colophon"} <= kinds
    closing = next(s for s in sections if s.kind == "closing")
    assert closing.title.startswith("44 STERKE GEMEENTEN, 9 STERKE REGIO'S")
    assert next(s for s in sections if s.kind == "outlook").title == "EN NU?"
    colophon = " ".join(s.text for s in sections if s.kind == "colophon")
    assert "Wide Vercnocke" in colophon


def test_chunks_are_verbatim_and_ids_stable() -> None:
    a = chunk_sections(parse_recept("recept", SOURCE))
    b = chunk_sections(parse_recept("recept", SOURCE))
    assert [c.id for c in a] == [c.id for c in b]
    assert [c.content_hash for c in a] == [c.content_hash for c in b]
    assert len({c.id for c in a}) == len(a)
    for c in a:
        assert SOURCE[c.start : c.end] == c.text
        assert c.embed_text
    gunnen = next(c for c in a if c.title == "Gunnen")
    assert gunnen.id == "recept:ingredient:9"
    assert gunnen.embed_text.startswith("Ingrediënt: Gunnen.")


def test_document_type_detection() -> None:
    assert looks_like_recipe(SOURCE)
    other = "# Nota\n\nDit is een gewone nota.\n\n## Inleiding\n\nTekst over beleid.\n"
    assert not looks_like_recipe(other)
    sections, profile = parse_document("nota", other, installed_profiles())
    assert {s.kind for s in sections} == {"section"} and profile == ""
    assert parse_document("recept", SOURCE, installed_profiles())[1] == "recipe"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab #*-'\n:.?")), max_size=300))
def test_parser_properties_on_arbitrary_text(text: str) -> None:
    sections = parse_recept("x", text)
    last_end = 0
    for s in sections:
        assert text[s.start : s.end] == s.text
        assert s.start >= last_end
        last_end = s.end
    for b in blocks(text):
        assert text[b.start : b.end] == b.text
