"""One attribution worker process (``python -m workbench.attribution.worker``; see ``pool``).

Protocol over its standard streams, pickles from the parent ingest only: first the outlet
registry, then lists of article texts; each list is answered with ``("ok", attributions per
text)`` or ``("error", "one line")``. The end of its input ends it. Anything a library prints
goes to standard error, so standard output carries only the answers.
"""

from __future__ import annotations

import os
import pickle
import sys


def main() -> int:
    inbox = sys.stdin.buffer
    outbox = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt answers
    from workbench.attribution.extract import Attributor
    from workbench.outlets.service import source_matcher

    engine = Attributor(outlet_matcher=source_matcher(pickle.load(inbox)))
    engine.nlp  # noqa: B018 - load the pipeline before the first chunk arrives
    while True:
        try:
            texts = pickle.load(inbox)
        except EOFError:
            return 0
        try:
            answer: tuple[str, object] = ("ok", engine.extract_many(texts))
        except Exception as exc:  # reported to the parent, which falls back to its thread
            answer = ("error", f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
        pickle.dump(answer, outbox)
        outbox.flush()


if __name__ == "__main__":
    raise SystemExit(main())
