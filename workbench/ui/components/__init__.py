"""Streamlit building blocks the pages share: cards, highlights, graphs, note editors."""

from __future__ import annotations
