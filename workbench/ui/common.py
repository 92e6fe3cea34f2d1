"""What every page shares: the cached Workbench, feature detection, URL-bound widgets, links.

The Workbench (model + index) is opened once per process and data directory with
``st.cache_resource``. In the embedded default every browser session uses it as it is; in team
mode each browser session gets its own view of it (:meth:`Workbench.session`: its own store
connection and signed-in user, the same model and index), closed when the session has ended.
Pure, cheap-to-key data (the article list, outlets, example queries) uses ``st.cache_data``
keyed by :func:`generation`, which changes with every ingest or delete, so the caches never
serve a list from before an ingest.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from workbench.api import Workbench
from workbench.settings import Settings

# Page scripts, relative to app.py (st.page_link / st.switch_page / AppTest.switch_page).
LOOKUP = "views/lookup.py"
ARTICLE = "views/article.py"
COMPARE = "views/compare.py"
SOURCES = "views/sources.py"
INGEST = "views/ingest.py"
NOTES = "views/notes.py"
ADMIN = "views/admin.py"


def data_dir() -> str:
    """The data directory this process serves (``WORKBENCH_DATA`` or the default)."""
    return str(Settings.from_env().data)


TOKEN_KEY = "wb_session_token"  # this browser session's sign-in token (team mode)
VIEW_KEY = "_wb_session_view"  # this browser session's Workbench view (team mode)
MAX_VIEWS = 64  # open session views per process; the least recently used beyond it close


@st.cache_resource(show_spinner="Loading the model and index…")
def _open(data: str) -> Workbench:
    # token="": the process acts as nobody; each browser session signs in on its own view
    wb = Workbench.open(data, token="")
    wb.embedder.encode_query("warm up")  # load the model now, not on the first lookup
    _ = wb.index  # and the index
    return wb


@st.cache_resource
def _lock(data: str) -> threading.Lock:
    return threading.Lock()


class SessionViews:
    """The open session views of one process: a view whose browser session has ended is
    closed (with its database connection) when the next one opens, and at most
    :data:`MAX_VIEWS` stay open (the least recently used close first; its session reopens one
    on its next run)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[int, tuple[str, float, Workbench]] = {}

    def add(self, session_id: str, view: Workbench) -> None:
        with self._lock:
            self._prune()
            self._open[id(view)] = (session_id, time.monotonic(), view)
            while len(self._open) > MAX_VIEWS:
                oldest = min(self._open, key=lambda k: self._open[k][1])
                self._open.pop(oldest)[2].close()

    def touch(self, view: Workbench) -> None:
        entry = self._open.get(id(view))
        if entry is not None:
            self._open[id(view)] = (entry[0], time.monotonic(), view)

    def __len__(self) -> int:
        return len(self._open)

    def discard(self, view: Workbench) -> None:
        """Close ``view`` (its session is replacing it)."""
        with self._lock:
            self._open.pop(id(view), None)
        view.close()

    def _prune(self) -> None:
        from streamlit.runtime import Runtime

        alive = Runtime.instance().is_active_session if Runtime.exists() else None
        for key, (session_id, _, view) in list(self._open.items()):
            if getattr(view, "closed", False) or (alive is not None and not alive(session_id)):
                self._open.pop(key)[2].close()


@st.cache_resource
def _views(data: str) -> SessionViews:
    return SessionViews()


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def workbench() -> Workbench:
    """The Workbench of this browser session: the process's own in the embedded default; in
    team mode this session's view of it, acting as the session's signed-in user (or nobody)."""
    base = _open(data_dir())
    if not base.team_mode:
        return base
    ss = st.session_state
    view = ss.get(VIEW_KEY)
    views = _views(data_dir())
    if view is None or view.closed or view.base is not base:
        if view is not None:  # a reload replaced the process's workbench: this one is stale
            views.discard(view)
        view = base.session()
        ss[VIEW_KEY] = view
        views.add(_session_id(), view)
    else:
        views.touch(view)
    view.act_for(ss.get(TOKEN_KEY))
    return view


def store_lock() -> threading.Lock:
    """The process's write lock alone (see :func:`write_lock`)."""
    return _lock(data_dir())


@contextmanager
def write_lock() -> Iterator[None]:
    """Serialises writes (ingest, notes, outlet edits) from this process's sessions: they change
    the process's shared index and caches. In team mode the writes run on this session's own
    view, as its signed-in user (nobody when signed out)."""
    with _lock(data_dir()):
        workbench()  # brings this session's view up to its current sign-in
        yield


def reload_workbench() -> None:
    """Drop the cached Workbench so the next run reopens (and repairs) the data directory; each
    session replaces its view of the old one on its next run."""
    _open.clear()
    st.cache_data.clear()


Generation = tuple[Any, ...]


def generation(wb: Workbench, stats: dict[str, Any] | None = None) -> Generation:
    """A key that changes whenever the data directory's content does (ingest, delete, rebuild):
    the store's counts plus the index manifest's size and build time."""
    stats = stats if stats is not None else wb.stats()
    return (stats["articles"], stats["claims"], stats["attributions"], stats["outlets"],
            stats["index_count"], stats["index_built"])  # fmt: skip


FIRST_WORDS = 8


@st.cache_data(show_spinner=False, max_entries=4)
def article_index(data: str, gen: Generation) -> list[dict[str, Any]]:
    """id, title (else the first words), outlet and date of every article, most recent first
    (undated last); ``gen`` (:func:`generation`) keys the cache so an ingest refreshes it."""
    wb = _open(data)
    rows = [
        {
            "id": a.id,
            "title": a.title or "",
            "words": " ".join(a.text.split()[:FIRST_WORDS]),
            "outlet": a.outlet or "",
            "date": (a.date or "")[:10],
            "ingested": a.ingested_at or "",
        }
        for a in wb.articles()
    ]
    rows.sort(key=lambda r: (r["date"], r["ingested"]), reverse=True)
    return [r for r in rows if r["date"]] + [r for r in rows if not r["date"]]


def articles_meta(wb: Workbench, gen: Generation | None = None) -> list[dict[str, Any]]:
    return article_index(str(wb.data_dir), gen or generation(wb))


@st.cache_data(show_spinner=False, max_entries=4)
def outlet_lists(data: str, gen: Generation) -> tuple[list[str], list[str], list[str]]:
    """(publishing outlets, cited outlets, claim languages) for the filters, cached per generation."""
    wb = _open(data)
    publishers = sorted({a["outlet"] for a in article_index(data, gen) if a["outlet"]},
                        key=str.casefold)  # fmt: skip
    return publishers, list(wb.cited_outlets()), [c for c in wb.languages() if c]


def article_label(row: dict[str, Any], n: int = 70) -> str:
    """A plain-text label that tells articles apart: title (else first words), outlet, date."""
    head = row["title"] or (row["words"] + "…" if row["words"] else row["id"][:12])
    return f"{display_short(head, n)} — {row['outlet'] or 'unknown outlet'}, {row['date'] or 'undated'}"


def display_short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def bind_param(
    key: str,
    param: str,
    parse: Callable[[str], Any] = str,
    default: Any = None,
) -> None:
    """Seed widget ``key`` from the URL's ``?param=`` when the URL changed (or on first use).

    Call before the widget; call :func:`to_url` after it. A widget's value also survives page
    switches (Streamlit drops state of widgets that are not drawn).
    """
    raw = st.query_params.get(param)
    seen = f"_url_{key}"
    # The URL wins whenever it changed or the widget's state was dropped (a page switch):
    # a deep link must show what it names, not what this session last looked at.
    if raw is not None and (st.session_state.get(seen) != raw or key not in st.session_state):
        st.session_state[seen] = raw
        try:
            st.session_state[key] = parse(raw)
        except (TypeError, ValueError):
            st.session_state[key] = default
    elif key not in st.session_state:
        st.session_state[key] = st.session_state.get(f"_keep_{key}", default)


def to_url(key: str, param: str, value: Any, serialise: Callable[[Any], str] = str) -> None:
    """Mirror a widget value into the URL (removed when empty) so the view can be shared."""
    st.session_state[f"_keep_{key}"] = st.session_state.get(key, value)
    if value in (None, "", [], 0.0) or value is False:
        if param in st.query_params:
            del st.query_params[param]
        st.session_state[f"_url_{key}"] = None
        return
    raw = serialise(value)
    st.session_state[f"_url_{key}"] = raw
    if st.query_params.get(param) != raw:
        st.query_params[param] = raw


def claim_links(claim_id: int) -> None:
    """Links from a claim to its place in its article and to its cross-source comparison."""
    left, right = st.columns(2)
    with left:
        st.page_link(
            ARTICLE,
            label="Open in article",
            icon=":material/article:",
            query_params={"claim": str(claim_id)},
        )
    with right:
        st.page_link(
            COMPARE,
            label="Compare sources",
            icon=":material/compare_arrows:",
            query_params={"claim": str(claim_id)},
        )


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"
