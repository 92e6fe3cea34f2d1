"""Citation graph: attribution edges, cited-source edges, story filters, CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from workbench.compare.citations import citations
from workbench.records import ArticleDraft, CitedSource


def _edges(graph) -> dict[tuple[str, str], int]:
    labels = {n["id"]: n["label"] for n in graph.nodes}
    return {(labels[e["source"]], labels[e["target"]]): e["count"] for e in graph.edges}


def test_attribution_and_cited_source_edges(wb) -> None:
    r = wb.ingest_drafts(
        [
            ArticleDraft(
                text="According to NDTV, the talks collapsed after Pakistan admitted a drone agreement with "
                "the United States.",
                outlet="Dawn",
            ),
            ArticleDraft(
                text="Peace talks held in Istanbul between Afghanistan and Pakistan collapse.",
                outlet="Wikipedia (Portal:Current events)",
                sources=[CitedSource("Reuters"), CitedSource("AFP via France 24")],
            ),
        ]
    )
    graph = citations(wb)
    edges = _edges(graph)
    assert edges[("Dawn", "NDTV")] == 1
    assert edges[("Wikipedia (Portal:Current events)", "Reuters")] == 1
    assert edges[("Wikipedia (Portal:Current events)", "France 24")] == 1
    assert edges[("France 24", "Agence France-Presse")] == 1
    kinds = {n["label"]: n["kind"] for n in graph.nodes}
    assert kinds["NDTV"] == "outlet"
    # filtered to one claim: only that claim's edges
    ndtv_claim = wb.claims(r.results[0].article_id)[0].id
    one = _edges(citations(wb, claim_id=ndtv_claim))
    assert ("Dawn", "NDTV") in one
    assert not any(
        a == "Wikipedia (Portal:Current events)" for a, _ in one
    )  # the other article's edges
    assert json.loads(json.dumps(graph.to_dict()))["edges"][0]["claim_ids"]


def test_seed_graph_and_cli(seeded, monkeypatch) -> None:
    from workbench.cli import app

    graph = citations(seeded)
    targets = {n["label"] for n in graph.nodes}
    assert {"Ariana News", "NDTV"} <= targets
    monkeypatch.setenv("WORKBENCH_DATA", str(seeded.data_dir))
    out = CliRunner().invoke(app, ["citations", "--json"])
    assert out.exit_code == 0, out.output
    assert {n["label"] for n in json.loads(out.output)["nodes"]} == targets
    out = CliRunner().invoke(
        app, ["compare", "--json", "-k", "3", "Pakistan withdrew from the Istanbul talks"]
    )
    assert out.exit_code == 0, out.output
    assert "independent_sources" in json.loads(out.output)
