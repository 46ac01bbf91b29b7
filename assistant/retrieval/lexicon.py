"""General Dutch policy vocabulary for lexical search: English→Dutch and Dutch synonyms.

BM25 only matches words, so an English question ("municipality", "sent") or a Dutch synonym
("afdwingen" for "bindend") finds nothing. This table is general knowledge of Dutch public
administration language, not tied to any question set. Expansions are added to the query
(the original words stay), and compounds are split against the index vocabulary.

>>> expand_query("When was the letter sent?")
'When was the letter sent? brief verzonden verzenddatum'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from assistant.retrieval.bm25 import fold

# key (folded surface word) → Dutch words to add
_TABLE: dict[str, str] = {
    # English → Dutch: governance and cooperation
    "municipality": "gemeente",
    "municipalities": "gemeenten",
    "municipal": "gemeente",
    "council": "raad gemeenteraad",
    "councillor": "raadslid",
    "councillors": "raadsleden",
    "councils": "raden gemeenteraden",
    "alderman": "wethouder college",
    "aldermen": "wethouders college",
    "mayor": "burgemeester",
    "executive": "college",
    "province": "provincie",
    "provincial": "provincie provinciaal",
    "region": "regio",
    "regions": "regio's",
    "regional": "regionaal regio",
    "government": "overheid bestuur",
    "national": "rijk ministerie",
    "ministry": "ministerie",
    "minister": "minister",
    "governance": "bestuur",
    "administration": "bestuur",
    "administrators": "bestuurders",
    "cooperation": "samenwerking",
    "collaboration": "samenwerking",
    "cooperate": "samenwerken",
    "collaborate": "samenwerken",
    "together": "samen gezamenlijk",
    "joint": "gezamenlijk",
    "partners": "partners partijen",
    "parties": "partijen",
    "stakeholders": "partijen betrokken",
    "involve": "betrek betrekken",
    "involved": "betrokken",
    "early": "vroeg vroegtijdig",
    "trust": "vertrouwen",
    "independence": "zelfstandigheid zelfstandig",
    "independent": "zelfstandig zelfstandigheid",
    "autonomy": "zelfstandigheid eigenheid",
    "relationship": "relatie",
    "relationships": "relaties",
    "relations": "relaties",
    "personal": "persoonlijk",
    "contact": "contact",
    "yourself": "jezelf zelf",
    "capacity": "capaciteit",
    "capabilities": "capaciteit",
    "quality": "kwaliteit",
    "invest": "investeer",
    "investment": "investeren",
    "agreements": "afspraken",
    "agreement": "afspraak",
    "binding": "bindend bindende",
    "concrete": "concreet concrete",
    "action": "doen",
    "act": "doen",
    "do": "doen",
    "think": "denken",
    "freely": "vrij",
    "free": "vrij",
    "structures": "structuren",
    "outward": "buiten",
    "outside": "buiten",
    "beyond": "buiten",
    "identity": "identiteit",
    "courage": "lef",
    "bold": "lef",
    "daring": "lef",
    "workarounds": "workarounds",
    "possible": "kan mogelijk",
    "clarity": "helderheid helder",
    "clear": "helder",
    "roles": "rol rollen",
    "role": "rol",
    "responsibilities": "verantwoordelijkheden",
    "responsibility": "verantwoordelijkheid",
    "expectations": "verwacht",
    "long": "lange",
    "term": "termijn",
    "future": "toekomst",
    "perspective": "perspectief",
    "finance": "financiën",
    "financial": "financiën",
    "money": "financiën geld",
    "budget": "financiën",
    "empathy": "empathie",
    "listen": "luister",
    "shoes": "verplaats",
    "law": "wet",
    "laws": "wet regelgeving",
    "rules": "regelgeving regels",
    "regulations": "regelgeving",
    "legal": "wet juridisch",
    "misunderstanding": "misverstand",
    "misunderstandings": "misverstanden",
    "check": "check controleren",
    "verify": "nagaan",
    "assume": "aannemen",
    "crisis": "crisis nood",
    "emergency": "nood crisis",
    "lessons": "lessen",
    "evaluate": "evalueer",
    "goal": "doel",
    "goals": "doelen",
    "ambitions": "ambities",
    "tasks": "opgaven taken",
    "challenges": "uitdagingen opgaven",
    "issues": "vraagstukken opgaven",
    "dilemmas": "dilemma's",
    "citizens": "inwoners",
    "residents": "inwoners",
    "inhabitants": "inwoners",
    "housing": "huisvesting",
    "climate": "klimaatcrisis",
    "labour": "arbeidsmarkt",
    "labor": "arbeidsmarkt",
    "conference": "conferentie",
    "meeting": "conferentie bijeenkomst",
    "participants": "deelnemers",
    "attendees": "deelnemers",
    "people": "deelnemers mensen",
    "ppl": "deelnemers mensen",  # chat spelling
    "folks": "deelnemers mensen",
    "organised": "georganiseerd",
    "organized": "georganiseerd",
    "organiser": "georganiseerd",
    "letter": "brief",
    "sent": "verzonden verzenddatum",
    "date": "datum",
    "reference": "kenmerk",
    "subject": "betreft onderwerp",
    "attachment": "bijlage",
    "enclosure": "bijlage",
    "signed": "ondertekening hoogachtend",
    "signature": "ondertekening hoogachtend",
    "signatory": "ondertekening hoogachtend",
    "addressed": "geadresseerden",
    "addressee": "geadresseerden",
    "addressees": "geadresseerden",
    "recipients": "geadresseerden",
    "sender": "afzender",
    "recipe": "recept",
    "ingredient": "ingrediënt",
    "ingredients": "ingrediënten",
    "quote": "citaat",
    "said": "zei citaat",
    "says": "zegt",
    "drawings": "illustraties",
    "illustrations": "illustraties",
    "illustrator": "illustraties",
    "phone": "telefoon",
    "telephone": "telefoon",
    "address": "postbus adres",
    "job": "functie rol",
    "position": "functie rol",
    "colophon": "colofon",
    "next": "nu vervolg",
    "policy": "beleid",
    "survey": "enquête",
    "interviews": "interviews",
    "analysis": "analyse",
    "elections": "verkiezingen",
    "term of office": "collegeperiode",
    "motion": "motie",
    "question": "vraag werkvraag",
    "help": "hulpvraag",
    "share": "delen",
    "contribute": "bijdragen bijdrage",
    "contribution": "bijdrage",
    "selfless": "belangeloos",
    "generous": "belangeloos gunnen",
    "grant": "gunnen",
    "whole": "geheel hele",
    # Dutch synonyms in policy language
    "gemeenteraad": "raad",
    "raadsleden": "raad",
    "raadslid": "raad",
    "wethouder": "college bestuurder",
    "wethouders": "college bestuurders",
    "afdwingen": "bindend bindende",
    "afdwingbaar": "bindend bindende",
    "verplichtend": "bindend",
    "woningbouw": "huisvesting",
    "woningen": "huisvesting",
    "wonen": "huisvesting",
    "energietransitie": "klimaatcrisis",
    "klimaat": "klimaatcrisis",
    "banen": "arbeidsmarkt",
    "werkgelegenheid": "arbeidsmarkt",
    "geld": "financiën",
    "begroting": "financiën",
    "begrotingen": "financiën",
    "kosten": "financiën",
    "personeel": "capaciteit",
    "mensen": "capaciteit deelnemers",
    "menskracht": "capaciteit",
    "ambtenaren": "capaciteit",
    "tekeningen": "illustraties",
    "getekend": "illustraties",
    "tekende": "illustraties",
    "vertrouwd": "vertrouwen",
    "wantrouwen": "vertrouwen",
    "overleg": "gesprek",
    "praten": "gesprek praat",
    "afstemmen": "afspraken",
    "samenwerkingsverband": "samenwerking",
    "gemeenschappelijke": "gemeenschappelijke samenwerking",
    "ondergesneeuwd": "calimero",
    "underdog": "calimero",
    "onduidelijk": "helderheid glashelder",
    "duidelijkheid": "helderheid",
    "verantwoordelijk": "verantwoordelijkheden",
    "inleven": "verplaats empathie",
    "begrip": "empathie",
    "juridisch": "wet regelgeving",
    "regels": "regelgeving",
    "wetgeving": "wet regelgeving",
    "misverstanden": "misverstand",
    "aannames": "aannemen",
    "controleren": "check",
    "noodsituatie": "nood crisis",
    "ramp": "crisis nood",
    "overstroming": "crisis nood",
    "corona": "crisis",
    "pandemie": "crisis",
    "lessen": "evalueer",
    "leren": "lessen evalueer",
    "toekomstvisie": "lange termijn",
    "visie": "perspectief",
    "meerjarig": "lange termijn",
    "korte": "termijn",
    "ambitie": "ambities",
    "doelen": "doel",
    "doelstelling": "doel",
    "opgave": "opgaven",
    "vraagstukken": "opgaven",
    "problemen": "vraagstukken opgaven",
    "buurgemeenten": "regio gemeenten",
    "buurgemeente": "regio gemeente",
    "regionale": "regio",
    "inwoner": "inwoners",
    "burgers": "inwoners",
    "bewoners": "inwoners",
    "durf": "lef",
    "durven": "lef durf",
    "creatief": "creatieve workarounds",
    "belangeloos": "gunnen",
    "gunnen": "belangeloos",
    "identiteit": "eigenheid",
    "eigenheid": "identiteit",
    "zelfstandig": "zelfstandigheid",
    "vrijblijvend": "vrijblijvend",
    "bijeenkomst": "conferentie",
    "congres": "conferentie",
    "deelnemers": "deelnemers",
    "organisator": "georganiseerd",
    "organiseerde": "georganiseerd",
    "verstuurd": "verzonden verzenddatum",
    "verzonden": "verzenddatum",
    "nummer": "kenmerk",
    "referentie": "kenmerk",
    "zaaknummer": "kenmerk",
    # The parts of a letter, by the words people use for them.
    "geschreven": "datum verzenddatum",
    "gedateerd": "datum",
    "written": "datum verzenddatum",
    "dated": "datum",
    "ondertekend": "ondertekening hoogachtend",
    "ondertekende": "ondertekening hoogachtend",
    "ondertekenen": "ondertekening hoogachtend",
    "ondertekenaar": "ondertekening hoogachtend",
    "handtekening": "ondertekening hoogachtend",
    "geadresseerd": "geadresseerden",
    "gericht": "geadresseerden",
    "verstuurder": "afzender",
    "bijgevoegd": "bijlage",
    "gehouden": "plaatsvond",
    "vervolg": "nu",
    "vervolgstappen": "nu verkenning",
    "onderzoek": "analyse enquête interviews",
}


def expansions(words: Iterable[str]) -> list[str]:
    """Dutch words to add for the given (folded) words."""
    out: list[str] = []
    for w in words:
        for form in english_forms(w):
            extra = _TABLE.get(form)
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
