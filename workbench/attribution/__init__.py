"""Attribution engine: who says each claim (source, cue, content) in a news article.

``Attributor`` parses articles with spaCy (imported lazily) and returns ``Attribution``
records with article offsets; ``assign_to_claims`` maps them onto claim spans, falling back
to the publisher's voice.
"""

from __future__ import annotations

from workbench.attribution.assign import assign_to_claims, publisher_attribution
from workbench.attribution.extract import Attributor

__all__ = ["Attributor", "assign_to_claims", "publisher_attribution"]
