"""Reproducible benchmarks of the workbench: ``python -m bench`` (see bench/README.md)."""
