"""Lexical retrieval: Okapi BM25 with tokenisation that suits Dutch.

Lowercase, accents folded (``ideeën`` → ``ideeen``), Dutch Snowball stemming (which also
strips the participle prefix ``ge-``) and a short stop list of Dutch and English function
words. Pure Python with an inverted index; fast enough for tens of thousands of chunks.

>>> tokenize("De gemeenteraden betrekken bij de samenwerking!")
['meenteraad', 'betrek', 'samenwerk']
>>> bm = BM25([tokenize("Gunnen is belangeloos instappen"), tokenize("Doen: concrete afspraken")])
>>> [round(s, 2) for s in bm.scores(tokenize("afspraken maken"))]
[0.0, 0.69]
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import snowballstemmer

_WORD = re.compile(r"[0-9]+(?:[./-][0-9]+)*|[^\W\d_]+(?:['-][^\W\d_]+)*")

# Function words of Dutch and English (questions come in both); content words are kept.
STOPWORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "in",
        "op",
        "te",
        "voor",
        "met",
        "aan",
        "om",
        "als",
        "bij",
        "dat",
        "die",
        "dit",
        "deze",
        "er",
        "is",
        "zijn",
        "was",
        "wordt",
        "worden",
        "kan",
        "kunnen",
        "moet",
        "moeten",
        "zal",
        "zullen",
        "wil",
        "of",
        "ook",
        "niet",
        "nog",
        "wel",
        "maar",
        "dan",
        "door",
        "naar",
        "over",
        "uit",
        "tot",
        "je",
        "jij",
        "u",
        "uw",
        "we",
        "wij",
        "ik",
        "hij",
        "zij",
        "ze",
        "hun",
        "hen",
        "mijn",
        "ons",
        "onze",
        "wat",
        "wie",
        "waar",
        "hoe",
        "welke",
        "welk",
        "wanneer",
        "waarom",
        "zo",
        "al",
        "meer",
        "heel",
        "zeer",
        "hier",
        "daar",
        "dus",
        "toch",
        "want",
        "iets",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "in",
        "on",
        "to",
        "for",
        "with",
        "at",
        "by",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "who",
        "whom",
        "how",
        "why",
        "when",
        "where",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
        "i",
        "you",
        "we",
        "they",
        "he",
        "she",
        "my",
        "our",
        "your",
        "their",
        "me",
        "us",
        "about",
        "into",
        "as",
        "not",
        "no",
    ]
)


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("dutch")


def fold(text: str) -> str:
    """Lowercase and strip accents.

    >>> fold("Ideeën Créatief")
    'ideeen creatief'
    """
    nfkd = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in nfkd if not unicodedata.combining(ch))


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Folded, stemmed word tokens of ``text`` (numbers kept whole, e.g. ``1938042/1938060``)."""
    out = []
    for m in _WORD.finditer(fold(text)):
        w = m.group(0).replace("'", "")
        if not keep_stopwords and w in STOPWORDS:
            continue
        out.append(w if w[0].isdigit() else _stem(w))
    return out


def with_parts(tokens: Sequence[str]) -> list[str]:
    """Tokens plus the parts of hyphenated ones, so "Calimero" finds "Calimero-effect".

    >>> with_parts(["calimero-effect", "regio"])
    ['calimero-effect', 'calimero', 'effect', 'regio']
    """
    out: list[str] = []
    for t in tokens:
        out.append(t)
        if "-" in t:
            out.extend(_stem(part) for part in t.split("-") if len(part) >= 3)
    return out


# Query tokens (each weighs 1) or tokens with a weight (expansions weigh less than asked words).
Query = Sequence[str] | Mapping[str, float]


class BM25:
    """Okapi BM25 over pre-tokenised documents."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tf = [Counter(d) for d in docs]
        self.len = [len(d) for d in docs]
        self.avg = (sum(self.len) / len(docs)) if docs else 0.0
        df: Counter[str] = Counter()
        for c in self.tf:
            df.update(c.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        # Inverted index with each posting's term weight precomputed as numpy arrays, so a
        # query costs a few vector operations per query term, also over tens of thousands of
        # chunks.
        lengths = np.asarray(self.len, dtype=np.float64)
        norm = k1 * (1 - b + b * lengths / (self.avg or 1.0))
        postings: dict[str, list[int]] = {}
        for i, c in enumerate(self.tf):
            for t in c:
                postings.setdefault(t, []).append(i)
        self.n = n
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for t, ids in postings.items():
            idx = np.asarray(ids, dtype=np.int64)
            f = np.asarray([self.tf[i][t] for i in ids], dtype=np.float64)
            self.postings[t] = (idx, self.idf[t] * f * (k1 + 1) / (f + norm[idx]))

    def _scores(self, query: Query) -> np.ndarray:
        terms = query if isinstance(query, Mapping) else dict.fromkeys(query, 1.0)
        out = np.zeros(self.n, dtype=np.float64)
        for t, w in terms.items():
            if t in self.postings:
                idx, weight = self.postings[t]
                out[idx] += w * weight
        return out

    def scores(self, query: Query) -> list[float]:
        """Scores of every document; ``query`` is tokens, or tokens with their weights.

        >>> bm = BM25([["gunnen"], ["doen"]])
        >>> bm.scores({"gunnen": 0.5}) == [bm.scores(["gunnen"])[0] / 2, 0.0]
        True
        """
        return [float(s) for s in self._scores(query)]

    def array(self, query: Query) -> np.ndarray:
        """Scores of every document as one array (for callers that need more than the top)."""
        return self._scores(query)

    def top(self, query: Query, k: int) -> list[tuple[int, float]]:
        return self.best(self._scores(query), k)

    @staticmethod
    def best(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` best documents of a score array (from ``array``), ties by position."""
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k)[:k]]
        ranked = sorted(hits.tolist(), key=lambda i: (-scores[i], i))
        return [(i, float(scores[i])) for i in ranked]
