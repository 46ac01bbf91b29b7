"""Quotes and who said them, wherever the name stands.

Dutch documents attribute a quote in a few fixed ways: after it ('"…", zegt Femke Algra,
projectleider.'), before it ('Wethouder Jansen zegt: "…"', 'Volgens Jansen: "…"'), on a dash
line ('— Jan Jansen, wethouder') or as a bold name with a role line under the quote, as in
magazine-style layouts. Each becomes a ``quote`` section covering the quote and its
attribution, with ``speaker`` and ``role``.

>>> src = 'Inleiding.\\n\\n"Wij doen het samen", zegt Anna de Vries, wethouder van Zeeveld.\\n'
>>> [(q.speaker, q.role, src[q.start:q.end][:12]) for q in find_quotes("d", src)]
[('Anna de Vries', 'wethouder van Zeeveld', '"Wij doen he')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.parse.header import Line, lines_of
from recept.schema import Section

_OPEN = "\"“„'‘«"
_CLOSE = "\"”'’»"
_SAY = (
    r"(?:zegt|zei|aldus|stelt|stelde|vertelt|vertelde|benadrukt|benadrukte|meent|vindt|"
    r"vond|schrijft|schreef|reageert|reageerde|concludeert|says|said)"
)
_PARTICLE = r"(?:van|de|der|den|het|ter|ten|te|in|op|aan|la|le|el|al|du|da|von|zu|'t)"
_CAP = r"[A-Z][\w'’.-]*"
NAME = rf"{_CAP}(?:\s+(?:{_PARTICLE}\s+)*{_CAP}){{0,4}}"
_TITLES = r"(?:(?:mr|dr|drs|ir|prof|ing|dhr|mw|mevr)\.\s*)*"
# Offices written before a name ("Wethouder Kees Bakker zegt"): the role, not part of the name.
_OFFICES = re.compile(
    r"(?:wethouder|burgemeester|gedeputeerde|minister|staatssecretaris|commissaris|"
    r"directeur|voorzitter|raadslid|griffier|secretaris|projectleider|woordvoerder|"
    r"fractievoorzitter|statenlid|kamerlid|hoogleraar|onderzoeker|bewoner|inwoner)\s+",
    re.IGNORECASE,
)

_AFTER = re.compile(
    rf"(?P<q>[{_OPEN}].+[{_CLOSE}])\s*[,.]?\s*{_SAY}\s+(?P<who>.+?)\s*\.?",
    re.DOTALL,
)
_BEFORE = re.compile(
    rf"(?:volgens\s+)?(?P<who>[^:\"“„]+?)(?:\s+{_SAY})?\s*:\s*(?P<q>[{_OPEN}].+[{_CLOSE}])\s*\.?",
    re.DOTALL | re.IGNORECASE,
)
_DASH = re.compile(r"[—–-]{1,2}\s*(?P<who>.+)")
_BOLD_NAME = re.compile(rf"\*\*(?P<who>{_TITLES}{NAME})\*\*")


def _plain(text: str) -> str:
    return " ".join(text.replace("**", "").replace("__", "").strip("*_> \t").split())


def split_speaker(who: str) -> tuple[str, str] | None:
    """(speaker, role) from "Name, role", or None when the first part is no person's name.

    >>> split_speaker("Femke Algra, projectleider van de evaluatie bij Verbeek & Noordam")
    ('Femke Algra', 'projectleider van de evaluatie bij Verbeek & Noordam')
    >>> split_speaker("wethouder Jan de Vries")
    ('Jan de Vries', 'wethouder')
    >>> split_speaker("het college") is None
    True
    """
    who = _plain(who).rstrip(".")
    name, _, role = who.partition(",")
    name, role = name.strip(), role.strip(" ,;")
    office = _OFFICES.match(name)
    if office and name[office.end() :].strip():
        role = ", ".join(p for p in (name[: office.end()].strip(), role) if p)
        name = name[office.end() :]
    m = re.fullmatch(rf"(?P<pre>(?:[a-z][\w-]*\s+){{0,4}})(?P<name>{_TITLES}{NAME})", name)
    if m is None or len(m.group("name").split()) < 2 and not m.group("pre"):
        return None
    if m.group("pre"):  # "wethouder Jan de Vries": the office before the name is the role
        role = ", ".join(p for p in (m.group("pre").strip(), role) if p)
    return m.group("name"), role


def _paragraphs(source: str) -> list[list[Line]]:
    out: list[list[Line]] = []
    for line in lines_of(source):
        if not out or line.blank_before:
            out.append([])
        out[-1].append(line)
    return out


def _quote(doc_id: str, source: str, start: int, end: int, who: tuple[str, str]) -> Section:
    speaker, role = who
    return Section(
        doc_id,
        "quote",
        f"Citaat van {speaker}",
        start,
        end,
        source[start:end],
        speaker=speaker,
        role=role,
    )


def _starts_quote(text: str) -> bool:
    plain = _plain(text.lstrip("#").strip())
    return plain[:1] in _OPEN


def _attribution_after(paras: Sequence[list[Line]], k: int) -> tuple[int, tuple[str, str]] | None:
    """(index of the last paragraph, speaker) when paragraph ``k`` is a quote and the next
    paragraphs name its speaker: a dash line, or a bold name with an optional role line."""
    if k + 1 >= len(paras):
        return None
    nxt = paras[k + 1]
    first = nxt[0].text
    dash = _DASH.fullmatch(first.lstrip(">").strip())
    if dash and len(nxt) == 1:
        who = split_speaker(dash.group("who"))
        return (k + 1, who) if who else None
    bold = _BOLD_NAME.fullmatch(first.strip())
    if bold is None:
        return None
    role_lines = nxt[1:]
    last = k + 1
    if not role_lines and k + 2 < len(paras) and len(paras[k + 2]) == 1:
        role_text = _plain(paras[k + 2][0].text)
        if 0 < len(role_text) <= 160 and not role_text.endswith((".", ":", "?")):
            role_lines, last = paras[k + 2], k + 2
    role = " ".join(_plain(ln.text) for ln in role_lines)
    return last, (_plain(bold.group("who")), role)


def find_quotes(doc_id: str, source: str) -> list[Section]:
    """Quote sections with speaker and role, in order.

    >>> src = 'Jan Smit, wethouder, zegt: "We beginnen morgen."\\n\\n"Nu of nooit."\\n\\n— Els Bos'
    >>> [(q.speaker, q.role) for q in find_quotes("d", src)]
    [('Jan Smit', 'wethouder'), ('Els Bos', '')]
    """
    paras = _paragraphs(source)
    out: list[Section] = []
    k = 0
    while k < len(paras):
        para = paras[k]
        start, end = para[0].start, para[-1].end
        text = _plain(" ".join(ln.text for ln in para))
        if para[0].text.startswith(("|", "-", "*", "•")) and not para[0].text.startswith("**"):
            k += 1
            continue
        after = _AFTER.fullmatch(text) if text[:1] in _OPEN else None
        before = _BEFORE.fullmatch(text) if after is None else None
        who = split_speaker(after.group("who")) if after else None
        if who is None and before is not None:
            who = split_speaker(re.sub(rf"\s+{_SAY}$", "", before.group("who").strip(), flags=re.I))
        if who is not None:
            out.append(_quote(doc_id, source, start, end, who))
            k += 1
            continue
        if len(para) >= 2 and _starts_quote(para[0].text):
            dash = _DASH.fullmatch(para[-1].text.lstrip(">").strip())
            who = split_speaker(dash.group("who")) if dash else None
            if who is not None:
                out.append(_quote(doc_id, source, start, end, who))
                k += 1
                continue
        if _starts_quote(para[0].text):
            attributed = _attribution_after(paras, k)
            if attributed is not None:
                last, who = attributed
                out.append(_quote(doc_id, source, start, paras[last][-1].end, who))
                k = last + 1
                continue
        k += 1
    return out
