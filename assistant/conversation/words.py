"""The word classes of ``words.txt`` (pronouns, ordinals, answer-form words), read once.

>>> w = words()
>>> "hij" in w.reference, w.ordinal["tweede"], w.kind_noun["spreker"]
(True, 2, 'quote')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.retrieval.bm25 import STOPWORDS

_FILE = Path(__file__).with_name("words.txt")


@dataclass(frozen=True)
class Words:
    reference: frozenset[str]
    weak_reference: frozenset[str]
    demonstrative: frozenset[str]
    pronominal_prefix: tuple[str, ...]
    pronominal_suffix: frozenset[str]
    opener: frozenset[str]
    person: frozenset[str]
    next: frozenset[str]
    previous: frozenset[str]
    next_adverb: frozenset[str]
    previous_adverb: frozenset[str]
    question_word: frozenset[str]
    request_modal: frozenset[str]
    addressee: frozenset[str]
    discourse: frozenset[str]
    document: frozenset[str]
    ordinal: dict[str, int]
    kind_noun: dict[str, str]

    @property
    def function(self) -> frozenset[str]:
        """Words that carry no subject: function words, references, answer-form words."""
        return (
            STOPWORDS
            | self.reference
            | self.weak_reference
            | self.demonstrative
            | self.pronominal_suffix
            | self.opener
            | self.discourse
            | self.question_word
        )


def parse_sections(text: str) -> dict[str, list[str]]:
    """``[section]`` headers and the words under them; ``#`` starts a comment.

    >>> parse_sections("# c\\n[a]\\nx y # z\\n[b]\\nk=1")
    {'a': ['x', 'y'], 'b': ['k=1']}
    """
    out: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            out[current] = []
        elif line and current:
            out[current].extend(line.split())
    return out


@lru_cache(maxsize=1)
def words() -> Words:
    s = parse_sections(_FILE.read_text(encoding="utf-8"))

    def pairs(name: str) -> dict[str, str]:
        return dict(item.split("=", 1) for item in s[name])

    return Words(
        reference=frozenset(s["reference"]),
        weak_reference=frozenset(s["weak_reference"]),
        demonstrative=frozenset(s["demonstrative"]),
        pronominal_prefix=tuple(s["pronominal_prefix"]),
        pronominal_suffix=frozenset(s["pronominal_suffix"]),
        opener=frozenset(s["opener"]),
        person=frozenset(s["person"]),
        next=frozenset(s["next"]),
        previous=frozenset(s["previous"]),
        next_adverb=frozenset(s["next_adverb"]),
        previous_adverb=frozenset(s["previous_adverb"]),
        question_word=frozenset(s["question_word"]),
        request_modal=frozenset(s["request_modal"]),
        addressee=frozenset(s["addressee"]),
        discourse=frozenset(s["discourse"]),
        document=frozenset(s["document"]),
        ordinal={k: int(v) for k, v in pairs("ordinal").items()},
        kind_noun=pairs("kind_noun"),
    )
