"""Attribution agreement across languages on NTREX-128 dev (quality, not speed; run alone).

``python -m bench.crosslingual_attribution [--stories N] [--data DIR]``

Every story is rebuilt as one article per language (``story_drafts``: one sentence per
paragraph, outlet = the story's outlet) and ingested (English by the spaCy engine, the others
by their cue-pattern files). A claim is matched to its translations by story and paragraph.
For every English claim whose attribution names an outlet or a person:

* outlet: the translation is attributed to the same canonical outlet;
* person: the translation is attributed to a named source (a person, organization or
  outlet; not the publisher's voice nor an unnamed source) — a transliterated name cannot be
  compared letter by letter, so "a source at the same position" is read as: the sentence is
  still attributed to someone named.

Agreement per language = matching translations / English claims of that kind (a sentence
the segmenter dropped in one language counts as a miss). Targets (issue 15): ≥ 0.70 outlets,
≥ 0.50 persons for urd, prs, fas, arb. The multilingual index is off (not needed here).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from bench.common import RESULTS, SHARED, write_result

NTREX = SHARED / "ntrex-news-multilingual" / "dev.tsv"
LANGS = ("urd", "prs", "pus", "fas", "arb", "hin")
NAMED = ("person", "organization", "outlet")
TARGETS = {"outlet": 0.70, "person": 0.50}


def main_attributions(wb: Any, article_id: str) -> dict[int, list[Any]]:
    """Paragraph -> the named (non-publisher, top-level) attributions of its claims."""
    claims = wb.claims(article_id)
    atts = wb.attributions([c.id for c in claims])
    out: dict[int, list[Any]] = defaultdict(list)
    for c in claims:
        out[c.paragraph] += [
            a for a in atts[c.id] if a.parent is None and a.source_type != "publisher"
        ]
    return out


def run(stories: int | None, data: Path | None) -> dict[str, Any]:
    from workbench.api import Workbench
    from workbench.evaluation.crosslingual import read_parallel, story_drafts
    from workbench.settings import Settings

    rows = read_parallel(NTREX)
    docs = list(dict.fromkeys(r["doc"] for r in rows))[: stories or None]
    folder = data or Path(tempfile.mkdtemp(prefix="xl-attr-"))
    wb = Workbench(Settings.from_env(data=folder, multilingual="off"))
    registry = wb.outlets()
    began = time.perf_counter()
    articles: dict[tuple[str, str], str] = {}
    for column in ("eng", *LANGS):
        report = wb.ingest_drafts(story_drafts(rows, column, registry, docs))
        for r in report.results:
            if r.article_id:
                doc, col = r.origin.rsplit(":", 1)
                articles[(doc, col)] = r.article_id
    ingest_s = time.perf_counter() - began
    counts: dict[str, dict[str, list[int]]] = {
        lang: {"outlet": [0, 0], "person": [0, 0]} for lang in LANGS
    }
    examples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        if (doc, "eng") not in articles:
            continue
        eng = main_attributions(wb, articles[(doc, "eng")])
        other = {
            lang: main_attributions(wb, articles[(doc, lang)])
            for lang in LANGS
            if (doc, lang) in articles
        }
        for para, atts in eng.items():
            named = [a for a in atts if a.source and a.source_type in ("outlet", "person")]
            if not named:
                continue
            a = named[0]
            kind = a.source_type
            for lang in LANGS:
                theirs = other.get(lang, {}).get(para, [])
                if kind == "outlet":
                    ok = any(t.source_type == "outlet" and t.source == a.source for t in theirs)
                else:
                    ok = any(t.source and t.source_type in NAMED for t in theirs)
                counts[lang][kind][0] += int(ok)
                counts[lang][kind][1] += 1
                if not ok and len(examples[lang]) < 5:
                    examples[lang].append(
                        {
                            "doc": doc,
                            "paragraph": para,
                            "english": f"{a.source} ({kind})",
                            "theirs": [f"{t.source} ({t.source_type})" for t in theirs],
                        }
                    )
    agreement = {
        lang: {
            kind: {"agree": n, "of": d, "rate": round(n / d, 3) if d else None}
            for kind, (n, d) in kinds.items()
        }
        for lang, kinds in counts.items()
    }
    wb.close()
    return {
        "stories": len(docs),
        "ingest_s": round(ingest_s, 1),
        "agreement": agreement,
        "targets": TARGETS,
        "examples": examples,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", type=int, help="only the first N stories")
    ap.add_argument("--data", type=Path, help="keep the data directory here")
    a = ap.parse_args(argv)
    if not NTREX.exists():
        print(f"{NTREX} is absent", file=sys.stderr)
        return 1
    result = run(a.stories, a.data)
    for lang, kinds in result["agreement"].items():
        parts = [
            f"{kind} {v['rate'] if v['rate'] is not None else '-'} ({v['agree']}/{v['of']})"
            for kind, v in kinds.items()
        ]
        print(f"{lang}: " + ", ".join(parts))
    path = write_result("crosslingual-attribution", result)
    print(path if path else RESULTS)
    print(json.dumps(result["examples"], ensure_ascii=False)[:2000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
