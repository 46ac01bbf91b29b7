"""Find and read user documents (.md, .txt, .pdf) into one normalised source text each.

The ``text`` of a :class:`LoadedDocument` is *the* source text: every offset in a
:class:`recept.schema.Section` or ``Chunk`` refers to it. It is the file decoded as UTF-8
without a byte-order mark and with line endings normalised to ``"\\n"`` (for PDFs: the page
texts joined by a blank line).

Everything that can go wrong with a file raises :class:`recept.errors.DocumentError` with a
short Dutch reason, so callers can skip the file and tell the user why.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from recept.errors import DocumentError

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".pdf")
MB = 1024 * 1024  # sizes are shown in MB of 1024², as file managers do; use max_bytes=n * MB

_FORMATS = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".pdf": "pdf"}
_SUPPORTED_HINT = "gebruik .md, .txt of .pdf"
_TITLE_MAX = 120
_SNIFF_BYTES = 64 * 1024
# A file is binary when control characters make up more than 5% of its start, or (in a sample
# long enough to judge) undecodable bytes more than 30%. Latin-1 or Windows-1252 prose has no
# control characters and at most one odd byte per word; images and archives exceed both.
_CONTROL_RATIO = 0.05
_UNDECODABLE_RATIO = 0.30
_MIN_JUDGED = 64
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\x1b")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class LoadedDocument:
    """A readable document. ``format`` is "markdown", "text" or "pdf"."""

    doc_id: str
    path: Path
    text: str
    format: str
    title: str
    sha256: str  # of the file's bytes, so re-ingest can skip unchanged files


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[DocumentError]]:
    """Expand files and folders into the supported files to load, plus errors for the rest.

    Files given explicitly must have a supported suffix; folders are searched recursively
    (sorted, hidden files and folders skipped, other suffixes silently ignored). Each file is
    returned once, in the order found.

    >>> discover([Path("/nonexistent/plan.md")])[1][0].reason
    'bestaat niet'
    """
    found: list[Path] = []
    errors: list[DocumentError] = []
    seen: set[Path] = set()

    def add(file: Path) -> None:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            found.append(file)

    for path in paths:
        if path.is_dir():
            for file in _walk(path):
                add(file)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                add(path)
            else:
                errors.append(DocumentError(str(path), unsupported_reason(path)))
        elif path.exists():
            errors.append(DocumentError(str(path), "geen bestand of map"))
        else:
            errors.append(DocumentError(str(path), "bestaat niet"))
    return found, errors


def _walk(folder: Path) -> list[Path]:
    files: list[Path] = []
    # os.walk (not rglob) so hidden folders are pruned instead of walked, and symlinked
    # folders are not followed (no loops).
    for root, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            file = Path(root) / name
            if (
                not name.startswith(".")
                and file.suffix.lower() in SUPPORTED_SUFFIXES
                and file.is_file()
            ):
                files.append(file)
    return files


def unsupported_reason(path: Path) -> str:
    """The Dutch reason for a file whose suffix is not supported.

    >>> unsupported_reason(Path("nota.DOCX"))
    'niet-ondersteund bestandstype (.docx); gebruik .md, .txt of .pdf'
    >>> unsupported_reason(Path("LEESMIJ"))
    'niet-ondersteund bestandstype (geen extensie); gebruik .md, .txt of .pdf'
    """
    suffix = path.suffix.lower() or "geen extensie"
    return f"niet-ondersteund bestandstype ({suffix}); {_SUPPORTED_HINT}"


def slugify(stem: str) -> str:
    """A stable document id from a file stem: lowercase ASCII letters, digits and hyphens.

    >>> slugify("Coalitieakkoord 2023–2027 (définitief)")
    'coalitieakkoord-2023-2027-definitief'
    >>> slugify("___")
    'document'
    """
    # Drop accents (é → e) but keep other non-ASCII (dashes, …) as separators.
    decomposed = unicodedata.normalize("NFKD", stem)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    slug = re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")
    return slug or "document"


def format_size(n_bytes: int, *, round_up: bool = False) -> str:
    """A short Dutch size label; ``round_up`` so a file just over a limit never looks equal.

    >>> format_size(52 * MB)
    '52 MB'
    >>> format_size(50 * MB + 1, round_up=True)
    '50,1 MB'
    >>> format_size(900)
    '900 bytes'
    """
    if n_bytes < 1024:
        return f"{n_bytes} bytes"
    unit, size = ("MB", n_bytes / MB) if n_bytes >= MB else ("kB", n_bytes / 1024)
    rounded = (math.ceil if round_up else math.floor)(size * 10) / 10
    label = f"{rounded:.1f}".removesuffix(".0").replace(".", ",")
    return f"{label} {unit}"


def load_document(path: Path, *, max_bytes: int) -> LoadedDocument:
    """Read one file into a :class:`LoadedDocument`, or raise DocumentError saying why not.

    The size is checked before reading and the read itself is bounded, so a huge file costs
    nothing.
    """
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise DocumentError(str(path), unsupported_reason(path))
    data = _read_bounded(path, max_bytes)
    if not data:
        raise DocumentError(str(path), "leeg bestand")
    fmt = _FORMATS[suffix]
    text = _pdf_text(path, data) if fmt == "pdf" else decode_text(str(path), data)
    text = normalise_newlines(text)
    if not text.strip():
        raise DocumentError(str(path), "leeg bestand")
    return LoadedDocument(
        doc_id=slugify(path.stem),
        path=path,
        text=text,
        format=fmt,
        title=guess_title(text, fallback=path.stem),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _read_bounded(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(str(path), _too_large(size, max_bytes))
        with path.open("rb") as fh:
            # Read one byte more than allowed: the file may have grown since stat().
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise DocumentError(str(path), "bestaat niet") from None
    except IsADirectoryError:
        raise DocumentError(str(path), "is een map, geen bestand") from None
    except PermissionError:
        raise DocumentError(str(path), "geen leesrechten") from None
    except OSError as exc:
        raise DocumentError(str(path), f"kan niet worden gelezen ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise DocumentError(str(path), _too_large(len(data), max_bytes))
    return data


def _too_large(size: int, max_bytes: int) -> str:
    return f"te groot ({format_size(size, round_up=True)}; maximum {format_size(max_bytes)})"


def decode_text(name: str, data: bytes) -> str:
    r"""Decode a text file as UTF-8 (a BOM is dropped), refusing binary and other encodings.

    >>> decode_text("a.txt", codecs.BOM_UTF8 + "één".encode())
    'één'
    >>> try:
    ...     decode_text("a.txt", b"caf\xe9 au lait")
    ... except DocumentError as exc:
    ...     print(exc.reason)
    geen geldige UTF-8-tekst (byte 0xe9 op positie 3); sla het op als UTF-8
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows "Unicode" files: without this they would be reported as binary (NUL bytes).
        raise DocumentError(name, "UTF-16-tekst; sla het op als UTF-8")
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    body = data[bom:]
    if b"\x00" in body or _looks_binary(body[:_SNIFF_BYTES]):
        raise DocumentError(name, "binair bestand, geen tekst")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = body[exc.start]
        position = exc.start + bom  # a position in the file as the user has it, BOM included
        raise DocumentError(
            name,
            f"geen geldige UTF-8-tekst (byte 0x{byte:02x} op positie {position}); "
            "sla het op als UTF-8",
        ) from None


def _looks_binary(sample: bytes) -> bool:
    # A sample cut mid-character costs at most one replacement character: negligible.
    text = sample.decode("utf-8", errors="replace")
    if not text:
        return False
    controls = sum(
        1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS
    )
    if controls / len(text) > _CONTROL_RATIO:
        return True
    undecodable = text.count("\ufffd")
    return len(text) >= _MIN_JUDGED and undecodable / len(text) > _UNDECODABLE_RATIO


def _pdf_text(path: Path, data: bytes) -> str:
    # Imported here: only PDF users pay for pypdf's import time.
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    name = str(path)
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(name, "beschadigde of onleesbare PDF")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        # Many "protected" PDFs only have an owner password: the empty user password opens them.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise DocumentError(name, "versleutelde PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (FileNotDecryptedError, DependencyError):
        # DependencyError: AES needs an optional crypto package; to the user it is encrypted.
        raise DocumentError(name, "versleutelde PDF") from None
    except Exception:  # pypdf raises many kinds of errors on malformed files
        raise DocumentError(name, "beschadigde of onleesbare PDF") from None
    if not pages:
        raise DocumentError(name, "beschadigde of onleesbare PDF")
    # NUL can appear in badly encoded fonts; it is never meaningful text.
    text = "\n\n".join(normalise_newlines(p).replace("\x00", "") for p in pages)
    if not text.strip():
        raise DocumentError(name, "PDF zonder tekstlaag (gescand?)")
    return text


def normalise_newlines(text: str) -> str:
    r"""Turn Windows and old-Mac line endings into ``"\n"``.

    >>> normalise_newlines("a\r\nb\rc\n")
    'a\nb\nc\n'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def guess_title(text: str, *, fallback: str) -> str:
    r"""The first markdown heading, else the first non-empty line, else ``fallback``.

    >>> guess_title("Concept\n\n## **Doelen** ##\n", fallback="x")
    'Doelen'
    >>> guess_title("\n  Nota van uitgangspunten  \nTekst", fallback="x")
    'Nota van uitgangspunten'
    >>> guess_title("   ", fallback="nota-2024")
    'nota-2024'
    """
    match = _MD_HEADING.search(text)
    if match:
        title = _clean_title(match.group(1))
        if title:
            return title
    for line in text.split("\n"):
        title = _clean_title(line)
        if title:
            return title
    return fallback


def _clean_title(raw: str) -> str:
    title = " ".join(raw.replace("*", " ").split())
    if len(title) <= _TITLE_MAX:
        return title
    cut = title[: _TITLE_MAX - 1]
    # Cut at a word boundary unless that would throw away most of the title.
    if " " in cut[_TITLE_MAX // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"
