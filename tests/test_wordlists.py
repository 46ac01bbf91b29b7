"""The shipped word lists: data files with a header, valid by their loaders."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

import pytest

from assistant.query.language import parse_words, word_list
from assistant.retrieval.datafile import data_lines
from assistant.retrieval.lexicon import expansions, parse_table, table
from assistant.retrieval.thesaurus import parse_groups, policy_groups

DATA_FILES = [
    ("assistant.retrieval", "lexicon_en_nl.tsv"),
    ("assistant.retrieval", "lexicon_nl_nl.tsv"),
    ("assistant.retrieval", "thesaurus_nl.txt"),
    ("assistant.query", "function_words_en.txt"),
    ("assistant.query", "function_words_nl.txt"),
    ("assistant.query", "overview_words.txt"),
    ("assistant.query", "office_titles.txt"),
    ("assistant.query", "named_classes.txt"),
]


@pytest.mark.parametrize(("package", "name"), DATA_FILES)
def test_each_list_opens_with_a_header_that_says_what_belongs_there(
    package: str, name: str
) -> None:
    text = resources.files(package).joinpath("data", name).read_text(encoding="utf-8")
    header = text[: text.index(next(line for _, line in data_lines(text)))]
    assert header.startswith("#")
    assert "What belongs here" in header and "What does not" in header


def test_the_shipped_lists_load() -> None:
    assert len(table()) > 200 and len(policy_groups()) > 200
    assert {"the", "how"} <= word_list("function_words_en")
    assert {"de", "hoe"} <= word_list("function_words_nl")
    assert "overzicht" in word_list("overview_words", folded=True)
    assert "voorzitter" in word_list("office_titles", folded=True)
    assert "regios" in word_list("named_classes", folded=True)


def test_an_inflected_english_word_finds_its_base_entry() -> None:
    assert expansions(["municipalities", "assuming"]) == ["gemeenten", "aannemen"]


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (
            parse_table,
            "a\tb\nmayor\tburgemeester\nmayor\tburgemeester",
            "line 3: 'mayor' is listed",
        ),
        (parse_table, "# h\nterm of office\tcollegeperiode", "line 2: key 'term of office'"),
        (parse_groups, "# h\n\ncrisis RAMP", "line 3: 'RAMP' is not a lower-case word"),
        (parse_words, "de het\nDe", "line 2: 'De' is not a lower-case word"),
    ],
)
def test_a_malformed_line_is_named_by_its_number(
    parse: Callable[[str], object], text: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        parse(text)
