"""Synthetic Dutch policy documents for scale tests: letters, reports and council proposals.

Built from word lists and sentence templates with a seeded ``random.Random``, so a corpus is
the same on every machine and nothing is downloaded. The text is meant to look like what a
province or municipality publishes (headings, numbered sections, bullet lists, a letterhead),
so the generic parser and chunker see realistic shapes, not lorem ipsum.

>>> a = generate_document(random.Random(1), 0)
>>> a == generate_document(random.Random(1), 0)
True
>>> a.name.endswith(".md") and len(a.text) > 2000
True
>>> docs = generate_corpus(50_000, seed=3)
>>> 50_000 <= sum(len(d.text.encode()) for d in docs) < 50_000 + 40_000
True

Command line: ``python -m bench.synth OUT_DIR --mb 1 --seed 7`` writes the files.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# fmt: off
GEMEENTEN = (
    "Alkmaar", "Amstelveen", "Bergen", "Beverwijk", "Bloemendaal", "Castricum", "Den Helder",
    "Diemen", "Drechterland", "Edam-Volendam", "Enkhuizen", "Gooise Meren", "Haarlem",
    "Haarlemmermeer", "Heemskerk", "Heemstede", "Heiloo", "Hilversum", "Hollands Kroon", "Hoorn",
    "Huizen", "Koggenland", "Landsmeer", "Laren", "Medemblik", "Opmeer", "Purmerend", "Schagen",
    "Texel", "Uitgeest", "Uithoorn", "Velsen", "Waterland", "Wijdemeren", "Zaanstad",
)
REGIOS = (
    "West-Friesland", "de Kop van Noord-Holland", "Zuid-Kennemerland", "IJmond",
    "Gooi en Vechtstreek", "Zaanstreek-Waterland", "Amstelland-Meerlanden", "de regio Alkmaar",
    "de Metropoolregio Amsterdam",
)
OPGAVEN = (
    "woningbouw", "de energietransitie", "klimaatadaptatie", "mobiliteit", "de arbeidsmarkt",
    "jeugdzorg", "de Wet maatschappelijke ondersteuning", "bodemdaling", "stikstof",
    "de warmtetransitie", "vitale kernen", "bereikbaarheid", "circulaire economie", "natuurherstel",
    "de huisvesting van arbeidsmigranten", "recreatie en toerisme", "waterveiligheid",
    "digitalisering", "ondermijning", "de omgevingswet",
)
ACTOREN = (
    "de gemeenteraad", "het college van burgemeester en wethouders", "de provincie", "de regio",
    "de woningcorporaties", "het waterschap", "de veiligheidsregio", "maatschappelijke partners",
    "inwoners", "ondernemers", "de ambtelijke organisatie", "Provinciale Staten",
    "Gedeputeerde Staten", "het Rijk", "de netbeheerder", "de omgevingsdienst", "het onderwijs",
    "zorgaanbieders",
)
_PLURAL = frozenset(
    {
        "de woningcorporaties",
        "maatschappelijke partners",
        "inwoners",
        "ondernemers",
        "Provinciale Staten",
        "Gedeputeerde Staten",
        "zorgaanbieders",
    }
)
SUBJECTEN = tuple(a for a in ACTOREN if a not in _PLURAL)  # take a singular verb
WERKWOORDEN = (
    "stemt af met", "maakt afspraken met", "overlegt met", "gaat in gesprek met", "werkt samen met",
    "trekt samen op met", "informeert", "adviseert", "consulteert",
)
DOELEN = (
    "de uitvoering te versnellen", "de regionale samenwerking te versterken",
    "de lokale democratie te borgen", "knelpunten tijdig te signaleren",
    "de kosten eerlijk te verdelen", "de kwaliteit van de dienstverlening te verbeteren",
    "draagvlak te vergroten", "de eigen identiteit van de kernen te behouden",
    "de regie te houden op de uitvoering", "de opgaven in samenhang te bekijken",
    "de verantwoording aan de raad te verbeteren", "dubbel werk te voorkomen",
)
BIJVOEGLIJK = (
    "regionale", "integrale", "gezamenlijke", "structurele", "tijdelijke", "bestuurlijke",
    "ambtelijke", "financiële", "juridische", "duurzame", "heldere", "realistische",
)
ZELFST = (
    "aanpak", "samenwerking", "werkafspraak", "werkagenda", "uitvoeringsstrategie", "monitoring",
    "governance", "kaderstelling", "bestuursopdracht", "verkenning", "evaluatie", "begroting",
    "prestatieafspraak", "ontwikkelagenda", "investeringsstrategie", "programmering",
)
VERBINDERS = (
    "Daarnaast", "Bovendien", "Tegelijkertijd", "Om die reden", "In dat licht", "Daarom",
    "Vervolgens", "Ook", "Tot slot",
)
MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december",
)
NAMEN = (
    "J. de Vries", "M. Jansen", "A. Bakker", "S. Visser", "P. Smit", "L. Meijer", "R. de Boer",
    "H. Mulder", "E. de Groot", "K. Bos", "F. Vos", "N. Peters", "W. Hendriks", "T. van Dijk",
)
ONDERWERPEN = (
    "Voortgang {opgave} in {regio}", "Regionale samenwerking rond {opgave}",
    "Evaluatie {adj} {zelf} {opgave}", "Kaderbrief {opgave} {jaar}",
    "Uitvoeringsprogramma {opgave} {jaar}-{jaar2}", "Verkenning {adj} {zelf} in {regio}",
)
# fmt: on

_TEMPLATES = (
    "{Actor} {werkwoord} {actor} om {doel}.",
    "Voor {opgave} is een {adj} {zelf} nodig, omdat de opgave niet ophoudt bij de gemeentegrens.",
    "{Verbinder} vraagt {opgave} om een {adj} {zelf} waarin de rol van {actor} duidelijk is.",
    "In {jaar} heeft {subj} in {regio} een {adj} {zelf} vastgesteld voor {opgave}.",
    "{Actor} kiest voor een {adj} {zelf} om {doel}.",
    "De gemeente {gemeente} {werkwoord} {actor} over {opgave}, met als doel {doel}.",
    "{Verbinder} is afgesproken dat er twee keer per jaar aan {actor} wordt gerapporteerd over "
    "{opgave}.",
    "De kosten voor {opgave} bedragen naar verwachting € {bedrag} miljoen in de periode "
    "{jaar}-{jaar2}.",
    "Uit de {zelf} blijkt dat {actor} en {actor2} elkaar beter weten te vinden dan in {jaar}.",
    "Het is belangrijk dat {subj} vroeg in het proces wordt betrokken bij {opgave}.",
    "{Verbinder} constateren wij dat {opgave} en {opgave2} steeds vaker samenkomen.",
    "Wij stellen voor de {adj} {zelf} voor {opgave} in {jaar2} te evalueren.",
    "Zonder {adj} {zelf} dreigt {opgave} te vertragen, met gevolgen voor {actor}.",
    "{Actor} heeft aangegeven behoefte te hebben aan een {adj} {zelf} voor {opgave}.",
)


@dataclass(frozen=True)
class SynthDocument:
    """A generated document: a file name (``.md``) and its text."""

    name: str
    text: str


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def sentence(rng: random.Random) -> str:
    """One sentence from a random template with every slot filled.

    >>> s = sentence(random.Random(4))
    >>> s[0].isupper() and s.endswith(".") and "{" not in s
    True
    """
    jaar = rng.randint(2019, 2027)
    subj = rng.choice(SUBJECTEN)
    actor, actor2 = rng.sample([a for a in ACTOREN if a != subj], 2)
    opgave, opgave2 = rng.sample(OPGAVEN, 2)
    values = {
        "actor": actor,
        "subj": subj,
        "Actor": _cap(subj),
        "actor2": actor2,
        "werkwoord": rng.choice(WERKWOORDEN),
        "doel": rng.choice(DOELEN),
        "opgave": opgave,
        "opgave2": opgave2,
        "adj": rng.choice(BIJVOEGLIJK),
        "zelf": rng.choice(ZELFST),
        "Verbinder": rng.choice(VERBINDERS),
        "regio": rng.choice(REGIOS),
        "gemeente": rng.choice(GEMEENTEN),
        "jaar": str(jaar),
        "jaar2": str(jaar + rng.randint(1, 4)),
        "bedrag": f"{rng.randint(1, 250)},{rng.randint(0, 9)}",
    }
    return _cap(rng.choice(_TEMPLATES).format(**values))


def paragraph(rng: random.Random, n_min: int = 3, n_max: int = 7) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(n_min, n_max)))


def bullets(rng: random.Random, n_min: int = 3, n_max: int = 6) -> str:
    items = []
    for _ in range(rng.randint(n_min, n_max)):
        items.append(
            f"- {_cap(rng.choice(SUBJECTEN))} {rng.choice(WERKWOORDEN)} "
            f"{rng.choice(ACTOREN)} over {rng.choice(OPGAVEN)};"
        )
    items[-1] = items[-1][:-1] + "."
    return "\n".join(items)


def _subject(rng: random.Random) -> str:
    jaar = rng.randint(2020, 2026)
    return _cap(
        rng.choice(ONDERWERPEN).format(
            opgave=rng.choice(OPGAVEN).removeprefix("de "),
            regio=rng.choice(REGIOS),
            adj=rng.choice(BIJVOEGLIJK),
            zelf=rng.choice(ZELFST),
            jaar=jaar,
            jaar2=jaar + 4,
        )
    )


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28)} {rng.choice(MAANDEN)} {rng.randint(2020, 2026)}"


def letter(rng: random.Random) -> str:
    """A letter with a letterhead, subject, salutation, body and signature."""
    gemeente = rng.choice(GEMEENTEN)
    parts = [
        f"Postbus {rng.randint(100, 9999)} | {rng.randint(1000, 9999)} "
        f"{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')} "
        f"{gemeente.upper()}",
        "Aan de gemeenteraad van " + gemeente,
        f"Datum\n\n{_date(rng)}",
        f"Kenmerk\n\n{rng.randint(1_000_000, 9_999_999)}/{rng.randint(1_000_000, 9_999_999)}",
        f"**Betreft: {_subject(rng)}**",
        "Geachte raadsleden,",
    ]
    parts += [paragraph(rng) for _ in range(rng.randint(4, 9))]
    if rng.random() < 0.5:
        parts += ["Wij vragen u in het bijzonder aandacht voor de volgende punten:", bullets(rng)]
    parts += [
        paragraph(rng, 2, 3),
        "Hoogachtend,",
        f"Het college van burgemeester en wethouders van {gemeente},\n\n"
        f"de secretaris, {rng.choice(NAMEN)}\n\nde burgemeester, {rng.choice(NAMEN)}",
    ]
    return "\n\n".join(parts) + "\n"


def report(rng: random.Random) -> str:
    """A report: title, summary, numbered chapters with sub-sections and lists."""
    parts = [f"# {_subject(rng)}", f"*Rapport, {_date(rng)}*", "## Samenvatting", paragraph(rng)]
    chapters = ("Inleiding", "Aanleiding", "Analyse", "Bevindingen", "Aanbevelingen", "Vervolg")
    for i, title in enumerate(chapters[: rng.randint(4, 6)], start=1):
        parts += [f"## {i}. {title}", paragraph(rng)]
        for j in range(1, rng.randint(1, 4)):
            parts += [f"### {i}.{j} {_cap(rng.choice(OPGAVEN))}", paragraph(rng)]
            if rng.random() < 0.3:
                parts.append(bullets(rng))
    return "\n\n".join(parts) + "\n"


def proposal(rng: random.Random) -> str:
    """A council proposal (raadsvoorstel) with decision points and arguments."""
    gemeente = rng.choice(GEMEENTEN)
    n = rng.randint(2, 4)
    besluit = "\n".join(
        f"{k}. {_cap(rng.choice(('in te stemmen met', 'kennis te nemen van', 'vast te stellen')))}"
        f" de {rng.choice(BIJVOEGLIJK)} {rng.choice(ZELFST)} voor {rng.choice(OPGAVEN)}."
        for k in range(1, n + 1)
    )
    parts = [
        f"# Raadsvoorstel {gemeente}: {_subject(rng)}",
        f"Vergaderdatum: {_date(rng)}",
        "## Beslispunten",
        "De raad besluit:\n\n" + besluit,
        "## Aanleiding",
        paragraph(rng),
        "## Beoogd effect",
        paragraph(rng, 2, 4),
        "## Argumenten",
    ]
    for k in range(1, rng.randint(3, 5)):
        parts += [f"### {k}. {_cap(rng.choice(DOELEN))}", paragraph(rng, 2, 5)]
    parts += ["## Financiën", paragraph(rng, 2, 4), "## Communicatie", paragraph(rng, 2, 3)]
    parts += ["## Vervolg", paragraph(rng, 2, 4)]
    return "\n\n".join(parts) + "\n"


_KINDS = (("brief", letter), ("rapport", report), ("raadsvoorstel", proposal))


def generate_document(rng: random.Random, index: int) -> SynthDocument:
    """One document of a random kind; ``index`` numbers the file name."""
    kind, make = rng.choice(_KINDS)
    return SynthDocument(f"{index:05d}-{kind}.md", make(rng))


def generate_corpus(target_bytes: int, *, seed: int = 7) -> list[SynthDocument]:
    """Documents until their UTF-8 size reaches ``target_bytes`` (the last one may overshoot)."""
    rng = random.Random(seed)
    docs: list[SynthDocument] = []
    total = 0
    while total < target_bytes:
        doc = generate_document(rng, len(docs) + 1)
        docs.append(doc)
        total += len(doc.text.encode("utf-8"))
    return docs


def write_corpus(out_dir: Path, target_bytes: int, *, seed: int = 7) -> list[Path]:
    """Write a generated corpus as ``.md`` files into ``out_dir`` (created if needed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in generate_corpus(target_bytes, seed=seed):
        path = out_dir / doc.name
        path.write_text(doc.text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Schrijf een synthetisch Nederlands corpus.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=1.0, help="doelgrootte in MB (10⁶ bytes)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    paths = write_corpus(args.out, int(args.mb * 1_000_000), seed=args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} documenten, {size / 1e6:.2f} MB in {args.out}")


if __name__ == "__main__":
    main()
