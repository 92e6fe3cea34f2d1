"""Input limits applied on every path (files, records, uploads, URLs, pasted text, imports).

The limits live in :class:`workbench.settings.Settings`; this module carries them to the
readers and checks them, so the CLI, the Python API and the app refuse the same inputs with the
same one-line :class:`~workbench.errors.InputError`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.errors import InputError

if TYPE_CHECKING:
    from workbench.settings import Settings

MB = 1024 * 1024
_BRACKETS = re.compile(r"[\[\]{}]")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one input may hold; defaults equal the settings' defaults."""

    max_file_mb: float = 20.0
    max_record_mb: float = 5.0
    max_article_chars: int = 1_000_000
    max_field_chars: int = 10_000
    max_json_depth: int = 64
    url_timeout: float = 20.0
    allow_private_urls: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_file_mb=settings.max_file_mb,
            max_record_mb=settings.max_record_mb,
            max_article_chars=settings.max_article_chars,
            max_field_chars=settings.max_field_chars,
            max_json_depth=settings.max_json_depth,
            url_timeout=settings.url_timeout,
            allow_private_urls=settings.allow_private_urls,
        )

    @property
    def file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def record_bytes(self) -> int:
        return int(self.max_record_mb * MB)


DEFAULT = Limits()


def json_depth(text: str) -> int:
    """Deepest nesting of ``[``/``{`` in JSON text, without recursion (strings skipped)."""
    if text.count("[") + text.count("{") <= 1:
        return text.count("[") + text.count("{")
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads(text: str, origin: str, limits: Limits = DEFAULT) -> Any:
    """``json.loads`` with a nesting cap checked first, so deep input never recurses."""
    depth = json_depth(text)
    if depth > limits.max_json_depth:
        raise InputError(
            origin,
            f"JSON nests {depth:,} levels deep, over the limit of {limits.max_json_depth}"
            " (WORKBENCH_MAX_JSON_DEPTH)",
        )
    try:
        return json.loads(text)
    except RecursionError as exc:  # pragma: no cover - the depth check comes first
        raise InputError(origin, "JSON nests too deeply") from exc


def check_text(text: str, origin: str, limits: Limits = DEFAULT) -> None:
    """Refuse an article text longer than ``max_article_chars``."""
    if len(text) > limits.max_article_chars:
        raise InputError(
            origin,
            f"article has {len(text):,} characters, over the limit of {limits.max_article_chars:,}"
            " (WORKBENCH_MAX_ARTICLE_CHARS); split it into parts",
        )


def check_field(name: str, value: str | None, origin: str, limits: Limits = DEFAULT) -> None:
    """Refuse a metadata field (title, outlet, URL, …) longer than ``max_field_chars``."""
    if value is not None and len(value) > limits.max_field_chars:
        raise InputError(
            origin,
            f"field {name!r} has {len(value):,} characters, over the limit of"
            f" {limits.max_field_chars:,} (WORKBENCH_MAX_FIELD_CHARS)",
        )


def check_record_size(size: int, origin: str, limits: Limits = DEFAULT) -> None:
    """Refuse one record (a line, a row, a pasted article) over ``max_record_mb``."""
    if size > limits.record_bytes:
        raise InputError(
            origin,
            f"record is over the {limits.max_record_mb:g} MB limit for one record"
            " (WORKBENCH_MAX_RECORD_MB)",
        )
