"""Citation graph: which outlet (or article) cites which source, from stored attributions.

Why: corroboration is only as independent as the citation chains behind it; five outlets all
"according to NDTV" are one source. Edges come from two places:

- attributions: an article by outlet A whose claim says "according to NDTV" gives A -> NDTV
  (people and organizations quoted are sources too); a nested attribution ("Ariana News
  reports that the delegation described …") gives Ariana News -> the delegation;
- the article record's cited sources (``article.sources``): article outlet -> cited outlet,
  and "AFP via France 24" gives outlet -> France 24 -> AFP.

Outlet names are normalised through the outlet registry. An article with no known outlet is
its own node (kind "article"). Counts are distinct claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.compare.report import normalise_outlet

if TYPE_CHECKING:
    from workbench.api import Workbench

SOURCE_KINDS = ("outlet", "person", "organization")


@dataclass(slots=True)
class CitationGraph:
    """Nodes ``{id, label, kind, count}`` and edges ``{source, target, count, claim_ids}``."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "edges": self.edges}


class _Builder:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb
        self.nodes: dict[str, dict[str, Any]] = {}
        self.node_claims: dict[str, set[int]] = {}
        self.edges: dict[tuple[str, str], set[int]] = {}

    def node(self, label: str, kind: str, claim_id: int) -> str:
        if kind == "outlet":
            label = normalise_outlet(self.wb, label)[0] or label
        nid = f"{kind}:{label.casefold()}"
        self.nodes.setdefault(nid, {"id": nid, "label": label, "kind": kind})
        self.node_claims.setdefault(nid, set()).add(claim_id)
        return nid

    def edge(self, a: str, b: str, claim_id: int) -> None:
        if a != b:
            self.edges.setdefault((a, b), set()).add(claim_id)

    def graph(self) -> CitationGraph:
        nodes = [{**n, "count": len(self.node_claims[n["id"]])} for n in self.nodes.values()]
        edges = [
            {"source": a, "target": b, "count": len(ids), "claim_ids": sorted(ids)}
            for (a, b), ids in self.edges.items()
        ]
        nodes.sort(key=lambda n: (-n["count"], n["id"]))
        edges.sort(key=lambda e: (-e["count"], e["source"], e["target"]))
        return CitationGraph(nodes, edges)


def citation_graph(wb: Workbench, claim_ids: Sequence[int] | None = None) -> CitationGraph:
    """The graph over ``claim_ids`` (all stored claims when None)."""
    if claim_ids is None:
        claim_ids = wb.store.all_claim_ids().tolist()
    rows = wb.store.claims_by_ids(claim_ids)
    atts = wb.attributions(list(rows))
    b = _Builder(wb)
    articles: dict[str, Any] = {}
    for cid in sorted(rows):
        claim = rows[cid].claim
        art = articles.get(claim.article_id) or articles.setdefault(
            claim.article_id, wb.article(claim.article_id)
        )
        if art.outlet:
            home = b.node(art.outlet, "outlet", cid)
        else:
            home = b.node(art.title or art.id[:12], "article", cid)
        by_id = {a.id: a for a in atts[cid]}
        for a in atts[cid]:
            if a.source_type not in SOURCE_KINDS or not a.source:
                continue
            target = b.node(a.source, a.source_type, cid)
            parent = by_id.get(a.parent) if a.parent is not None else None
            if parent is not None and parent.source_type in SOURCE_KINDS and parent.source:
                b.edge(b.node(parent.source, parent.source_type, cid), target, cid)
            else:
                b.edge(home, target, cid)
        for s in art.sources:
            outlet, via = normalise_outlet(wb, s.outlet)
            if not outlet:
                continue
            target = b.node(outlet, "outlet", cid)
            if via:
                carrier = b.node(via, "outlet", cid)
                b.edge(home, carrier, cid)
                b.edge(carrier, target, cid)
            else:
                b.edge(home, target, cid)
    return b.graph()


def story_claims(
    wb: Workbench,
    claim_id: int | None = None,
    cluster_id: int | None = None,
    query: str | None = None,
    k: int = 20,
) -> list[int] | None:
    """Claim ids of one story: a claim's cluster, a cluster, or a query's matches (None: all)."""
    from workbench.compare.clusters import cluster_claims

    if claim_id is not None:
        return wb.cluster_members(int(claim_id))
    if cluster_id is not None:
        return cluster_claims(wb, int(cluster_id))
    if query:
        from workbench.compare.report import compare

        return compare(wb, query, k=k).claim_ids
    return None


def citations(
    wb: Workbench,
    claim_id: int | None = None,
    cluster_id: int | None = None,
    query: str | None = None,
    k: int = 20,
) -> CitationGraph:
    """The citation graph, filtered to one story (claim, cluster or text query) when given."""
    return citation_graph(wb, story_claims(wb, claim_id, cluster_id, query, k))
