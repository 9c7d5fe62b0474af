"""Template filters for the framework pages (built into render.py's engine).

The word-level highlight is built here rather than with template loops because compare pages
hold hundreds of segments and the static build renders hundreds of compare pages.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from craftpath.core.text import unmark

register = template.Library()

MARKUP = {"added": "<ins>{}</ins>", "removed": "<del>{}</del>", "same": "{}"}


@register.filter
def highlight(segments) -> SafeString:
    """Word-diff segments as text with <ins> for new words and <del> for removed ones."""
    return mark_safe(" ".join(MARKUP[s.kind].format(escape(unmark(s.text))) for s in segments))


@register.filter(name="unmark")
def unmark_filter(text: str) -> str:
    """Statement text as people read it, without the `*` term marks."""
    return unmark(text or "")


@register.filter
def before_side(segments) -> SafeString:
    """The older wording of a rewording: shared words, and removed ones in <del>."""
    return mark_safe(" ".join(MARKUP[s.kind].format(escape(unmark(s.text)))
                              for s in segments if s.kind != "added"))


@register.filter
def after_side(segments) -> SafeString:
    """The newer wording of a rewording: shared words, and new ones in <ins>."""
    return mark_safe(" ".join(MARKUP[s.kind].format(escape(unmark(s.text)))
                              for s in segments if s.kind != "removed"))
