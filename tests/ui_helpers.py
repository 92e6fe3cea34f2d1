"""AppTest helpers shared by the app's test modules (tests/test_ui*.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def ok(at: AppTest) -> AppTest:
    """``at`` after asserting its last run raised nothing."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def page(at: AppTest, path: str, **params: str) -> AppTest:
    """Run the app once (registers st.navigation pages), then open ``path`` with ``params``;
    the run must raise nothing."""
    if not at._tree:
        at.run()
    at.switch_page(path)
    at.query_params.clear()
    at.query_params.update(params)
    return ok(at.run())
