"""Keep torch out of processes that never run it.

torch is needed only by the ``torch`` embedding backends, the GPU path and the one-off ONNX
export. Yet two libraries import it whenever it is installed: thinc (under spaCy) at import
time, for layers the attribution model does not use, and transformers' tokenizer loading.
Each such import cost a process about 1-2 s and 180 MB (bench/README.md, issue 14).
:func:`without_torch` loads spaCy as if torch were absent; :func:`torch_imports` is held by
every import that may bring torch in, so none lands inside that window on another thread.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.RLock()


@contextmanager
def without_torch() -> Iterator[None]:
    """Imports inside the block see torch as not installed (unless it is already loaded:
    then there is nothing to save). Only for libraries that merely *may* use torch."""
    with _LOCK:
        if "torch" in sys.modules:
            yield
            return
        sys.modules["torch"] = None  # type: ignore[assignment]  # import torch -> ImportError
        try:
            yield
        finally:
            if "torch" in sys.modules and sys.modules["torch"] is None:
                del sys.modules["torch"]


@contextmanager
def torch_imports() -> Iterator[None]:
    """Hold while importing torch or anything that imports it."""
    with _LOCK:
        yield
