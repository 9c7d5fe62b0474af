"""The static site: the app's framework pages written to files, with relative links.

One function, `build`, in named phases as mkdocs does: load → validate → render → write.
The result opens from disk, or from any static host, with search working without a server.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from craftpath.core.formats import canonical, load
from craftpath.core.formats.inputs import InputError
from craftpath.core.formats.paths import inside
from craftpath.core.lint import lint
from craftpath.core.model import Diagnostic, Framework

# Static files the site needs; vendored test-only assets (axe-core) and htmx (app only) stay out.
# Below this many pages a worker pool costs more than it saves.
PARALLEL_FROM_PAGES = 200
SITE_ASSETS = ("craftpath/craftpath.css", "craftpath/favicon.svg", "craftpath/search.js",
               "craftpath/compare.js")
CHUNK_PAGES = 24  # pages per task given to a worker

Progress = Callable[[int, int], None]  # (pages done, pages in all)


class BuildError(Exception):
    """The site cannot be built: unreadable input, lint errors (in `diagnostics`), bad target."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = diagnostics or []


@dataclass
class BuildReport:
    dest: Path
    pages: int = 0
    files: int = 0
    warnings: list[Diagnostic] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per phase


def build(source: Framework | str | Path, dest: str | Path,
          progress: Progress | None = None) -> BuildReport:
    """Write the site for `source` (a Framework, or a path craftpath reads) into `dest`;
    `progress`, when given, hears (pages done, pages in all) as rendering goes."""
    report = BuildReport(Path(dest))
    started = time.perf_counter()

    def phase_done(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        report.seconds[name] = now - started
        started = now

    framework, diagnostics = _load(source)
    phase_done("load")
    report.warnings = _validate(framework, diagnostics)
    _check_destination(report.dest)
    phase_done("validate")
    report.pages = _render(framework, report.dest, progress=progress)  # workers write them
    phase_done("render")
    report.files = report.pages + _write_shared(framework, report.dest)
    phase_done("write")
    return report


def _load(source: Framework | str | Path) -> tuple[Framework | None, list[Diagnostic]]:
    if isinstance(source, Framework):
        return source, []
    try:
        loaded = load([source])
    except InputError as error:
        raise BuildError(str(error)) from None
    return loaded.framework, loaded.diagnostics


def _validate(framework: Framework | None, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    found = lint(framework, diagnostics)
    errors = [d for d in found if d.is_error]
    if framework is None or errors:
        raise BuildError(f"{len(errors)} error(s) found by lint; no site was written", errors)
    return [d for d in found if d.severity.value == "warning"]


def _render(framework: Framework, dest: Path, workers: int | None = None,
            progress: Progress | None = None) -> int:
    """Render every page and write it under `dest`; returns how many. Imports Django only
    here, when building.

    Large sites are rendered by forked worker processes (one per core): pages are independent,
    and template rendering and level comparison are CPU-bound Python. Each worker writes the
    pages it renders, so no page text travels back to this process and writing runs in
    parallel too. Work goes out in small chunks, which spreads it evenly and lets `progress`
    hear how far it is.
    """
    from craftpath.present.pages import PageSet

    pages = PageSet(framework)
    specs = pages.page_specs()
    chunks = [specs[start:start + CHUNK_PAGES] for start in range(0, len(specs), CHUNK_PAGES)]
    workers = workers or _worker_count(len(specs))
    done = 0
    try:
        if workers > 1:
            # fork: the workers receive the page set as the initializer's arguments, inherited
            # with the process rather than pickled; each task then carries only page specs.
            with multiprocessing.get_context("fork").Pool(
                    workers, _start_worker, (pages, dest)) as pool:
                for count in pool.imap_unordered(_render_chunk, chunks):
                    done += count
                    if progress:
                        progress(done, len(specs))
            return done
        _start_worker(pages, dest)
        for chunk in chunks:
            done += _render_chunk(chunk)
            if progress:
                progress(done, len(specs))
        return done
    except OSError as error:
        raise BuildError(f"{dest}: cannot write the site ({error.strerror or error})") from None


def _worker_count(pages: int) -> int:
    if pages < PARALLEL_FROM_PAGES or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


# What a rendering process works on, set once per build by _start_worker (in each forked
# worker, or in this process when there are none).
_job: tuple | None = None


def _start_worker(pages, dest: Path) -> None:
    global _job
    _job = (pages, dest)


def _render_chunk(specs) -> int:
    from craftpath.present.pages import root_from
    from craftpath.present.render import Where, render

    pages, dest = _job
    for spec in specs:
        page = pages.make(spec)
        root = root_from(page.path)
        target = inside(dest, page.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(page, Where(root=root, static=f"{root}static/", app=False)),
                          encoding="utf-8")
    return len(specs)


def _check_destination(dest: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise BuildError(f"{dest}: exists and is not a folder")


def _write_shared(framework: Framework, dest: Path) -> int:
    """The files every page shares: the search index, the JSON export and the static assets."""
    from craftpath.present.pages import (
        JSON_EXPORT,
        SEARCH_INDEX,
        PageSet,
        search_index_script,
    )
    from craftpath.present.render import STATIC

    shared = {
        SEARCH_INDEX: search_index_script(PageSet(framework)),
        JSON_EXPORT: json.dumps(canonical.to_document(framework), indent=2,
                                ensure_ascii=False) + "\n",
    }
    try:
        (dest / "static" / "craftpath").mkdir(parents=True, exist_ok=True)
        for path, text in shared.items():
            (dest / path).write_text(text, encoding="utf-8")
        for asset in SITE_ASSETS:
            shutil.copyfile(STATIC / asset, dest / "static" / asset)
    except OSError as error:
        raise BuildError(f"{dest}: cannot write the site ({error.strerror or error})") from None
    return len(shared) + len(SITE_ASSETS)
