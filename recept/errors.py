"""The project's exceptions. The CLI and UI turn them into one friendly Dutch line.

ReceptError                    base; ``.message`` is user-facing Dutch text
├── ConfigError                a setting has an invalid value
├── InputError                 a question or request that cannot be handled (empty, too long)
├── DocumentError              a document that cannot be read (empty, binary, encrypted, …)
├── IndexMissingError          no index yet: run `recept ingest`
├── IndexStaleError            index made by another model/format: re-ingest
├── IngestLockedError          another ingest is running
├── ModelError                 the embedding model is missing or fails its checksum
├── StoreError                 the vector store (Chroma) failed or is unreachable
├── LLMError                   the LLM backend failed (callers fall back to extractive)
└── BusyError                  the server's queue is full: try again in ``retry_after`` s
"""

from __future__ import annotations


class ReceptError(Exception):
    """Base class. ``message`` is shown to users as is; ``exit_code`` is the CLI's exit status."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(ReceptError):
    pass


class InputError(ReceptError):
    pass


class DocumentError(ReceptError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexMissingError(ReceptError):
    def __init__(self, message: str = "") -> None:
        super().__init__(
            message or "Er is nog geen index. Voer eerst `recept ingest` uit (of `make run`)."
        )


class IndexStaleError(ReceptError):
    pass


class IngestLockedError(ReceptError):
    pass


class ModelError(ReceptError):
    pass


class StoreError(ReceptError):
    pass


class LLMError(ReceptError):
    pass


class BusyError(ReceptError):
    def __init__(self, retry_after: int = 1) -> None:
        super().__init__(
            f"Het is druk, probeer het zo opnieuw (over ongeveer {retry_after} seconden)."
        )
        self.retry_after = retry_after
