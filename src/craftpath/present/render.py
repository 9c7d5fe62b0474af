"""Rendering pages to HTML with Django's template engine, the same way for app and static site.

A standalone Engine (not the project's TEMPLATES setting) is used so the static build needs no
database and no configured project, and so both outputs come from one code path.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine
from django.utils.safestring import mark_safe

from .pages import Page

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The stylesheet, icons and scripts are files the app serves too (web/static/, by WhiteNoise);
# pages read them by path, never by importing the web package.
STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
HTMX = "vendor/htmx-2.0.11/htmx.min.js"


@dataclass(frozen=True)
class Where:
    """Where a page is shown: the prefix for links and for static files, and by what."""

    root: str  # put in front of every site-relative link
    static: str  # put in front of every static file
    app: bool  # True in the running app (htmx, version notes, PDF links)
    version: str = ""  # the version label, when the app shows a version that is not active
    active_version: str = ""


def ensure_settings() -> None:
    """Give Django minimal settings when none are configured (the static build from the CLI):
    number formatting in templates reads them. No database, no apps."""
    if not settings.configured:
        settings.configure(USE_TZ=True, USE_I18N=False)


@lru_cache(maxsize=1)
def engine() -> Engine:
    ensure_settings()
    return Engine(dirs=[str(TEMPLATES)], autoescape=True, debug=False,
                  builtins=["craftpath.present.filters"],
                  loaders=[("django.template.loaders.cached.Loader",
                            ["django.template.loaders.filesystem.Loader"])])


# Where the app puts a signed-in person's header bar into a page kept for everyone (the bar
# holds their name, menu and a form token, so it is put in after the page is taken from cache).
SITE_BAR_SLOT = "<!--craftpath:site-bar-->"


def render(page: Page, where: Where, site_bar: str = "") -> str:
    """site_bar: the app's header bar as HTML (or SITE_BAR_SLOT), in place of the framework's
    own links; the static site passes none."""
    context = dict(page.context, root=where.root, static=where.static, app=where.app,
                   version=where.version, active_version=where.active_version, htmx=HTMX,
                   site_bar=mark_safe(site_bar))
    return engine().get_template(page.template).render(Context(context))


def render_template(template: str, where: Where, site_bar: str = "", **context) -> str:
    """A page that is not part of the framework's page set (404, messages)."""
    context.update(root=where.root, static=where.static, app=where.app, htmx=HTMX,
                   site_bar=mark_safe(site_bar))
    return engine().get_template(template).render(Context(context))
