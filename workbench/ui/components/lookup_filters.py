"""Lookup filters shown as removable chips, their labels, and example queries.

Filter values live in session state under the widget keys (``lookup_outlet`` …), bound to the
URL by :func:`workbench.ui.common.bind_param`, so they hold while the filter panel is closed
and across pages; the chips on the page say which are active, so none applies silently.
Chip labels carry untrusted names (outlets, article titles): they are escaped Markdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

import streamlit as st

from workbench.ui import common
from workbench.ui.components import display
from workbench.ui.components.safe_md import escape_md

ANY = "Any"
# widget key -> (label, value meaning "no filter")
FILTER_KEYS: dict[str, tuple[str, Any]] = {
    "lookup_outlet": ("Outlet", ANY),
    "lookup_type": ("Source type", ANY),
    "lookup_from": ("From", None),
    "lookup_to": ("To", None),
    "lookup_min": ("Minimum score", 0.0),
    "lookup_lang": ("Language", ANY),
    "lookup_exclude": ("Leaving out", ""),
}
EXAMPLES = 3


def outlet_options(publishers: Sequence[str], cited: Sequence[str]) -> list[str]:
    """Publishing outlets, then outlets only cited by articles (Reuters behind a Wikipedia
    item), each once, case-insensitively."""
    seen = {p.casefold() for p in publishers}
    extra = sorted({c for c in cited if c.casefold() not in seen}, key=str.casefold)
    return [*publishers, *extra]


def outlet_label(value: str, publishers: frozenset[str]) -> str:
    """An outlet option as plain text: outlets only cited by articles say so."""
    return value if value == ANY or value in publishers else f"{value} (cited)"


def distinct_labels(arts: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Article id -> a label telling it apart (title or first words, outlet, date); labels that
    still collide get the id's first characters."""
    labels = {a["id"]: common.article_label(a) for a in arts}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    return {i: (f"{lab} [{i[:8]}]" if counts[lab] > 1 else lab) for i, lab in labels.items()}


def active(state: Mapping[str, Any], default_k: int) -> list[tuple[str, str]]:
    """(widget key, plain-text chip) of every filter that is set."""
    out = []
    for key, (label, empty) in FILTER_KEYS.items():
        value = state.get(key, empty)
        if value in (empty, None, "") or (key == "lookup_min" and not value):
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif key == "lookup_type":
            value = display.SOURCE_LABELS.get(value, value)
        elif key == "lookup_lang":
            value = display.language_name(value) or value
        elif key == "lookup_exclude":
            value = state.get("_lookup_exclude_label") or str(value)[:12]
        out.append((key, f"{label}: {value}"))
    return out


def clear(keys: Sequence[str]) -> None:
    """Button callback: reset these filters (the URL follows on the rerun)."""
    ss: MutableMapping[str, Any] = st.session_state
    for key in keys:
        empty = FILTER_KEYS[key][1]
        ss[key] = empty
        ss[f"_keep_{key}"] = empty


def chips(filters: Mapping[str, Any], default_k: int) -> None:
    """Active filters as removable chips plus *Clear all*; nothing when no filter is set."""
    ss = st.session_state
    ss["_lookup_exclude_label"] = filters.get("_exclude_label", "")
    on = active(ss, default_k)
    if not on:
        return
    with st.container(horizontal=True, key="lookup_chips"):
        st.caption("Active filters:")
        for key, text in on:
            st.button(
                escape_md(display.short(text, 60)),
                key=f"chip_{key}",
                icon=":material/close:",
                help="Remove this filter",
                on_click=clear,
                args=([key],),
            )
        st.button(
            "Clear all",
            key="chip_clear_all",
            type="tertiary",
            on_click=clear,
            args=([k for k, _ in on],),
        )


@st.cache_data(show_spinner=False, max_entries=4)
def example_queries(data: str, gen: common.Generation, n: int = EXAMPLES) -> list[str]:
    """Claims from the most recent articles of this data directory (one per article, of a
    readable length), to try on an empty Lookup page."""
    wb = common.workbench()
    out: list[str] = []
    for row in common.article_index(data, gen)[:50]:
        for claim in wb.claims(row["id"]):
            words = len(claim.text.split())
            if 6 <= words <= 30:
                out.append(" ".join(claim.text.split()))
                break
        if len(out) >= n:
            break
    return out
