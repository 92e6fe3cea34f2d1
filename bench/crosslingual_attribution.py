"""Attribution agreement across languages on NTREX-128 dev (quality, not speed; run alone).

``python -m bench.crosslingual_attribution [--stories N] [--data DIR]``

Every story is rebuilt as one article per language (``story_drafts``: one sentence per
paragraph, outlet = the story's outlet) and put through ingest's own stages (normalise,
segment, attribute: English by the spaCy engine, the others by their cue-pattern files;
assign to claims), without the embedding and storing that do not change attribution. A claim
is matched to its translations by story and paragraph.
For every English claim whose attribution names an outlet or a person:

* outlet: the translation is attributed to the same canonical outlet;
* person: the translation is attributed to a named source (a person, organization or
  outlet; not the publisher's voice nor an unnamed source) — a transliterated name cannot be
  compared letter by letter, so "a source at the same position" is read as: the sentence is
  still attributed to someone named.

Agreement per language = matching translations / English claims of that kind (a sentence
the segmenter dropped in one language counts as a miss). Targets (issue 15): ≥ 0.70 outlets,
≥ 0.50 persons for urd, prs, fas, arb.
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


def attributed(wb: Any, draft: Any) -> dict[int, list[Any]]:
    """Paragraph -> named top-level attributions of one article, through the ingest stages
    (normalise, segment, attribute, assign to claims) without embedding or storing."""
    from workbench.attribution.assign import assign_to_claims
    from workbench.ingest import drafts, segment

    drafts.finish_draft(draft)
    publisher = wb.canonical_outlet(draft.outlet, draft.url)
    spans = segment.segment(draft.text, draft.title, draft.language, wb.settings.min_claim_words)
    engine = wb.attributor() if draft.language == "en" else wb.pattern_attributor(draft.language)
    atts = engine.extract(draft.text) if engine is not None else []
    out: dict[int, list[Any]] = defaultdict(list)
    for span, claim_atts in zip(spans, assign_to_claims(atts, spans, publisher), strict=True):
        out[span.paragraph] += [
            a for a in claim_atts if a.parent is None and a.source_type != "publisher"
        ]
    return out


def run(stories: int | None, langs: tuple[str, ...]) -> dict[str, Any]:
    from workbench.api import Workbench
    from workbench.evaluation.crosslingual import read_parallel, story_drafts
    from workbench.settings import Settings

    rows = read_parallel(NTREX)
    docs = list(dict.fromkeys(r["doc"] for r in rows))[: stories or None]
    wb = Workbench(Settings.from_env(data=Path(tempfile.mkdtemp(prefix="xl-attr-"))))
    registry = wb.outlets()
    began = time.perf_counter()
    by_story: dict[str, dict[str, dict[int, list[Any]]]] = defaultdict(dict)
    for column in ("eng", *langs):
        for draft in story_drafts(rows, column, registry, docs):
            by_story[draft.meta["story"]][column] = attributed(wb, draft)
    seconds = time.perf_counter() - began
    counts = {lang: {"outlet": [0, 0], "person": [0, 0]} for lang in langs}
    examples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc, versions in by_story.items():
        for para, atts in versions.get("eng", {}).items():
            named = [a for a in atts if a.source and a.source_type in ("outlet", "person")]
            if not named:
                continue
            a = named[0]
            kind = a.source_type
            for lang in langs:
                theirs = versions.get(lang, {}).get(para, [])
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
        "seconds": round(seconds, 1),
        "agreement": agreement,
        "targets": TARGETS,
        "examples": examples,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", type=int, help="only the first N stories")
    ap.add_argument("--langs", default=",".join(LANGS), help="language columns")
    a = ap.parse_args(argv)
    if not NTREX.exists():
        print(f"{NTREX} is absent", file=sys.stderr)
        return 1
    result = run(a.stories, tuple(x for x in a.langs.split(",") if x))
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
