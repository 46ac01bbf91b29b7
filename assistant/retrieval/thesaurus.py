"""Concept groups of policy language, for lexical search of questions in other words.

A councillor asks about "wateroverlast" or "a talk shop"; the text says "crisis" or "praten".
BM25 only matches words, so each question word that belongs to a concept group brings in the
group's other words (stemmed, and only those the index knows), at a lower weight than the
words actually asked. The groups are general knowledge of Dutch (and English) public
administration language, not tied to one document or question set.

A group may name broader terms after ">": "overstroming wateroverlast > crisis" lets a flood
bring in "crisis", but not every crisis bring in floods.

>>> th = Thesaurus(["crisis ramp noodsituatie", "overstroming wateroverlast > crisis nood"])
>>> th.related(tokenize("Na de wateroverlast"), {"crisis", "ramp", "nood", "overstroom"})
['crisis', 'nood', 'overstroom']
>>> th.related(tokenize("Een ramp"), {"crisis", "overstroom"})
['crisis']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet

from assistant.retrieval.bm25 import tokenize
from assistant.retrieval.lexicon import split_compound


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
