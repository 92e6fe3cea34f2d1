"""Outlets and attribution engines of a :class:`~workbench.api.Workbench`: the outlet registry
(packaged list plus the data directory's additions), the names it gives, and the attribution
engines that match source names against it. A mixin on the one seam.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.attribution import Attributor
    from workbench.outlets.registry import OutletRegistry
    from workbench.outlets.semantic import SemanticOutlets


class OutletService:
    """The registry and attribution engines of one open data directory (``require`` and
    ``record``, for adding outlets, come from :class:`workbench.auth.acting.Acting`)."""

    data_dir: Path
    _attributor: Attributor | None
    _registry: OutletRegistry | None
    _semantic: SemanticOutlets | None

    def attributor(self) -> Attributor:
        """The attribution engine, matching source names against this directory's outlets."""
        if self._attributor is None:
            from workbench.attribution import Attributor

            self._attributor = Attributor(outlet_matcher=source_matcher(self.outlets()))
        return self._attributor

    def pattern_attributor(self, language: str | None) -> Any:
        """The cue-pattern attribution engine of a language other than English, or None
        when the language has no pattern file (``workbench/attribution/lang/``)."""
        from workbench.attribution.patterns import attributor_for

        return attributor_for(
            language, source_matcher(self.outlets()), self.semantic_outlets().match
        )

    def semantic_outlets(self) -> SemanticOutlets:
        """Outlet names matched by meaning across languages (multilingual e5). The names are
        embedded on first use, once per process (``semantic.name_vectors``), not through the
        store: attribution runs in an ingest worker thread, which must not write to it."""
        if getattr(self, "_semantic", None) is None:
            from workbench.outlets.semantic import SemanticOutlets
            from workbench.retrieval.multilingual import encode

            names = [(o.name, o.name) for o in self.outlets()]
            self._semantic = SemanticOutlets(names, encode)
        return self._semantic

    def outlets(self) -> OutletRegistry:
        """The outlet registry (packaged list plus this data directory's additions)."""
        if self._registry is None:
            from workbench.outlets.registry import OutletRegistry

            user = self.data_dir / "outlets.user.json"
            self._registry = OutletRegistry.load(user if user.exists() else None)
        return self._registry

    def canonical_outlet(self, name: str | None, url: str | None = None) -> str | None:
        """The registry's name for an outlet given by name (or, failing that, by URL domain).

        An unknown name is kept as given: the registry helps, it never drops data.
        """
        registry = self.outlets()
        if name:
            found = registry.match(name)
            return found.name if found is not None else name.strip()
        return self.outlet_for_url(url)

    def add_outlet(
        self,
        name: str,
        aliases: Sequence[str] = (),
        domains: Sequence[str] = (),
        country: str | None = None,
        language: str | None = None,
        kind: str | None = None,
    ) -> Any:
        """Add an outlet (or aliases/domains to a known one) and save it to this data directory."""
        self.require("outlets")
        registry = self.outlets()
        try:
            outlet = registry.add(
                name, aliases, country=country, language=language, kind=kind, domains=domains
            )
        except ValueError as exc:
            raise WorkbenchError(str(exc)) from exc
        registry.save_user(self.data_dir / "outlets.user.json")
        self._attributor = None  # its matcher must see the new names
        self._semantic = None
        self.record("outlet.add", f"outlet:{name}", None,
                    {"aliases": list(aliases), "domains": list(domains)})  # fmt: skip
        return outlet

    def import_outlets(self, path: str | Path) -> int:
        """Merge a user outlet file (JSON list, same schema as the packaged one) into this directory."""
        from workbench.outlets.registry import load_user_file

        try:
            entries = load_user_file(path)
        except ValueError as exc:
            raise WorkbenchError(str(exc)) from exc
        for e in entries:
            self.add_outlet(
                e["name"],
                e.get("aliases", []),
                e.get("domains", []),
                e.get("country"),
                e.get("language"),
                e.get("kind"),
            )
        return len(entries)

    def outlet_for_url(self, url: str | None) -> str | None:
        """The publisher named by an article URL's domain, when the registry knows it."""
        if not url:
            return None
        return _name(self.outlets().by_domain(url))


def source_matcher(registry: OutletRegistry) -> Callable[[str], str | None]:
    """A source name -> the canonical name of the outlet it names in ``registry``, or None
    (what the attribution engines match sources with, in this process or a worker)."""
    return lambda name: _name(registry.match(name))


def _name(outlet: Any) -> str | None:
    return getattr(outlet, "name", None) if outlet is not None else None
