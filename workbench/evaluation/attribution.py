"""Score the attribution engine against brat standoff annotations (PolNeAR layout).

Gold spans are the ``Source``, ``Cue`` and ``Content`` text-bound annotations; other types
(``Attribution``, ``Discard`` …) are ignored. A span is a tuple of fragments, because brat
allows discontinuous spans ("s e;s e"). Predicted spans come from ``Attribution`` offsets;
a ``quote_continuation`` is merged into the content of the attribution it continues, so a
quote split by its cue ("“A,” he said. “B.”") is one discontinuous content span on both
sides. Identical spans of one type are counted once on each side.

Matching, per article and span type, one-to-one (each gold span matched at most once):

* exact — the predicted and gold fragment lists are equal after trimming whitespace;
* overlap — the predicted and gold spans share at least one character; candidates are
  paired greedily by decreasing number of shared characters.

Precision = matched predictions / predictions, recall = matched gold / gold.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.ingest.segment import trim_span
from workbench.records import Attribution

SPAN_TYPES: tuple[str, ...] = ("source", "cue", "content")
Span = tuple[tuple[int, int], ...]


@dataclass(slots=True)
class BratDoc:
    """One annotated article: its text and the gold spans per type."""

    name: str
    text: str
    gold: dict[str, set[Span]]


def _parse_frag(spec: str) -> Span:
    frags = []
    for part in spec.split(";"):
        s, e = part.split()
        frags.append((int(s), int(e)))
    return tuple(sorted(frags))


def read_ann(path: Path) -> dict[str, set[Span]]:
    """Gold Source/Cue/Content spans of one .ann file."""
    gold: dict[str, set[Span]] = {t: set() for t in SPAN_TYPES}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("T"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        label, _, spec = parts[1].partition(" ")
        key = label.lower()
        if key in gold:
            gold[key].add(_parse_frag(spec))
    return gold


def load_brat(directory: Path, limit: int | None = None) -> list[BratDoc]:
    """Articles of a split dir (``text/`` + ``attributions/``) or a flat dir of .txt + .ann.

    When an article has several annotators' files (``X_<annotator>.ann``) the first in
    sorted order is used.
    """
    directory = Path(directory)
    text_dir, ann_dir = directory / "text", directory / "attributions"
    if not text_dir.is_dir():
        text_dir = ann_dir = directory
    docs: list[BratDoc] = []
    for txt in sorted(text_dir.glob("*.txt")):
        anns = sorted(ann_dir.glob(f"{txt.stem}_*.ann"))
        exact = ann_dir / f"{txt.stem}.ann"
        if exact.exists():
            anns = [exact]
        if not anns:
            continue
        text = txt.read_text(encoding="utf-8")
        docs.append(BratDoc(txt.stem, text, read_ann(anns[0])))
        if limit is not None and len(docs) >= limit:
            break
    return docs


def predicted_spans(atts: list[Attribution], text: str) -> dict[str, set[Span]]:
    """Predicted Source/Cue/Content spans, continuations merged into their attribution."""
    pred: dict[str, set[Span]] = {t: set() for t in SPAN_TYPES}
    contents: list[list[tuple[int, int]]] = []
    last_by_source: dict[str, int] = {}
    for a in sorted(atts, key=lambda x: x.content_start):
        frag = trim_span(text, a.content_start, a.content_end)
        if a.kind == "quote_continuation":
            host = last_by_source.get(a.source_text or a.source)
            if host is not None:
                contents[host].append(frag)
                continue
        contents.append([frag])
        last_by_source[a.source_text or a.source] = len(contents) - 1
        if a.source_start is not None and a.source_end is not None:
            pred["source"].add((trim_span(text, a.source_start, a.source_end),))
        if a.cue_start is not None and a.cue_end is not None:
            pred["cue"].add((trim_span(text, a.cue_start, a.cue_end),))
    pred["content"] = {tuple(sorted(c)) for c in contents}
    return pred


def _norm(span: Span, text: str) -> Span:
    return tuple(trim_span(text, s, e) for s, e in span)


def _shared(a: Span, b: Span) -> int:
    return sum(max(0, min(ae, be) - max(as_, bs)) for as_, ae in a for bs, be in b)


def overlap_pairs(pred: set[Span], gold: set[Span]) -> dict[Span, Span]:
    """One-to-one overlap matching, {pred: gold}: candidates paired greedily by decreasing
    number of shared characters (spans already normalised)."""
    preds, golds = list(pred), list(gold)
    pairs = sorted(
        ((_shared(p, g), i, j) for i, p in enumerate(preds) for j, g in enumerate(golds)),
        reverse=True,
    )
    matched: dict[Span, Span] = {}
    used_g: set[int] = set()
    for shared, i, j in pairs:
        if shared <= 0:
            break
        if preds[i] in matched or j in used_g:
            continue
        matched[preds[i]] = golds[j]
        used_g.add(j)
    return matched


def match_counts(pred: set[Span], gold: set[Span], text: str) -> dict[str, int]:
    """Exact and overlap one-to-one matches between predicted and gold spans."""
    gold_n = {_norm(g, text) for g in gold}
    pred_n = {_norm(p, text) for p in pred}
    return {
        "pred": len(pred_n),
        "gold": len(gold_n),
        "exact": len(gold_n & pred_n),
        "overlap": len(overlap_pairs(pred_n, gold_n)),
    }


def _prf(hit: int, pred: int, gold: int) -> dict[str, float]:
    p = hit / pred if pred else 0.0
    r = hit / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def evaluate_brat(directory: Path, attributor: Any, limit: int | None = None) -> dict:
    """Run ``attributor`` over a brat corpus and score source, cue and content spans.

    Returns ``{"articles", "sentences", "seconds", "sentences_per_second", "counts": {type:
    {pred, gold, exact, overlap}}, "exact": {type: {precision, recall, f1}}, "overlap": …}``.
    """
    docs = load_brat(Path(directory), limit)
    t0 = time.perf_counter()
    nlp = attributor.nlp
    texts = [d.text for d in docs]
    parse = getattr(attributor, "parse_many", None)
    parsed = list(parse(texts) if parse is not None else nlp.pipe(texts, batch_size=16))
    all_atts = [attributor.extract_doc(doc) for doc in parsed]
    seconds = time.perf_counter() - t0
    sentences = sum(1 for doc in parsed for _ in doc.sents)
    counts = {t: {"pred": 0, "gold": 0, "exact": 0, "overlap": 0} for t in SPAN_TYPES}
    for doc, atts in zip(docs, all_atts, strict=True):
        pred = predicted_spans(atts, doc.text)
        for t in SPAN_TYPES:
            for k, v in match_counts(pred[t], doc.gold[t], doc.text).items():
                counts[t][k] += v
    result: dict[str, Any] = {
        "directory": str(directory),
        "articles": len(docs),
        "sentences": sentences,
        "seconds": round(seconds, 3),
        "sentences_per_second": round(sentences / seconds, 1) if seconds else 0.0,
        "counts": counts,
        "exact": {},
        "overlap": {},
    }
    for t in SPAN_TYPES:
        c = counts[t]
        result["exact"][t] = _prf(c["exact"], c["pred"], c["gold"])
        result["overlap"][t] = _prf(c["overlap"], c["pred"], c["gold"])
    return result


def format_report(result: dict) -> str:
    """A plain-text table of an ``evaluate_brat`` result."""
    lines = [
        f"Attribution evaluation: {result.get('directory', '')}",
        f"{result['articles']} articles, {result['sentences']} sentences, "
        f"{result['seconds']:.1f}s ({result['sentences_per_second']:.0f} sentences/s)",
        "",
        f"{'span':<8} {'match':<8} {'P':>7} {'R':>7} {'F1':>7} {'pred':>7} {'gold':>7} {'hit':>7}",
    ]
    for t in SPAN_TYPES:
        c = result["counts"][t]
        for mode in ("exact", "overlap"):
            m = result[mode][t]
            lines.append(
                f"{t:<8} {mode:<8} {m['precision']:>7.3f} {m['recall']:>7.3f} {m['f1']:>7.3f} "
                f"{c['pred']:>7} {c['gold']:>7} {c[mode]:>7}"
            )
    return "\n".join(lines)
