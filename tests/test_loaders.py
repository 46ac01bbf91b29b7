"""Reading user documents: what is accepted, and a clear Dutch reason for what is not."""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from ingest.loaders import MB, LoadedDocument, discover, load_document
from recept.errors import DocumentError

LIMIT = 50 * MB


def text_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose content stream shows ``lines`` in Helvetica."""
    shown = " ".join(f"({line}) '" for line in lines)
    content = f"BT /F1 12 Tf 72 720 Td 14 TL {shown} ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def encrypted(pdf: bytes, user_password: str, owner_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password, owner_password=owner_password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def reason(path: Path, *, max_bytes: int = LIMIT) -> str:
    with pytest.raises(DocumentError) as info:
        load_document(path, max_bytes=max_bytes)
    assert info.value.path == str(path)
    return info.value.reason


# --- discover ---------------------------------------------------------------------------


def test_discover_walks_folders_sorted_skipping_hidden_and_other_suffixes(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    for name in [
        "b.txt",
        "a.md",
        "sub/c.pdf",
        "sub/d.markdown",
        "sub/notes.docx",
        ".verborgen.md",
        ".git/config.txt",
        "README",
    ]:
        write(root / name, b"x")

    files, errors = discover([root])

    assert [f.relative_to(root).as_posix() for f in files] == [
        "a.md",
        "b.txt",
        "sub/c.pdf",
        "sub/d.markdown",
    ]
    assert errors == []


def test_discover_reports_missing_and_unsupported_files(tmp_path: Path) -> None:
    note = write(tmp_path / "nota.DOCX", b"x")
    plan = write(tmp_path / "plan.md", b"x")
    missing = tmp_path / "weg.md"

    files, errors = discover([missing, note, plan])

    assert files == [plan]
    assert [(e.path, e.reason) for e in errors] == [
        (str(missing), "bestaat niet"),
        (str(note), "niet-ondersteund bestandstype (.docx); gebruik .md, .txt of .pdf"),
    ]


def test_discover_returns_each_file_once(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.md", b"x")
    files, _ = discover([plan, tmp_path, plan])
    assert files == [plan]


# --- text files -------------------------------------------------------------------------


def test_markdown_document(tmp_path: Path) -> None:
    data = "Concept\r\n\r\n# Woonvisie **2030**\r\n\r\nWe bouwen één regio.\r\n".encode()
    path = write(tmp_path / "Woonvisie 2030 (concept).md", data)

    doc = load_document(path, max_bytes=LIMIT)

    assert doc == LoadedDocument(
        doc_id="woonvisie-2030-concept",
        path=path,
        text="Concept\n\n# Woonvisie **2030**\n\nWe bouwen één regio.\n",
        format="markdown",
        title="Woonvisie 2030",
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_text_document_title_is_first_line(tmp_path: Path) -> None:
    path = write(tmp_path / "rapport.txt", b"\n\n  Jaarverslag Sociaal Domein  \rTekst.\r")
    doc = load_document(path, max_bytes=LIMIT)
    assert doc.format == "text"
    assert doc.title == "Jaarverslag Sociaal Domein"
    assert doc.text == "\n\n  Jaarverslag Sociaal Domein  \nTekst.\n"


def test_long_first_line_title_is_trimmed_at_a_word(tmp_path: Path) -> None:
    path = write(tmp_path / "lang.txt", ("woord " * 40).encode())
    title = load_document(path, max_bytes=LIMIT).title
    assert len(title) <= 120
    assert title.endswith("woord…")


def test_title_falls_back_to_stem_for_markup_only_heading(tmp_path: Path) -> None:
    path = write(tmp_path / "leeg-kopje.md", b"****\n\ntekst")
    assert load_document(path, max_bytes=LIMIT).title == "tekst"


def test_utf8_bom_is_dropped_and_offsets_refer_to_text_without_it(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbfR\xc3\xa9gio\r\nNoord")
    doc = load_document(path, max_bytes=LIMIT)
    assert doc.text == "Régio\nNoord"
    assert doc.text[0:5] == "Régio"


def test_empty_file(tmp_path: Path) -> None:
    assert reason(write(tmp_path / "leeg.md", b"")) == "leeg bestand"


def test_whitespace_only_file(tmp_path: Path) -> None:
    assert reason(write(tmp_path / "wit.txt", b" \r\n\t\n  ")) == "leeg bestand"


def test_bom_only_file_is_empty(tmp_path: Path) -> None:
    assert reason(write(tmp_path / "bom.txt", b"\xef\xbb\xbf\n")) == "leeg bestand"


def test_binary_with_nul_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "plaatje.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert reason(path) == "binair bestand, geen tekst"


def test_binary_without_nul_bytes(tmp_path: Path) -> None:
    rng = random.Random(7)
    noise = bytes(rng.randrange(1, 256) for _ in range(4000))
    assert reason(write(tmp_path / "ruis.md", noise)) == "binair bestand, geen tekst"
    high_bytes = bytes(rng.randrange(0x80, 0x100) for _ in range(4000))
    assert reason(write(tmp_path / "hoog.txt", high_bytes)) == "binair bestand, geen tekst"


def test_windows_1252_prose_is_not_called_binary(tmp_path: Path) -> None:
    prose = ("\u201cDe provincie\u201d wil \u00e9\u00e9n aanpak. " * 50).encode("cp1252")
    assert reason(write(tmp_path / "cp1252.txt", prose)).startswith("geen geldige UTF-8-tekst")


def test_latin1_file_names_the_byte_and_position(tmp_path: Path) -> None:
    path = write(tmp_path / "latin1.txt", "Het café is open.".encode("latin-1"))
    assert reason(path) == (
        "geen geldige UTF-8-tekst (byte 0xe9 op positie 7); sla het op als UTF-8"
    )


def test_latin1_position_counts_the_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "mix.txt", b"\xef\xbb\xbfcaf\xe9")
    assert "byte 0xe9 op positie 6" in reason(path)


def test_utf16_file_gets_its_own_reason(tmp_path: Path) -> None:
    path = write(tmp_path / "windows.txt", "Hallo".encode("utf-16"))
    assert reason(path) == "UTF-16-tekst; sla het op als UTF-8"


def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path / "groot.txt", b"a" * 20)
    assert reason(path, max_bytes=10) == "te groot (20 bytes; maximum 10 bytes)"
    assert load_document(path, max_bytes=20).text == "a" * 20


def test_too_large_message_in_mb(tmp_path: Path) -> None:
    path = write(tmp_path / "groot.txt", b"a" * (2 * MB + 1))
    assert reason(path, max_bytes=2 * MB) == "te groot (2,1 MB; maximum 2 MB)"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert reason(tmp_path / "weg.md") == "bestaat niet"
    folder = tmp_path / "map.md"
    folder.mkdir()
    assert reason(folder) == "is een map, geen bestand"


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "nota.docx", b"PK\x03\x04")
    assert reason(path) == "niet-ondersteund bestandstype (.docx); gebruik .md, .txt of .pdf"


# --- PDF --------------------------------------------------------------------------------


def test_pdf_with_text(tmp_path: Path) -> None:
    path = write(tmp_path / "Brief GS.pdf", text_pdf(["Hallo wereld", "Tweede regel"]))
    doc = load_document(path, max_bytes=LIMIT)
    assert doc.format == "pdf"
    assert doc.doc_id == "brief-gs"
    assert doc.text == "Hallo wereld\nTweede regel"
    assert doc.title == "Hallo wereld"


def test_pdf_pages_are_joined_by_a_blank_line(tmp_path: Path) -> None:
    writer = PdfWriter()
    for words in (["Pagina een"], ["Pagina twee"]):
        writer.append(PdfReader(io.BytesIO(text_pdf(words))))
    buffer = io.BytesIO()
    writer.write(buffer)
    path = write(tmp_path / "twee.pdf", buffer.getvalue())
    assert load_document(path, max_bytes=LIMIT).text == "Pagina een\n\nPagina twee"


def test_encrypted_pdf(tmp_path: Path) -> None:
    data = encrypted(text_pdf(["Geheim"]), "geheim", "eigenaar")
    assert reason(write(tmp_path / "geheim.pdf", data)) == "versleutelde PDF"


def test_pdf_with_only_an_owner_password_is_readable(tmp_path: Path) -> None:
    data = encrypted(text_pdf(["Alleen beveiligd tegen bewerken"]), "", "eigenaar")
    doc = load_document(write(tmp_path / "beveiligd.pdf", data), max_bytes=LIMIT)
    assert doc.text == "Alleen beveiligd tegen bewerken"


def test_corrupt_pdf(tmp_path: Path) -> None:
    rng = random.Random(3)
    data = b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(3000))
    assert reason(write(tmp_path / "kapot.pdf", data)) == "beschadigde of onleesbare PDF"


def test_pdf_suffix_on_a_text_file(tmp_path: Path) -> None:
    path = write(tmp_path / "nep.pdf", b"Dit is geen PDF.")
    assert reason(path) == "beschadigde of onleesbare PDF"


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = write(tmp_path / "scan.pdf", buffer.getvalue())
    assert reason(path) == "PDF zonder tekstlaag (gescand?)"
