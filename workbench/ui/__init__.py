"""The Streamlit app. Only this subpackage imports streamlit; pages call the library."""

from __future__ import annotations

from pathlib import Path


def app_path() -> Path:
    """The Streamlit entry script, resolved from the installed package."""
    return Path(__file__).resolve().parent / "app.py"
