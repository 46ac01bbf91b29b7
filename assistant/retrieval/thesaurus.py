"""Concept groups of policy language, for lexical search of questions in other words.

A councillor asks about "wateroverlast" or "a talk shop"; the text says "crisis" or "praten".
BM25 only matches words, so each question word that belongs to a concept group brings in the
group's other words (stemmed, and only those the index knows), at a lower weight than the
words actually asked. The groups are data (``data/thesaurus_nl.txt``, whose header says what
belongs there): general knowledge of Dutch (and English) public administration language, not
tied to one document or question set.

A group may name broader terms after ">": "overstroming wateroverlast > crisis" lets a flood
bring in "crisis", but not every crisis bring in floods.

>>> th = Thesaurus(["crisis ramp noodsituatie", "overstroming wateroverlast > crisis nood"])
>>> th.related(tokenize("Na de wateroverlast"), {"crisis", "ramp", "nood", "overstroom"})
['crisis', 'nood', 'overstroom']
>>> th.related(tokenize("Een ramp"), {"crisis", "overstroom"})
['crisis']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from functools import cache

from assistant.retrieval.bm25 import tokenize
from assistant.retrieval.datafile import data_lines, read_data
from assistant.retrieval.lexicon import split_compound


def parse_groups(text: str, source: str = "thesaurus") -> list[str]:
    """A thesaurus file: one concept group per line, lower-case words, broader ones after ">".

    >>> parse_groups("# crises\\ncrisis ramp  noodsituatie\\noverstroming > crisis\\n")
    ['crisis ramp noodsituatie', 'overstroming > crisis']
    >>> parse_groups("crisis > ramp > nood")
    Traceback (most recent call last):
    ValueError: thesaurus line 1: more than one '>'
    >>> parse_groups("Crisis ramp")
    Traceback (most recent call last):
    ValueError: thesaurus line 1: 'Crisis' is not a lower-case word
    >>> parse_groups("> crisis")
    Traceback (most recent call last):
    ValueError: thesaurus line 1: a group needs a word before '>' and two words in all
    """
    groups: list[str] = []
    for number, line in data_lines(text):
        where = f"{source} line {number}"
        if line.count(">") > 1:
            raise ValueError(f"{where}: more than one '>'")
        narrow, sep, broader = (part.split() for part in line.partition(">"))
        for word in narrow + broader:
            if not re.fullmatch(r"[a-zë]+", word):
                raise ValueError(f"{where}: {word!r} is not a lower-case word")
        if not narrow or len(narrow) + len(broader) < 2:
            raise ValueError(f"{where}: a group needs a word before '>' and two words in all")
        groups.append(" ".join(narrow) + (" > " + " ".join(broader) if sep else ""))
    return groups


@cache
def policy_groups() -> tuple[str, ...]:
    """The shipped concept groups of Dutch policy language (``data/thesaurus_nl.txt``)."""
    text = read_data("assistant.retrieval", "thesaurus_nl.txt")
    return tuple(parse_groups(text, "thesaurus_nl.txt"))


class Thesaurus:
    """Stemmed concept groups; a word may sit in more than one group."""

    def __init__(self, groups: Iterable[str]) -> None:
        self.groups: list[frozenset[str]] = []  # every word a group brings in
        self.index: dict[str, list[int]] = {}  # word → groups it brings in
        for group in groups:
            members, _, broader = group.partition(">")
            narrow = frozenset(tokenize(members))
            stems = narrow | frozenset(tokenize(broader))
            if len(stems) < 2:
                continue
            for stem in narrow:
                self.index.setdefault(stem, []).append(len(self.groups))
            self.groups.append(stems)
        self.vocabulary = frozenset(self.index)

    def related(self, tokens: Sequence[str], known: AbstractSet[str]) -> list[str]:
        """Group-mates of ``tokens`` that occur in ``known`` (the index), in a stable order.

        An unknown compound counts by its parts ("jeugdzorgregio" → jeugdzorg, regio); the
        query's own tokens are never returned.

        >>> th = Thesaurus(["geld budget middelen", "regio regionaal"])
        >>> th.related(["budgetregio"], {"geld", "middel", "regionaal"})
        ['geld', 'middel', 'regionaal']
        """
        asked = set(tokens)
        out: dict[str, None] = {}
        for token in tokens:
            for part in split_compound(token, self.vocabulary):
                for g in self.index.get(part, ()):
                    for stem in sorted(self.groups[g]):
                        if stem in known and stem not in asked:
                            out[stem] = None
        return list(out)
