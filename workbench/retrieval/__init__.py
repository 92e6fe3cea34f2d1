"""Retrieval: embeddings, the vector index and its sizing policy, BM25, and search."""

from __future__ import annotations
