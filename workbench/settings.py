"""All settings in one place: defaults, ``WORKBENCH_*`` environment variables, CLI overrides.

Every field here must be documented in ``docs/settings.md`` (a test checks it), so users can
find what they can tune without reading code.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

from workbench.errors import InvalidOption

ENV_PREFIX = "WORKBENCH_"

# Settings with a fixed set of values; ``Settings`` checks them on creation.
EmbedBackend = Literal["torch", "torch-int8", "onnx"]
EmbedContext = Literal["title", "none"]
SearchMode = Literal["hybrid", "dense"]
IndexKind = Literal["auto", "flat", "ivf", "hnsw"]
AuthMode = Literal["auto", "on", "off"]


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    """``index/`` beside the package in a source checkout, else ``./index``."""
    root = _project_root()
    if (root / "pyproject.toml").exists():
        return root / "index"
    return Path.cwd() / "index"


@dataclass(slots=True)
class Settings:
    """Workbench settings. Field names map to env vars ``WORKBENCH_<NAME>`` (upper case)."""

    data: Path = field(default_factory=default_data_dir)
    device: str = "auto"
    model: str = "all-MiniLM-L6-v2"
    batch_size: int = 64
    torch_threads: int = 0
    embed_backend: EmbedBackend = "onnx"
    embed_context: EmbedContext = "title"
    max_file_mb: float = 20.0
    max_record_mb: float = 5.0
    max_article_chars: int = 1_000_000
    max_field_chars: int = 10_000
    max_json_depth: int = 64
    max_upload_mb: int = 200
    url_timeout: float = 20.0
    allow_private_urls: bool = False
    server_paths: str = ""
    lock_wait: float = 600.0
    min_claim_words: int = 4
    search_k: int = 10
    search_mode: SearchMode = "hybrid"
    rerank_depth: int = 64
    rerank_floor: float = 0.5
    index_kind: IndexKind = "auto"
    flat_max: int = 50_000
    neighbour_max: int = 250_000
    cluster_threshold: float = 0.70
    compare_floor: float = 0.55
    compare_same_article_floor: float = 0.45
    duplicate_threshold: float = 0.90
    stance_model: str = "rules"
    organization: str = "Claim Workbench"
    organization_url: str = "https://example.org/fact-checks"
    reviewer: str = ""
    attribution: bool = True
    multilingual: str = "auto"
    ingest_workers: int = 0
    attribution_processes: int = -1
    database_url: str = ""
    database_schema: str = ""
    auth: AuthMode = "auto"
    user: str = ""
    token: str = ""
    session_hours: float = 12.0

    def __post_init__(self) -> None:
        for name, allowed in choices().items():
            value = getattr(self, name)
            if value not in allowed:
                raise InvalidOption(
                    f"setting {name} (env {ENV_PREFIX}{name.upper()}) must be one of "
                    f"{', '.join(allowed)}; not {value!r}"
                )
        if not 0 <= self.rerank_depth <= 1000:
            raise InvalidOption(
                f"setting rerank_depth (env {ENV_PREFIX}RERANK_DEPTH) must be 0 to 1000 (0 turns "
                f"the second stage off); not {self.rerank_depth!r}"
            )
        if not 0.0 <= self.rerank_floor <= 1.0:
            raise InvalidOption(
                f"setting rerank_floor (env {ENV_PREFIX}RERANK_FLOOR) must be 0 to 1; "
                f"not {self.rerank_floor!r}"
            )
        if self.auth == "off" and self.database_url.strip():
            raise InvalidOption(
                f"setting auth=off (env {ENV_PREFIX}AUTH) cannot be used with database_url (env "
                f"{ENV_PREFIX}DATABASE_URL): a PostgreSQL store is a team's shared workbench, so "
                "sign-in is always on with it; leave auth at auto or on, or unset database_url "
                "for the embedded single-user store"
            )

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``WORKBENCH_*`` variables, then explicit (non-None) overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, f.type, raw)
        for key, value in overrides.items():
            if value is None:
                continue
            if key not in {f.name for f in fields(cls)}:
                raise InvalidOption(f"unknown setting {key!r}")
            values[key] = value
        settings = cls(**values)
        settings.data = Path(settings.data).expanduser()
        return settings

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        out = {
            f.name: str(getattr(self, f.name)) if f.name == "data" else getattr(self, f.name)
            for f in fields(self)
        }
        if out["token"]:
            out["token"] = "***"  # a secret: never printed or logged
        return out


def _coerce(name: str, type_name: Any, raw: str) -> Any:
    kind = str(type_name)
    try:
        if kind == "bool":
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw)
        return raw
    except ValueError as exc:
        raise InvalidOption(
            f"environment variable {ENV_PREFIX}{name.upper()}={raw!r} is not a valid {kind}"
        ) from exc


def setting_names() -> list[str]:
    return [f.name for f in fields(Settings)]


def choices() -> dict[str, tuple[str, ...]]:
    """The allowed values of each setting typed as a ``Literal``."""
    if not _CHOICES:
        hints = get_type_hints(Settings)
        _CHOICES.update({n: get_args(t) for n, t in hints.items() if get_origin(t) is Literal})
    return _CHOICES


_CHOICES: dict[str, tuple[str, ...]] = {}
