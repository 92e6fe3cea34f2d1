"""Attribution speed-ups that must not change a single annotation: the cached attribute
ruler gives the same POS, MORPH and LEMMA as spaCy's, token by token."""

from __future__ import annotations

import pytest

TEXTS = [
    "Let's go, y'all: it ain't over, the senator said on Tuesday. There are two of them.",
    "“We're gonna win,” Jane Roe, a spokeswoman for the Ministry, told reporters. C'mon now.",
    "According to officials, there is something that nobody expected: the 3rd vote was lost.",
    "  The  PM's office (which declined to comment) gotta answer... Reportedly, it will.\n\nYes!",
]


@pytest.fixture(scope="module")
def pipelines():
    spacy = pytest.importorskip("spacy")
    from workbench.attribution.model import DISABLED_PIPES, MODEL_NAME, load_nlp

    try:
        reference = spacy.load(MODEL_NAME, exclude=list(DISABLED_PIPES))
    except OSError:
        pytest.skip(f"spaCy model {MODEL_NAME} is not installed")
    return reference, load_nlp()


def _annotations(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.ent_type_) for t in doc]


def test_fast_ruler_replaces_the_spacy_one(pipelines):
    from workbench.attribution.tagattrs import FastAttributeRuler

    reference, fast = pipelines
    assert fast.pipe_names == reference.pipe_names
    assert isinstance(fast.get_pipe("attribute_ruler"), FastAttributeRuler)


def test_fast_ruler_output_equals_spacy(pipelines):
    reference, fast = pipelines
    for ref, got in zip(reference.pipe(TEXTS), fast.pipe(TEXTS), strict=True):
        assert _annotations(got) == _annotations(ref)


def test_fast_ruler_multi_token_rules_and_cache(pipelines):
    """Two-token rules (``gon na`` → go/to, expletive ``there`` + be → VERB) apply, and a
    second pass over the same words (cache hits) gives the same result."""
    reference, fast = pipelines
    text = "There are reasons we're gon na win, and there was doubt. Gotta go."
    first, second, ref = fast(text), fast(text), reference(text)
    assert _annotations(first) == _annotations(ref) == _annotations(second)
    assert any(t.lower_ == "gon" and t.lemma_ == "go" for t in ref)


def test_cached_span_ents_equal_spacy(pipelines):
    """``span_ents`` (cached, bisected) returns what ``Span.ents`` does for every span."""
    from workbench.attribution.spans import doc_ents, span_ents

    _, fast = pipelines
    doc = fast(
        "Jane Roe of the United Nations told CNN in Paris on Monday that John Smith, a "
        "senator from Ohio, met Microsoft and Google officials."
    )
    assert doc_ents(doc) == tuple(doc.ents) and len(doc.ents) >= 4
    for start in range(len(doc)):
        for end in range(start, len(doc) + 1):
            span = doc[start:end]
            assert [e.start for e in span_ents(span)] == [e.start for e in span.ents]


def test_tracker_sees_each_entity_once_in_order(outlet_attributor):
    """People named earlier still resolve surnames after the entity cursor moved on."""
    text = (
        "Finance Minister Jane Roe opened the session. John Smith said costs rose. "
        "Roe said the budget was balanced."
    )
    atts = outlet_attributor.extract(text)
    assert [(a.source, a.source_text, a.role) for a in atts] == [
        ("John Smith", "John Smith", None),
        ("Jane Roe", "Roe", "Finance Minister"),
    ]


def test_selective_parse_batches_by_candidate_chunks(pipelines):
    """One-line records reach spaCy in batches of ``CHUNK_BATCH`` candidate chunks, not a
    few per 16 texts, and the docs are the same whatever the batch."""
    from workbench.attribution.fastparse import CHUNK_BATCH, PARSED_KEY, parse_selective

    _, nlp = pipelines
    texts = [f"Officials said {n} people were hurt." for n in range(300)] + ["No cue here."] * 5

    class Counting:
        def __init__(self) -> None:
            self.sizes: list[int] = []

        def pipe(self, docs, batch_size):
            docs = list(docs)
            self.sizes.append(len(docs))
            return nlp.pipe(docs, batch_size=batch_size)

        def __getattr__(self, name):
            return getattr(nlp, name)

    counting = Counting()
    grouped = list(parse_selective(counting, texts))
    assert counting.sizes[:-1] and all(n >= CHUNK_BATCH for n in counting.sizes[:-1])
    assert sum(counting.sizes) == 300
    one_by_one = list(parse_selective(nlp, texts, batch_size=1))
    for a, b in zip(grouped, one_by_one, strict=True):
        assert _annotations(a) == _annotations(b)
        assert a.user_data[PARSED_KEY] == b.user_data[PARSED_KEY]
