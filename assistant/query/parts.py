"""Two questions in one: "welk ingrediënt … en wat voegt het toe …", "who … and since when …".

A question is split where a coordinating "en/and" (or a question mark inside it) is followed by
a question word that opens a second question. Each part is then answered on its own, with its
own citations, and a part the documents do not answer is said to be unanswered. The second part
usually leans on the first ("en sinds wanneer is hij dat?"): it is asked as a follow-up to it.

>>> split_parts("Welk ingrediënt gaat over lef en wat betekent dat voor onze raad?")
['Welk ingrediënt gaat over lef?', 'wat betekent dat voor onze raad?']
>>> split_parts("Who organised the conference, and when did it take place?")
['Who organised the conference?', 'when did it take place?']
>>> split_parts("Wat zegt het recept over gemeenten en provincies?")
['Wat zegt het recept over gemeenten en provincies?']
"""

from __future__ import annotations

import re

# Words that open a question (Dutch and English).
_OPENERS = (
    r"wat|wie|welke?|waar|waarom|waarover|waarvoor|waarmee|waardoor|waarbij|waarin|wanneer|"
    r"hoe|hoeveel|hoelang|hoever|sinds wanneer|tot wanneer|in hoeverre|"
    r"what|who|whom|whose|which|where|when|how|why|since when|is|are|does|do|did|can|kan|"
    r"klopt|mag|moet|heeft|hebben|zijn"
)
_SPLIT = re.compile(rf"(?:\?\s+|,?\s+(?:en|and|maar|but)\s+)(?=(?:{_OPENERS})\b)", re.I)
_MIN_WORDS = 3  # a part shorter than this is no question of its own ("… en hoe?")


def split_parts(question: str) -> list[str]:
    """The question's parts (one when it is a single question), each ending in '?'."""
    text = question.strip()
    cut = _SPLIT.search(text)
    if cut is None or not _questionlike(text[: cut.start()]):
        return [question]
    first, second = text[: cut.start()].rstrip(" ,?"), text[cut.end() :].strip()
    if len(first.split()) < _MIN_WORDS or len(second.split()) < _MIN_WORDS:
        return [question]
    return [first + "?", second if second.endswith("?") else second.rstrip(".!") + "?"]


def _questionlike(text: str) -> bool:
    """The first part must itself open with a question word (or be a request): 'Wat zegt het
    recept over gemeenten en wat …' splits; 'Ik wil weten wie en wanneer' does not."""
    return bool(
        re.match(rf"\s*(?:{_OPENERS}|geef|noem|give|name|tell|list|leg|explain)\b", text, re.I)
    )
