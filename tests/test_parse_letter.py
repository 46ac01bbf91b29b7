"""Generic letter structure: header fields, tables by row, quotes with their speaker, heading
paths and list lead-ins. Pure functions, no model; examples of our own plus the two real
documents (the recipe letter and a council information letter)."""

from __future__ import annotations

from pathlib import Path

from conftest import CORPUS_FILE
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunk import chunk_sections
from ingest.parse.attribution import find_quotes, split_speaker
from ingest.parse.generic import parse_generic
from ingest.parse.header import find_fields, label_of
from ingest.parse.tables import find_tables
from ingest.pipeline import parse_document
from profiles.recipe.parse import parse_recept

RECIPE = CORPUS_FILE.read_text(encoding="utf-8")
LETTER = (
    Path(__file__).parents[1] / "corpus-extra" / "raadsinformatiebrief-duinwaarde.md"
).read_text(encoding="utf-8")

PLAIN_LETTER = """Gemeente Westerhout
Postbus 50
1800 AB Westerhout
Telefoon 14 072

Stichting Groen Wonen
t.a.v. mevrouw J. de Wit
Dorpsstraat 12a
1811 EF Westerhout

Ons kenmerk    2025/1234
Uw kenmerk     -
Datum          4 februari 2025
Behandeld door A. Visser
Telefoonnummer 072 123 45 67
E-mail         a.visser@westerhout.nl
Onderwerp: Aanpak van de wachtlijsten

Geachte leden van de raad,

Wij informeren u over de wachtlijsten.

Met vriendelijke groet,

A. Visser
burgemeester

Bijlage(n): 1
"""


def fields(sections: list) -> dict[str, str]:
    return {
        s.group: s.text for s in sections if s.kind == "letter_meta" or s.group == "ondertekening"
    }


def test_plain_text_letter_fields_with_and_without_colons() -> None:
    found = fields(find_fields("brief", PLAIN_LETTER))
    assert found["adres geadresseerde"] == (
        "Stichting Groen Wonen\nt.a.v. mevrouw J. de Wit\nDorpsstraat 12a\n1811 EF Westerhout"
    )
    # The sender's letterhead carries contact lines: it is no addressee.
    assert found["postadres"] == "Gemeente Westerhout\nPostbus 50\n1800 AB Westerhout"
    assert found["kenmerk"] == "Ons kenmerk    2025/1234"
    assert found["datum"] == "Datum          4 februari 2025"
    assert found["behandeld door"] == "Behandeld door A. Visser"
    phones = [s.text for s in find_fields("b", PLAIN_LETTER) if s.group == "telefoon"]
    assert phones == ["Telefoon 14 072", "Telefoonnummer 072 123 45 67"]
    assert found["e-mail"].endswith("a.visser@westerhout.nl")
    assert found["onderwerp"] == "Onderwerp: Aanpak van de wachtlijsten"
    assert found["ondertekening"] == "Met vriendelijke groet,\n\nA. Visser\nburgemeester"
    assert found["bijlage"] == "Bijlage(n): 1"


def test_labels_need_a_colon_or_a_value_of_the_fields_shape() -> None:
    assert label_of("Telefoon is altijd bezet") is None
    assert label_of("Datum van de vergadering volgt nog") is None
    assert label_of("- Datum: 3 juni") is None  # a list item, not a field
    assert label_of("## Onderwerp") is None  # a heading
    contact = label_of("Contactpersoon: P. de Boer")
    assert contact is not None and contact.key == "behandeld door"
    assert label_of("| Kenmerk | Z-1 |") is None  # table rows: see the next test


def test_addressees_without_label_only_in_the_head() -> None:
    head = "Aan de leden van de raad\nvan Westerhout\n\nGeachte leden,\n\n"
    body = "".join(f"Alinea {i} met tekst.\n\n" for i in range(30))
    src = head + body + "Aan de slag met wonen\n\nWij bouwen."
    found = [s.text for s in find_fields("b", src)]
    assert found == ["Aan de leden van de raad\nvan Westerhout"]


def test_two_column_table_rows_are_fields() -> None:
    src = "| Veld | Waarde |\n|---|---|\n| Kenmerk | Z-2025-7 |\n| Datum | 1 mei 2025 |\n"
    found = fields(parse_generic("brief", src))
    assert found == {"kenmerk": "| Kenmerk | Z-2025-7 |", "datum": "| Datum | 1 mei 2025 |"}


def test_recipe_letter_gains_phone_and_addresses() -> None:
    found = fields(parse_recept("recept", RECIPE))
    assert found["telefoon"] == "Telefoon (023) 514 3143"
    assert found["adres geadresseerde"] == "Gemeente Bloemendaal\n\nPostbus 201\n\n2050 AE Overveen"
    assert found["postadres"].startswith("Postbus 3007")
    assert found["bezoekadres"].startswith("Houtplein 33")
    assert "34362354" in found["kvk-nummer"]
    assert found["ondertekening"].startswith("Hoogachtend,")
    assert "Gedeputeerde Staten van Noord-Holland" in found["ondertekening"]
    # What the recipe parser found before stays: sender, date, kenmerk, subject.
    assert found["afzender"] == "Gedeputeerde Staten"
    assert found["kenmerk"] == "Kenmerk\n\n1938042/1938060"


def test_council_letter_fields() -> None:
    sections = parse_document("rib", LETTER)[0]
    found = fields(sections)
    assert "Z-2025-00418 / D-2025-012733" in found["kenmerk"]
    assert "R. (Rachid) El Amrani, beleidsadviseur Jeugd" in found["behandeld door"]
    # A field says which letter it belongs to (its title), for a corpus of several letters.
    kenmerk = next(c for c in chunk_sections(sections) if c.group == "kenmerk")
    assert "Raadsinformatiebrief" in kenmerk.embed_text
    assert "(0251) 74 32 18" in found["telefoon"]
    assert "r.elamrani@duinwaarde.nl" in found["e-mail"]
    assert "20 maart 2025" in found["verzenddatum"]
    assert found["ondertekening"].endswith("mr. C.M. (Carolien) Brandsma-Oosting")
    attachments = [s.text for s in sections if s.group == "bijlage"]
    assert (
        attachments[-1].startswith("**Bijlagen**")
        and "Ontwerp-wijzigingsbesluit" in (attachments[-1])
    )


def test_council_letter_table_one_row_per_municipality() -> None:
    chunks = chunk_sections(parse_document("rib", LETTER)[0])
    rows = [c for c in chunks if c.kind == "table"]
    head, body = rows[0], rows[1:]
    assert head.text.startswith("**Tabel 1.") and "| Gemeente |" in head.text
    assert [c.text.split("|")[1].strip(" *") for c in body] == [
        "Duinwaarde",
        "Helmerdijk",
        "Strandhoven",
        "Zeeveld",
        "Kooglust",
        "Totaal",
    ]
    zeeveld = body[3]
    assert zeeveld.text.startswith("| Zeeveld |")
    # The cell is found with its row label and its column header, under the caption.
    assert "Gemeente: Zeeveld" in zeeveld.embed_text
    assert "Realisatie 2024: € 6.215.000" in zeeveld.embed_text
    assert "Tabel 1. Bijdrage per deelnemende gemeente" in zeeveld.embed_text
    assert "2.2 Financiën" in zeeveld.embed_text


def test_council_letter_quotes_with_speaker_after_the_quote() -> None:
    quotes = [s for s in parse_document("rib", LETTER)[0] if s.kind == "quote"]
    assert [(q.speaker, q.role.split(" en ")[0]) for q in quotes] == [
        ("Femke Algra", "projectleider van de evaluatie bij Verbeek & Noordam"),
        ("Joris Wijnands", "wethouder van Kooglust"),
    ]
    assert quotes[0].text.startswith('"Het bureau doet wat het moet doen')


def test_council_letter_headings_and_lists() -> None:
    sections = parse_document("rib", LETTER)[0]
    tasks = next(s for s in sections if s.title == "2.1 Taken en deelnemers")
    assert "De GR bestaat sinds" in tasks.text and "de regionale expertisetafel" in tasks.text
    assert tasks.group == "Raadsinformatiebrief"
    assert tasks.context.endswith("2. De Jeugdregio Duinkust in het kort › 2.1 Taken en deelnemers")


def test_quote_attributions_wherever_the_name_stands() -> None:
    src = (
        'Wethouder Kees Bakker zegt: "We bouwen eerst voor starters."\n\n'
        '"Samen staan we sterker."\n\n'
        "— Fatima Yilmaz, burgemeester van Oosterveen\n\n"
        '"Geen woorden maar daden."\n\n'
        "**Pieter de Groot**\n\n"
        "Voorzitter van de ondernemersvereniging\n\n"
        "'Wij wachten af', aldus Sanne van der Berg.\n\n"
        '"Dit is geen citaat met een spreker."\n'
    )
    quotes = find_quotes("d", src)
    assert [(q.speaker, q.role) for q in quotes] == [
        ("Kees Bakker", "Wethouder"),
        ("Fatima Yilmaz", "burgemeester van Oosterveen"),
        ("Pieter de Groot", "Voorzitter van de ondernemersvereniging"),
        ("Sanne van der Berg", ""),
    ]
    assert (
        quotes[1].text
        == '"Samen staan we sterker."\n\n— Fatima Yilmaz, burgemeester van Oosterveen'
    )
    assert split_speaker("de gemeenteraad") is None


def test_aligned_plain_text_table() -> None:
    src = (
        "Tabel 2. Woningen per kern\n\n"
        "Kern        2023    2024\n"
        "Noorddorp   120     135\n"
        "Zuiddorp    80      95\n"
    )
    (table,) = find_tables(src)
    assert table.caption == "Tabel 2. Woningen per kern"
    rows = [c for c in chunk_sections(parse_generic("nota", src)) if c.kind == "table"]
    assert [r.text for r in rows[1:]] == ["Noorddorp   120     135", "Zuiddorp    80      95"]
    assert rows[2].embed_text == "Tabel 2. Woningen per kern. Kern: Zuiddorp; 2023: 80; 2024: 95"


def test_a_long_list_keeps_its_lead_in_as_context() -> None:
    items = "".join(f"- punt {i} met een zin die de ruimte vult.\n" for i in range(30))
    src = f"## Risico's\n\nWij zien de volgende risico's:\n\n{items}"
    chunks = chunk_sections(parse_generic("nota", src, max_chars=300))
    assert chunks[0].text.startswith("## Risico's\n\nWij zien de volgende risico's:\n\n- punt 0")
    for c in chunks[1:]:
        assert c.text.startswith("- punt")
        assert c.embed_text.startswith("Risico's. Wij zien de volgende risico's: - punt")


_LINES = st.sampled_from(
    [
        "Kenmerk",
        "Ons kenmerk: Z-1",
        "**Datum:** 1 mei 2025",
        "Telefoon (023) 514 3143",
        "Postbus 12",
        "1234 AB Stad",
        "Gemeente Stad",
        "Hoogachtend,",
        "Met vriendelijke groet",
        "1 bijlage(n)",
        "| Gemeente | 2024 |",
        "|---|---:|",
        "| Stad | € 5 |",
        "Jaar    Inwoners    Kosten",
        '"Wij doen het", zegt Jan de Vries, wethouder.',
        '"Nu."',
        "— Els Bos, raadslid",
        "**Anna Smit**",
        "Wij zien de volgende punten:",
        "- een punt",
        "1. Aanleiding",
        "## 2.1 Aanpak",
        "Tekst met een zin.",
        "",
        "   ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, max_size=40), st.integers(min_value=1, max_value=400))
def test_letter_structure_is_verbatim_and_covers_the_text(lines: list[str], max_chars: int) -> None:
    text = "\n".join(lines)
    sections = parse_generic("doc", text, max_chars=max_chars)
    covered = 0
    for s in sections:
        assert text[s.start : s.end] == s.text and s.text == s.text.strip()
        assert s.start >= covered and not text[covered : s.start].strip()
        covered = s.end
    assert not text[covered:].strip()
    chunks = chunk_sections(sections)
    assert len({c.id for c in chunks}) == len(chunks)
    for c in chunks:
        assert text[c.start : c.end] == c.text
    for s in find_fields("doc", text) + find_quotes("doc", text):
        assert text[s.start : s.end] == s.text


@settings(max_examples=100, deadline=None)
@given(st.lists(_LINES, max_size=40))
def test_recipe_parser_with_letter_fields_stays_verbatim(lines: list[str]) -> None:
    text = "\n".join(lines)
    last = 0
    for s in parse_recept("x", text):
        assert text[s.start : s.end] == s.text
        assert s.start >= last
        last = s.end
