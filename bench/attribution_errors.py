"""Error analysis of the attribution engine on PolNeAR (default: *train*).

Runs ``Attributor`` over a split, matches predicted and gold spans per type by overlap (as
``workbench.evaluation.attribution`` does) and prints tables of:

* missed gold cues (false negatives) grouped by cue text (lowercased, first word) and by a
  coarse construction (the text right around the cue: "NAME:", "— Name", "according to" …);
* spurious predicted cues (false positives) grouped by cue text;
* source boundary disagreements on overlapping-but-not-exact sources: which words the gold
  span has that the prediction lacks, and vice versa (titles, determiners, appositions …).

    .venv/bin/python bench/attribution_errors.py [--split train] [--limit N] [--top 40]
    .venv/bin/python bench/attribution_errors.py --frames think,believe,support

``--frames`` instead prints, for the given verb lemmas, how often each (lemma, frame, subject
person) occurs outside quotation marks in parsed sentences and how often it lies in a gold
Cue: the precision a narrower cue frame would have (``NARROW_CUES`` in cues.py keeps the
keys with precision >= 0.35 and at least 5 hits, the same cut as the frame lexicon).

The data stay in ../shared (never copied into the project).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from workbench.attribution import Attributor
from workbench.evaluation.attribution import Span, _shared, load_brat, predicted_spans

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"


def _text(text: str, span: Span) -> str:
    return " … ".join(text[s:e] for s, e in span)


def _overlaps(span: Span, others: set[Span]) -> bool:
    return any(_shared(span, o) > 0 for o in others)


def construction(text: str, span: Span) -> str:
    """A coarse label for where a cue sits."""
    s, e = span[0][0], span[-1][1]
    cue = text[s:e].lower()
    line_start = text.rfind("\n", 0, s) + 1
    before = text[line_start:s]
    after = text[e : e + 3]
    if cue.strip() == ":" or (after.startswith(":") and len(before.split()) <= 4):
        return "NAME: line" if not before.strip() or s - line_start < 40 else "colon"
    if cue.strip() in ("—", "―", "-", "–"):
        return "dash"
    if "according" in cue:
        return "according to"
    if re.search(r"\b(poll|survey|study|report|data)\b", text[max(0, s - 40) : e + 20].lower()):
        return "poll/report nearby"
    if re.match(r"^[’']s\b", text[e:]) or cue.endswith(("statement", "claim", "remarks")):
        return "nominal"
    word = cue.split()[-1] if cue.split() else cue
    if word.endswith("ing"):
        return "gerund"
    return "verb/other"


def subject_person(tok: object) -> str:
    """ "none", "1/2" (I, we, you …) or "3" for the nearest subject of a verb."""
    subs = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]  # type: ignore[attr-defined]
    if not subs:
        return "none"
    return "1/2" if subs[0].lower_ in FIRST_SECOND else "3"


FIRST_SECOND = frozenset(["i", "we", "you", "me", "us"])


def frame_table(docs: list, parsed: list, lemmas: set[str]) -> None:
    from workbench.attribution.cues import verb_frame, verb_lemma
    from workbench.attribution.fastparse import PARSED_KEY
    from workbench.attribution.quotes import find_quotes

    seen: Counter[tuple[str, str, str]] = Counter()
    hit: Counter[tuple[str, str, str]] = Counter()
    for doc, sp in zip(docs, parsed, strict=True):
        quotes = find_quotes(doc.text)
        ranges = sp.user_data.get(PARSED_KEY, [(0, len(doc.text))])
        cue_chars = {i for g in doc.gold["cue"] for s, e in g for i in range(s, e)}
        for tok in sp:
            if tok.pos_ not in ("VERB", "AUX") or not any(s <= tok.idx < e for s, e in ranges):
                continue
            lemma = verb_lemma(tok.text)
            if lemma not in lemmas or any(q0 < tok.idx < q1 for q0, q1 in quotes):
                continue
            key = (lemma, verb_frame(tok), subject_person(tok))
            seen[key] += 1
            hit[key] += tok.idx in cue_chars
    print(f"{'lemma':<12} {'frame':<6} {'subj':<5} {'n':>5} {'hits':>5} {'prec':>5}")
    for key, n in sorted(seen.items(), key=lambda kv: (kv[0][0], -kv[1])):
        if n >= 5:
            print(f"{key[0]:<12} {key[1]:<6} {key[2]:<5} {n:5d} {hit[key]:5d} {hit[key] / n:5.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--frames", default="", help="comma-separated verb lemmas")
    args = ap.parse_args()
    docs = load_brat(DATA / args.split, args.limit)
    att = Attributor(use_default_matcher=False)
    parsed = list(att.parse_many([d.text for d in docs], 16))
    if args.frames:
        frame_table(docs, parsed, set(args.frames.split(",")))
        return
    fn_cue: Counter[str] = Counter()
    fp_cue: Counter[str] = Counter()
    tp_cue: Counter[str] = Counter()
    fn_cons: Counter[str] = Counter()
    fp_cons: Counter[str] = Counter()
    src_missing: Counter[str] = Counter()
    src_extra: Counter[str] = Counter()
    src_fn_first: Counter[str] = Counter()
    src_fp_first: Counter[str] = Counter()
    for doc, sp in zip(docs, parsed, strict=True):
        pred = predicted_spans(att.extract_doc(sp), doc.text)
        text = doc.text
        for g in doc.gold["cue"]:
            key = _text(text, g).lower().strip()
            if _overlaps(g, pred["cue"]):
                tp_cue[key] += 1
            else:
                fn_cue[key] += 1
                fn_cons[construction(text, g)] += 1
        for p in pred["cue"]:
            if not _overlaps(p, doc.gold["cue"]):
                key = _text(text, p).lower().strip()
                fp_cue[key] += 1
                fp_cons[construction(text, p)] += 1
        for g in doc.gold["source"]:
            gs = set(range(g[0][0], g[-1][1]))
            hits = [p for p in pred["source"] if _shared(p, g) > 0]
            if not hits:
                src_fn_first[
                    _text(text, g).split()[0].lower() if _text(text, g).split() else ""
                ] += 1
                continue
            p = max(hits, key=lambda x: _shared(x, g))
            ps = set(range(p[0][0], p[-1][1]))
            for word in re.findall(
                r"\S+",
                "".join(
                    text[i] if i in gs - ps else " " for i in range(min(gs | ps), max(gs | ps) + 1)
                ),
            ):
                src_missing[word.lower()] += 1
            for word in re.findall(
                r"\S+",
                "".join(
                    text[i] if i in ps - gs else " " for i in range(min(gs | ps), max(gs | ps) + 1)
                ),
            ):
                src_extra[word.lower()] += 1
        for p in pred["source"]:
            if not _overlaps(p, doc.gold["source"]):
                words = _text(text, p).split()
                src_fp_first[" ".join(words[-1:]).lower()] += 1

    def table(title: str, counter: Counter[str], other: Counter[str] | None = None) -> None:
        print(f"\n## {title} (total {sum(counter.values())})")
        for key, n in counter.most_common(args.top):
            extra = f"  (tp {other[key]})" if other is not None else ""
            print(f"{n:6d}  {key!r}{extra}")

    table("missed gold cues by text", fn_cue, tp_cue)
    table("missed gold cues by construction", fn_cons)
    table("spurious predicted cues by text", fp_cue, tp_cue)
    table("spurious predicted cues by construction", fp_cons)
    table("gold source words missing from an overlapping prediction", src_missing)
    table("predicted source words outside the overlapping gold", src_extra)
    table("missed gold sources by first word", src_fn_first)
    table("spurious predicted sources by last word", src_fp_first)


if __name__ == "__main__":
    main()
