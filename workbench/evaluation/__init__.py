"""Evaluation of workbench components against annotated corpora."""
