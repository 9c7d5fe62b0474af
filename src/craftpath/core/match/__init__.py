"""The evidence assistant: for a piece of evidence, the statements of a family it most likely
supports, each with a reason. Local only; it suggests and never rates or links.

    matcher = matcher_for(family)            # embedding model when installed, else BM25
    matcher.suggest("Led the incident review", level="Senior", scope="next", top=3)
"""

from __future__ import annotations

from ..model import Family
from .embedding import Embedder, load_embedder
from .items import Item, match_items, read_items
from .learning import Learned, Link, LinkReport, parse_links, read_links
from .ranker import SCOPES, Matcher, MatchError, Query, Settings, Suggestion

__all__ = ["SCOPES", "Embedder", "Item", "Learned", "Link", "LinkReport", "Matcher", "MatchError",
           "Query", "Settings", "Suggestion", "load_embedder", "match_items", "matcher_for",
           "parse_links", "read_items", "read_links"]


def matcher_for(family: Family, embedder: Embedder | None = None,
                fallback_reason: str = "") -> Matcher:
    """A matcher for `family`: with `embedder` when given, else with the installed model when
    there is one, else lexical only (and `method` says why)."""
    if embedder is None and not fallback_reason:
        embedder, fallback_reason = load_embedder()
    return Matcher(family, embedder, fallback_reason=fallback_reason)
