"""Source error analysis of the attribution engine on PolNeAR (default: *train*).

For every gold source the scorer leaves unmatched (one-to-one overlap matching, as
``workbench.evaluation.attribution`` does), says whether a gold attribution using it has its
cue found by a prediction ("cue found": the source span of that prediction is missing or
wrong — a source-resolution error) or not ("cue missed": the whole attribution is missed —
a cue-recall error). For every unmatched predicted source, says whether its cue matches a
gold cue (and then what the gold source of that attribution is) or not (a spurious cue).

    .venv/bin/python bench/attribution_sources.py [--split train] [--examples 30] [--cache]

``--cache`` keeps the spaCy parses in /tmp (DocBin) so reruns skip parsing; only valid while
cues.py/fastparse.py (which choose the parsed sentences) are unchanged. The tables count by
category and by the first word of the gold (or predicted) source; ``--examples`` prints that
many examples per category with the sentence around the cue.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.attribution import Attributor
from workbench.evaluation.attribution import (
    Span,
    _norm,
    _shared,
    load_brat,
    overlap_pairs,
    predicted_spans,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"
if not DATA.is_dir():  # a worktree outside the project folder
    DATA = Path("/work/shared/data/polnear")


def gold_events(directory: Path, name: str) -> list[dict[str, Span]]:
    """Gold attributions of an article: {"source"/"cue"/"content": span} per event."""
    ann = sorted((directory / "attributions").glob(f"{name}_*.ann"))
    exact = directory / "attributions" / f"{name}.ann"
    path = exact if exact.exists() else ann[0]
    spans: dict[str, tuple[str, Span]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, spec = parts[1].partition(" ")
            frags = tuple(sorted(tuple(map(int, p.split())) for p in spec.split(";")))
            spans[parts[0]] = (label.lower(), frags)  # type: ignore[assignment]
        elif line.startswith("E") and len(parts) >= 2:
            ev: dict[str, Span] = {}
            for arg in parts[1].split()[1:]:
                role, _, tid = arg.partition(":")
                role = role.rstrip("0123456789").lower()
                if tid in spans and role in ("source", "cue", "content"):
                    ev[role] = spans[tid][1]
            events.append(ev)
    return events


def parse_cached(att: Attributor, docs: list, split: str, cache: bool) -> list:
    if not cache:
        return list(att.parse_many([d.text for d in docs], 16))
    from spacy.tokens import DocBin

    key = hashlib.md5("".join(d.name for d in docs).encode()).hexdigest()[:10]
    path = Path(f"/tmp/wt-sources-parse-{split}-{key}.spacy")
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(att.nlp.vocab))
    parsed = list(att.parse_many([d.text for d in docs], 16))
    db = DocBin(store_user_data=True)
    for d in parsed:
        db.add(d)
    db.to_disk(path)
    return parsed


def context(text: str, span: Span, width: int = 110) -> str:
    s, e = span[0][0], span[-1][1]
    a, b = max(0, s - width), min(len(text), e + width)
    return (text[a:s] + "[[" + text[s:e] + "]]" + text[e:b]).replace("\n", " ")


def sp(text: str, span: Span | None) -> str:
    return "-" if span is None else " … ".join(text[s:e] for s, e in span)


@dataclass
class Tally:
    """Missed gold sources and spurious predicted ones, by category."""

    cats: Counter[str] = field(default_factory=Counter)
    words: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    totals: Counter[str] = field(default_factory=Counter)

    def add(self, cat: str, word: str, line: str) -> None:
        self.cats[cat] += 1
        self.words[cat][word] += 1
        self.examples[cat].append(line)


def missed_gold(
    text: str, g: Span, events: list[dict[str, Span]], pcues: list, match: dict, gold_src: set
) -> tuple[str, str, str]:
    """(category, first word, example line) of a gold source no prediction matched."""
    evs = [ev for ev in events if "source" in ev and _norm(ev["source"], text) == g]
    found = []
    for ev in evs:
        if "cue" not in ev:
            continue
        for pc, a in pcues:
            if _shared(pc, ev["cue"]) > 0:
                found.append((ev, a))
    words = sp(text, g).split()
    first = words[0].lower() if words else ""
    if not found:
        cue = evs[0].get("cue") if evs else None
        line = f"{sp(text, g)!r} | cue {sp(text, cue)!r} | {context(text, cue or g)}"
        return "gold FN: cue missed", first, line
    ev, a = found[0]
    if a.source_start is None:
        cat = "gold FN: cue found, pred no source"
        ps = None
    else:
        ps = _norm(((a.source_start, a.source_end),), text)
        if ps in match:
            cat = "gold FN: cue found, pred source matched other gold"
        elif any(_shared(ps, x) > 0 for x in gold_src):
            cat = "gold FN: cue found, pred source overlaps other gold (lost)"
        else:
            cat = "gold FN: cue found, pred source overlaps no gold"
    line = (
        f"gold {sp(text, g)!r} pred {sp(text, ps)!r} | cue {sp(text, ev['cue'])!r}"
        f" | {context(text, ev['cue'])}"
    )
    return cat, first, line


def spurious_pred(
    text: str, p: Span, atts: list, events: list[dict[str, Span]], matched_gold: set
) -> tuple[str, str, str]:
    """(category, last word, example line) of a predicted source that matched no gold one."""
    owners = [
        a for a in atts if a.source_start is not None and _norm(((a.source_start, a.source_end),), text) == p
    ]  # fmt: skip
    gcue = None
    for a in owners:
        if a.cue_start is None:
            continue
        for ev in events:
            if "cue" in ev and _shared(((a.cue_start, a.cue_end),), ev["cue"]) > 0:
                gcue = ev
                break
        if gcue:
            break
    words = sp(text, p).split()
    last = words[-1].lower() if words else ""
    if gcue is None:
        cue = (
            ((owners[0].cue_start, owners[0].cue_end),)
            if owners and owners[0].cue_start is not None
            else p
        )
        line = f"{sp(text, p)!r} | cue {sp(text, cue)!r} | {context(text, cue)}"
        return "pred FP: cue spurious", last, line
    gs = gcue.get("source")
    if gs is None:
        cat = "pred FP: cue true, gold has no source"
    elif _norm(gs, text) in matched_gold:
        cat = "pred FP: cue true, its gold source matched elsewhere"
    else:
        cat = "pred FP: cue true, gold source unmatched"
    line = (
        f"pred {sp(text, p)!r} gold {sp(text, gs)!r} | cue {sp(text, gcue['cue'])!r}"
        f" | {context(text, gcue['cue'])}"
    )
    return cat, last, line


def tally_document(tally: Tally, att: Attributor, doc: Any, spdoc: Any, directory: Path) -> None:
    """Score one document's sources and file each mismatch under its category."""
    text = doc.text
    atts = att.extract_doc(spdoc)
    pred = predicted_spans(atts, text)
    gold_src = {_norm(g, text) for g in doc.gold["source"]}
    pred_src = {_norm(p, text) for p in pred["source"]}
    match = overlap_pairs(pred_src, gold_src)
    matched_gold = set(match.values())
    tally.totals["gold"] += len(gold_src)
    tally.totals["pred"] += len(pred_src)
    tally.totals["hit"] += len(match)
    events = gold_events(directory, doc.name)
    # predicted attributions keyed by cue span
    pcues = [
        (((a.cue_start, a.cue_end),), a)
        for a in atts
        if a.cue_start is not None and a.cue_end is not None
    ]
    for g in gold_src:
        if g not in matched_gold:
            tally.add(*missed_gold(text, g, events, pcues, match, gold_src))
    for p in pred_src:
        if p not in match:
            tally.add(*spurious_pred(text, p, atts, events, matched_gold))


def report(tally: Tally, top: int, examples: int, seed: int) -> None:
    """Overall source overlap, then each category with its commonest words and examples."""
    totals = tally.totals
    p, r = totals["hit"] / totals["pred"], totals["hit"] / totals["gold"]
    print(
        f"source overlap: pred {totals['pred']} gold {totals['gold']} hit {totals['hit']} "
        f"P {p:.4f} R {r:.4f} F1 {2 * p * r / (p + r):.4f}"
    )
    rng = random.Random(seed)
    for cat in sorted(tally.cats):
        print(f"\n## {cat}: {tally.cats[cat]}")
        print("   " + ", ".join(f"{w!r} {n}" for w, n in tally.words[cat].most_common(top)))
        ex = tally.examples[cat]
        for line in rng.sample(ex, min(examples, len(ex))):
            print("   - " + line)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--examples", type=int, default=0)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--cache", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    directory = DATA / args.split
    docs = load_brat(directory, args.limit)
    att = Attributor(use_default_matcher=False)
    parsed = parse_cached(att, docs, args.split, args.cache)
    tally = Tally()
    for doc, spdoc in zip(docs, parsed, strict=True):
        tally_document(tally, att, doc, spdoc, directory)
    report(tally, args.top, args.examples, args.seed)


if __name__ == "__main__":
    main()
