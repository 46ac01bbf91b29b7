"""General Dutch policy vocabulary for lexical search: English→Dutch and Dutch synonyms.

BM25 only matches words, so an English question ("municipality", "sent") or a Dutch synonym
("afdwingen" for "bindend") finds nothing. The table is data (``data/lexicon_en_nl.tsv``,
``data/lexicon_nl_nl.tsv``; their headers say what belongs there): general Dutch public
administration language and common translations, not tied to any question set. Expansions
are added to the query (the original words stay), and compounds are split against the index
vocabulary.

>>> expand_query("When was the letter sent?")
'When was the letter sent? brief verzonden verzenddatum'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from functools import cache

from assistant.retrieval.bm25 import fold
from assistant.retrieval.datafile import data_lines, read_data

_SOURCES = ("lexicon_en_nl.tsv", "lexicon_nl_nl.tsv")


def parse_table(text: str, source: str = "lexicon") -> dict[str, str]:
    """A lexicon file: ``word<TAB>words to add`` per line, the key one folded word.

    >>> parse_table("# English -> Dutch\\nletter\\tbrief\\nsent\\tverzonden verzenddatum\\n")
    {'letter': 'brief', 'sent': 'verzonden verzenddatum'}
    >>> parse_table("letter brief")
    Traceback (most recent call last):
    ValueError: lexicon line 1: expected 'word<TAB>words to add', got 'letter brief'
    >>> parse_table("Letter\\tbrief")
    Traceback (most recent call last):
    ValueError: lexicon line 1: key 'Letter' is not one folded word
    >>> parse_table("contact\\tcontact")
    Traceback (most recent call last):
    ValueError: lexicon line 1: 'contact' only adds itself
    """
    table: dict[str, str] = {}
    for number, line in data_lines(text):
        where = f"{source} line {number}"
        key, tab, value = line.partition("\t")
        key, words = key.strip(), value.split()
        if not tab or not words or "\t" in value:
            raise ValueError(f"{where}: expected 'word<TAB>words to add', got {line!r}")
        if not re.fullmatch(r"[^\W\d_]+", key) or fold(key) != key:
            raise ValueError(f"{where}: key {key!r} is not one folded word")
        if words == [key]:
            raise ValueError(f"{where}: {key!r} only adds itself")
        if key in table:
            raise ValueError(f"{where}: {key!r} is listed twice")
        table[key] = " ".join(words)
    return table


@cache
def table() -> dict[str, str]:
    """The shipped lexicon: English→Dutch and Dutch synonyms (``data/lexicon_*.tsv``)."""
    merged: dict[str, str] = {}
    for name in _SOURCES:
        part = parse_table(read_data("assistant.retrieval", name), name)
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"{name}: already in another lexicon file: {sorted(twice)}")
        merged.update(part)
    return merged


def expansions(words: Iterable[str]) -> list[str]:
    """Dutch words to add for the given (folded) words."""
    out: list[str] = []
    for w in words:
        for form in english_forms(w):
            extra = table().get(form)
            if extra:
                out.extend(extra.split())
                break
    return out


def english_forms(word: str) -> list[str]:
    """The word and its likely base forms, for table lookup of inflected English.

    >>> english_forms("assuming")
    ['assuming', 'assum', 'assume']
    """
    forms = [word]
    for suffix, repl in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms.append(word[: -len(suffix)] + repl)
    return list(dict.fromkeys(forms))


def expand_query(query: str) -> str:
    """The query plus its Dutch expansions (for lexical search only)."""
    words = re.findall(r"[^\W\d_]+", fold(query))
    extra = [e for e in expansions(words) if e not in words]
    return query + (" " + " ".join(dict.fromkeys(extra)) if extra else "")


def split_compound(token: str, vocabulary: AbstractSet[str], min_part: int = 3) -> list[str]:
    """Split an unknown (stemmed) token into two known parts, e.g. 'jeugdzorgregio'.

    >>> split_compound("jeugdzorgregio", {"jeugdzorg", "regio"})
    ['jeugdzorg', 'regio']
    >>> split_compound("regio", {"regio"})
    ['regio']

    A verb form the stemmer leaves with its -d or -t ("vergaderd", "werkt") is its stem:

    >>> split_compound("vergaderd", {"vergader"})
    ['vergader']
    """
    if token in vocabulary:
        return [token]
    if token[-1:] in ("d", "t") and token[:-1] in vocabulary and len(token) > min_part + 1:
        return [token[:-1]]
    if len(token) < 2 * min_part:
        return [token]
    for i in range(len(token) - min_part, min_part - 1, -1):
        head, tail = token[:i], token[i:]
        if tail in vocabulary and (head in vocabulary or len(head) >= min_part):
            return [head, tail] if head in vocabulary else [tail]
    return [token]
