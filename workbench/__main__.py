"""``python -m workbench`` runs the CLI."""

from __future__ import annotations

from workbench.cli import main

main()
