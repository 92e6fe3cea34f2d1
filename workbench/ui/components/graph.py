"""Graphviz DOT for citation pictures, with every label escaped (labels are untrusted text)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Fill colours readable with black text on both the light and the dark theme; the picture's
# background stays transparent and edges mid-grey, so nothing vanishes in dark mode.
FILLS = {
    "outlet": "#a5c8ff",
    "person": "#a8e6b4",
    "organization": "#d6bbff",
    "unnamed": "#ffd19a",
    "publisher": "#d9d9d9",
    "article": "#e8e8e8",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def dot_quote(text: object, limit: int = 60) -> str:
    """``text`` as a DOT double-quoted string: backslashes and quotes escaped, one line.

    Inside a quoted DOT string only ``\\`` and ``"`` are special (``\\n``, ``\\l`` … are
    escapes), so doubling backslashes first and escaping quotes keeps any text literal;
    angle brackets are harmless because this never emits HTML-like ``<…>`` labels.
    """
    s = _CONTROL.sub(" ", str(text))
    s = " ".join(s.split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def citation_dot(
    nodes: Iterable[tuple[str, str, str, bool]], edges: Iterable[tuple[str, str, str, bool]]
) -> str:
    """DOT for ``nodes`` (id, label, kind, emphasised) and ``edges`` (from id, to id, label, dashed)."""
    lines = [
        "digraph citations {",
        '  graph [rankdir=LR, bgcolor="transparent", pad=0.2, nodesep=0.3, ranksep=0.6];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11,'
        ' fontcolor="#111111", color="#777777"];',
        '  edge [color="#8a8a8a", fontcolor="#8a8a8a", fontname="Helvetica", fontsize=9];',
    ]
    seen: set[str] = set()
    for nid, label, kind, bold in nodes:
        if nid in seen:
            continue
        seen.add(nid)
        fill = FILLS.get(kind, FILLS["publisher"])
        extra = ", penwidth=2.5" if bold else ""
        lines.append(
            f'  {dot_quote(nid, 300)} [label={dot_quote(label)}, fillcolor="{fill}"{extra}];'
        )
    done: set[tuple[str, str]] = set()
    for a, b, label, dashed in edges:
        if (a, b) in done or a == b or a not in seen or b not in seen:
            continue
        done.add((a, b))
        style = ', style="dashed"' if dashed else ""
        lines.append(
            f"  {dot_quote(a, 300)} -> {dot_quote(b, 300)} [label={dot_quote(label, 30)}{style}];"
        )
    lines.append("}")
    return "\n".join(lines)


def graph_dot(graph: object, focus: set[str] | None = None, max_edges: int = 60) -> str:
    """DOT for a :class:`workbench.compare.citations.CitationGraph` (its ``max_edges`` heaviest edges)."""
    edges = list(getattr(graph, "edges", []))[:max_edges]
    used = {e["source"] for e in edges} | {e["target"] for e in edges}
    nodes = [
        (n["id"], f"{n['label']} ({n['count']})", n["kind"], n["id"] in (focus or set()))
        for n in getattr(graph, "nodes", [])
        if n["id"] in used or not edges
    ]
    return citation_dot(
        nodes, [(e["source"], e["target"], f"{e['count']} claim(s)", False) for e in edges]
    )
