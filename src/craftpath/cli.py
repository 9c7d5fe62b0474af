"""The `craftpath` command: each subcommand calls one library function and turns library
errors into one clear line and an exit code (0 fine, 1 findings, 2 bad input or usage)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import config, console
from .core import lint as linting
from .core.compare import compare_levels, compare_versions
from .core.formats import Loaded, canonical, jtd, load, read_hints
from .core.formats.inputs import InputError
from .core.formats.report import tree_lines
from .core.lint import report
from .core.model import Family, Framework
from .core.sample import bundled_path, load_bundled
from .core.schema import canonical_schema
from .core.summary import summarise
from .web.serve import ServeError  # light: Django is imported only when a command needs it


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


# --- helpers shared by the commands ---------------------------------------------------------

def _colour(stream=sys.stdout) -> bool:
    return stream.isatty() and not config.given("NO_COLOR")


def _hints(args) -> dict[str, str]:
    """Hints from --hints FILE, then --hint KEY=VALUE flags, which win."""
    hints = read_hints(args.hints) if getattr(args, "hints", None) else {}
    for item in getattr(args, "hint", None) or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--hint {item!r}: expected KEY=VALUE")
        hints[key.strip()] = value.strip()
    return hints


def _load(args) -> Loaded:
    """The framework from PATH… (any format), or the bundled one when no path is given."""
    paths = getattr(args, "paths", None) or []
    hints = _hints(args)
    if not paths:
        return Loaded(load_bundled(), [], canonical.NAME, {str(bundled_path()): "bundled"})
    loaded = load(paths, getattr(args, "format", None), hints or None)
    if loaded.framework is None:
        errors = [d for d in loaded.diagnostics if d.is_error] or loaded.diagnostics
        first = errors[0] if errors else None
        raise UsageError(f"{first.source}: {first.message}" if first else "no framework read")
    return loaded


def _family(framework: Framework, name: str | None) -> Family:
    if name:
        family = framework.find_family(name)
        if family is None:
            known = ", ".join(f.slug for f in framework.families)
            raise UsageError(f"no family {name!r} (known: {known})")
        return family
    if len(framework.families) > 1:
        known = ", ".join(f.slug for f in framework.families)
        raise UsageError(f"the framework has several families; pick one with --family ({known})")
    return framework.families[0]


def _level(family: Family, query: str):
    level = family.find_level(query)
    if level is None:
        known = ", ".join(level.label for level in family.levels)
        raise UsageError(f"no level {query!r} in {family.name} (known: {known})")
    if level.missing:
        raise UsageError(f"{level.code} has no page in {family.name}: nothing to show")
    return level


def _progress_bar(label: str):
    """A one-line progress bar on a terminal's stderr (nothing when it is not a terminal)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        filled = round(30 * done / total) if total else 30
        end = "\n" if done >= total else ""
        print(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", end=end,
              file=sys.stderr, flush=True)
    return show


def _write(text: str, output: str | None) -> None:
    if output and output != "-":
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


# --- commands ---------------------------------------------------------------------------------

IMPORT_FINDINGS_SHOWN = 100  # lint findings `craftpath import` lists; the rest are counted


def cmd_import(args) -> int:
    loaded = _load(args)
    for file, reason in loaded.reasons.items():
        print(f"{file}: read as {loaded.reader_of(file)} ({reason})", file=sys.stderr)
    if loaded.report is not None:
        for line in loaded.report.summary_lines():
            print(line, file=sys.stderr)
        if args.report:
            _write(json.dumps(loaded.report.as_dict(), indent=1, ensure_ascii=False) + "\n",
                   args.report)
    if args.tree:
        if loaded.report is None or not loaded.report.files:
            raise UsageError(f"no document tree: the files were read by the {loaded.reader} "
                             "reader, which reads them whole")
        _write("\n".join(tree_lines(loaded.report)) + "\n", args.output)
        return 0
    sources = ", ".join(Path(file).name for file in loaded.reasons)
    header = (f"craftpath framework, canonical format {canonical.FORMAT_VERSION}.\n"
              f"Converted by `craftpath import` ({loaded.reader} reader) from: {sources}")
    _write(canonical.dumps(loaded.framework, header), args.output)
    findings = linting.lint(loaded.framework, loaded.diagnostics)
    if findings:  # a large file can have thousands: `craftpath lint` lists them all
        sys.stderr.write(report.as_text(findings, _colour(sys.stderr), IMPORT_FINDINGS_SHOWN))
    return 0


def cmd_summary(args) -> int:
    summary = summarise(_load(args).framework)
    _write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n" if args.json
           else console.summary_text(summary), None)
    return 0


def cmd_lint(args) -> int:
    if args.rules:
        for rule in linting.RULES:
            print(f"{rule.code} {rule.name} ({rule.severity.value})\n"
                  f"{_indent(rule.doc)}\n")
        return 0
    loaded = _load(args)
    config = linting.LintConfig(
        vague_words=tuple(w.strip() for w in args.vague_words.split(",") if w.strip())
        if args.vague_words is not None else linting.DEFAULT_VAGUE_WORDS,
        ignore=frozenset(code.strip().upper() for code in (args.ignore or "").split(",")
                         if code.strip()),
    )
    findings = linting.lint(loaded.framework, loaded.diagnostics, config)
    formatter = report.FORMATTERS[args.output_format]
    text = formatter(findings, _colour()) if args.output_format == "text" else formatter(findings)
    sys.stdout.write(text)
    return linting.exit_code(findings, args.strict)


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def cmd_show(args) -> int:
    framework = _load(args).framework
    family = _family(framework, args.family)
    paint = console.Painter(_colour())
    if args.level and args.area:
        raise UsageError("give --level or --area, not both")
    if args.level:
        text = console.level_text(family, _level(family, args.level), paint)
    elif args.area:
        area = family.find_area(args.area)
        if area is None:
            known = ", ".join(a.name for a in family.areas)
            raise UsageError(f"no area {args.area!r} in {family.name} (known: {known})")
        text = console.area_text(family, area, paint)
    else:
        text = console.overview_text(framework, family, paint)
    _write(text, None)
    return 0


def cmd_diff(args) -> int:
    family = _family(_load(args).framework, args.family)
    before = _level(family, args.from_level)
    if args.to_level:
        after = _level(family, args.to_level)
    else:
        after = family.next_level(before)
        if after is None:
            raise UsageError(f"{before.code} is the most senior level; give --to")
    comparison = compare_levels(family, before, after)
    _write(console.comparison_text(comparison, console.Painter(_colour())), None)
    return 0


def cmd_changes(args) -> int:
    old = _load_one(args.old, args)
    new = _load_one(args.new, args)
    changes = compare_versions(old, new)
    if not changes:
        raise UsageError("the two versions share no family (families are matched by slug)")
    _write(console.version_changes_text(changes, console.Painter(_colour())), None)
    return 0


def _load_one(path: str, args) -> Framework:
    args.paths = [path]
    return _load(args).framework


def cmd_export(args) -> int:
    framework = _load(args).framework
    if args.to == "jtd-markdown":
        written = jtd.write(framework, args.output)
        print(f"wrote {len(written)} pages under {args.output}", file=sys.stderr)
    elif args.to == "json":
        _write(canonical.dumps_json(framework), args.output)
    else:
        _write(canonical.dumps(framework), args.output)
    return 0


def cmd_match(args) -> int:
    from .core import match

    framework = _load(args).framework
    try:
        with open(args.input, encoding="utf-8") as lines:
            items = match.read_items(lines, framework, args.scope, args.input)
    except UnicodeDecodeError:
        raise UsageError(f"{args.input}: not UTF-8 text") from None
    except match.MatchError as error:
        raise UsageError(f"bad items, nothing matched:\n{error}") from None
    if args.top < 1:
        raise UsageError("--top must be 1 or more")
    links = _read_links(args.links, items) if args.links else {}
    embedder, why = match.load_embedder()
    made = []

    def make_matcher(family):
        made.append(match.matcher_for(family, embedder, fallback_reason=why))
        if links.get(family.slug):
            made[-1].learn(links[family.slug])
        return made[-1]

    results = match.match_items(items, args.scope, args.top, make_matcher)
    if made:
        print(f"craftpath match: {made[0].method}", file=sys.stderr)
        if links and made[0].embedder is None:
            print("craftpath match: past links not used: learning needs the embedding model",
                  file=sys.stderr)
    for result in results:
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(f"{result['id']}:")
            for s in result["suggestions"]:
                print(f"  {s['statement']}  {s['score']:.3f}  {s['why']}")
    return 0


def _read_links(path: str, items) -> dict:
    """The links of --links for the families the items are in (read as a stream); what was
    learned and every bad line, by number, goes to standard error."""
    from .core import match

    families = {item.family.slug: frozenset(s.id for cell in item.family.expectations
                                            for s in cell.statements) for item in items}
    try:
        with open(path, encoding="utf-8") as lines:
            links, report = match.read_links(lines, families, path)
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    print(f"craftpath match: {report.summary()}", file=sys.stderr)
    return links


def cmd_schema(args) -> int:
    _write(json.dumps(canonical_schema(), indent=2) + "\n", args.output)
    return 0


def _diagnostic_lines(diagnostics) -> None:
    for d in diagnostics:
        print(f"{d.source}: {d.severity.value} {d.code}: {d.message}", file=sys.stderr)


def cmd_serve(args) -> int:
    from .web.serve import serve

    serve(args.framework, host=args.host, port=args.port, data_dir=args.data_dir,
          threads=args.threads, worker=args.worker)
    return 0


def cmd_publish(args) -> int:
    from .web.frameworks.problems import PublishError
    from .web.serve import publish

    try:
        result = publish(args.path, data_dir=args.data_dir, note=args.note)
    except PublishError as error:
        _diagnostic_lines(error.diagnostics)
        raise UsageError(str(error)) from None
    _diagnostic_lines(result.warnings)
    if result.unchanged:
        print(f"version {result.version.label} ({result.version.content_hash[:12]}): already "
              "the active version; nothing was published")
        return 0
    state = "published" if result.created else "already published; made active"
    if result.created and result.version.commit:
        state += f" from commit {result.version.commit[:12]}"
    print(f"version {result.version.label} ({result.version.content_hash[:12]}): {state}")
    if result.told:
        print(f"told {result.told} people with an open check-in on another version")
    return 0


def cmd_sync(args) -> int:
    from .web.frameworks.problems import GitError, PublishError
    from .web.serve import sync

    try:
        synced = sync(args.data_dir, args.git_dir, args.file)
    except PublishError as error:
        _diagnostic_lines(error.diagnostics)
        if error.diagnostics:  # lint's errors: findings, as `lint` reports them
            print(f"craftpath: error: {error}", file=sys.stderr)
            return 1
        raise UsageError(str(error)) from None
    except GitError as error:  # not a working copy, git missing, no such file at HEAD
        raise UsageError(str(error)) from None
    commit = synced.commit.sha[:12]
    if synced.published is None:
        print(f"up to date: {synced.reason}")
        return 0
    _diagnostic_lines(synced.published.warnings)
    version = synced.published.version
    state = "published" if synced.published.created else "already published; made active"
    print(f"version {version.label} from commit {commit}: {state}")
    if synced.published.told:
        print(f"told {synced.published.told} people with an open check-in on another version")
    return 0


def cmd_build(args) -> int:
    from .site import BuildError, build

    try:
        built = build(args.path or bundled_path(), args.output, _progress_bar("rendering pages"))
    except BuildError as error:
        _diagnostic_lines(error.diagnostics)
        raise UsageError(str(error)) from None
    seconds = sum(built.seconds.values())
    print(f"wrote {built.pages} pages ({built.files} files) to {built.dest} in {seconds:.2f} s; "
          f"{len(built.warnings)} lint warning(s) (`craftpath lint` lists them)", file=sys.stderr)
    return 0


def cmd_docs(args) -> int:
    """Serve the documentation site with `mkdocs serve`; it lives beside the source, in the
    checkout (mkdocs.yml and docs/), not in an installed package."""
    import importlib.util
    import os

    site_config = Path(__file__).resolve().parents[2] / "mkdocs.yml"
    if not site_config.is_file():
        raise UsageError(f"no documentation here: {site_config} is missing (the docs come with a "
                         "checkout of craftpath, not with an installed package)")
    if importlib.util.find_spec("mkdocs") is None:
        raise UsageError("mkdocs is not installed: install the test extras "
                         "(pip install -e '.[test]') or pip install mkdocs mkdocs-material")
    print(f"the documentation: http://{args.host}:{args.port}/ (Ctrl-C stops it)",
          file=sys.stderr)
    sys.stderr.flush()
    # mkdocs takes this process's place, so stopping it (Ctrl-C, a signal) stops the server.
    os.execv(sys.executable, [sys.executable, "-m", "mkdocs", "serve", "--config-file",
                              str(site_config), "--dev-addr", f"{args.host}:{args.port}"])
    return 0  # not reached


def cmd_demo(args) -> int:
    from .web.accounts import operations
    from .web.accounts.problems import DemoError

    try:
        demo = operations.run_demo(data_dir=args.data_dir)
    except DemoError as error:
        raise UsageError(str(error)) from None
    print("\n".join(demo.lines()))
    return 0


def cmd_people_import(args) -> int:
    from .web.accounts import operations
    from .web.accounts.problems import DirectoryError

    try:
        report, invited = operations.import_directory(args.csv, args.dry_run,
                                                      data_dir=args.data_dir, invite=args.invite)
    except DirectoryError as error:
        for problem in error.problems:
            print(f"{args.csv}: {problem}", file=sys.stderr)
        raise UsageError(str(error)) from None
    print(report.summary())
    if invited is not None:
        print("\n".join(invited.lines()))
    return 0


def cmd_invite(args) -> int:
    from .web.accounts import operations

    if not args.emails and not args.pending:
        raise UsageError("say whom to invite: one or more emails, or --pending")
    invited, unknown = operations.invite(args.emails, args.pending, data_dir=args.data_dir)
    if unknown:
        raise UsageError(f"not in the directory: {', '.join(unknown)}; nothing was sent")
    print("\n".join(invited.lines()))
    return 0


def cmd_admin_create(args) -> int:
    from .web.accounts import operations

    email, link = operations.create_admin(args.email, args.name, data_dir=args.data_dir)
    if link:
        print(f"{email} is an admin. No mail server is set (CRAFTPATH_EMAIL_HOST), so give "
              f"them this one-time link to choose a password:\n{link}")
    else:
        print(f"{email} is an admin; an invitation to choose a password is on its way "
              "(`craftpath worker`, or `serve`, sends it)")
    return 0


def cmd_roles(args) -> int:
    from .web.accounts import operations

    held = operations.set_roles(args.email, args.add or [], args.remove or [],
                                data_dir=args.data_dir)
    print(f"{args.email}: {', '.join(held) or 'no roles'}")
    return 0


def cmd_worker(args) -> int:
    from .web.accounts import operations

    operations.run_worker(data_dir=args.data_dir, once=args.once)
    return 0


def cmd_people_export(args) -> int:
    from .web.accounts import operations

    _write(operations.export_directory(data_dir=args.data_dir), args.output)
    return 0


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return ""


def cmd_backup(args) -> int:
    from .web import backup
    from .web.serve import setup_django

    setup_django(args.data_dir)
    try:
        done = backup.backup(args.output)
    except backup.BackupError as error:
        raise UsageError(str(error)) from None
    print(f"backed up the {done.kind} database to {done.path} ({_size(done.size)}) in "
          f"{done.seconds:.1f} s")
    from .web.audit.trail import head

    seq, digest = head()
    print(f"audit trail head: entry {seq}, {digest} (keep it apart from the database; "
          f"`craftpath manage audit_verify --expect-head {seq}:{digest}` checks it later)")
    return 0


def cmd_restore(args) -> int:
    from .web import backup
    from .web.serve import setup_django

    setup_django(args.data_dir)
    try:
        done, trail = backup.restore_and_check(args.file)
    except backup.BackupError as error:
        raise UsageError(str(error)) from None
    print(f"restored {done.path} ({done.kind}) in {done.seconds:.1f} s")
    if not trail.intact:
        print("craftpath: warning: the restored audit trail does not verify: "
              + "; ".join(trail.problems[:3]), file=sys.stderr)
        return 1
    print(f"audit trail intact: {trail.checked} entries; head {trail.head_seq}:{trail.head_hash}")
    return 0


def cmd_manage(args) -> int:
    from .web.accounts import operations

    operations.manage(args.arguments, data_dir=args.data_dir)
    return 0


def cmd_token_create(args) -> int:
    from .web.api import operations
    from .web.api.errors import TokenError

    try:
        issued = operations.create_token(args.email, args.scope, args.expires, args.name,
                                         data_dir=args.data_dir)
    except TokenError as error:
        raise UsageError(str(error)) from None
    print(issued.secret)
    expiry = issued.token.expires_at.date().isoformat() if issued.token.expires_at else "never"
    print(f"{args.scope} token for {issued.token.owner.email}, expires {expiry}; shown once, "
          "keep it now", file=sys.stderr)
    return 0


# --- the parser -------------------------------------------------------------------------------

def _at_least_one(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, at least 1, got {text!r}")
    return int(text)


def _add_paths(parser, required=False, reader_flag="--format") -> None:
    parser.add_argument("paths", nargs="+" if required else "*", metavar="PATH",
                        help="framework pages (files or a folder) or a canonical file; "
                             "the bundled framework when omitted")
    parser.add_argument(reader_flag, dest="format", metavar="READER",
                        help="reader to use instead of detecting one")
    parser.add_argument("--hint", action="append", metavar="KEY=VALUE",
                        help="tell a reader what it would otherwise guess (repeatable)")
    parser.add_argument("--hints", metavar="FILE",
                        help="a YAML file of hints (`key: value` lines); --hint flags win")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="craftpath",
        description="Career frameworks kept as text: checked, compared and published.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("import", help="read a framework and write the canonical YAML")
    _add_paths(p, required=True)
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--report", metavar="FILE.json",
                   help="write the import report: every block of every file, imported or "
                        "left out and why, with character totals")
    p.add_argument("--tree", action="store_true",
                   help="print the document tree instead of the framework: every block of "
                        "every file with its line, kind and role (level, area, statement, or "
                        "left out and why)")
    p.set_defaults(func=cmd_import)

    p = commands.add_parser("summary", help="count families, levels, areas, statements…")
    _add_paths(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_summary)

    p = commands.add_parser("lint", help="check a framework and report its problems")
    _add_paths(p, reader_flag="--reader")
    p.add_argument("--format", dest="output_format", choices=sorted(report.FORMATTERS),
                   default="text", help="text (default), json or github annotations")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument("--ignore", metavar="CODES", help="comma-separated rule codes to skip")
    p.add_argument("--vague-words", metavar="WORDS",
                   help="comma-separated words for CP110 (default: "
                        f"{', '.join(linting.DEFAULT_VAGUE_WORDS)})")
    p.add_argument("--rules", action="store_true", help="list the rules with examples")
    p.set_defaults(func=cmd_lint)

    p = commands.add_parser("show", help="a level's expectations, or an area across levels")
    _add_paths(p)
    p.add_argument("--family", help="family slug or name (when there are several)")
    p.add_argument("--level", help='level by code, number or name ("Level 3", "3", "Senior")')
    p.add_argument("--area", help="area slug or name")
    p.set_defaults(func=cmd_show)

    p = commands.add_parser("diff", help="what changes from one level to another, per area")
    _add_paths(p)
    p.add_argument("--family", help="family slug or name (when there are several)")
    p.add_argument("--from", dest="from_level", required=True, metavar="LEVEL")
    p.add_argument("--to", dest="to_level", metavar="LEVEL",
                   help="default: the next level up")
    p.set_defaults(func=cmd_diff)

    p = commands.add_parser("changes", help="how statements map from one version to another")
    p.add_argument("old", metavar="OLD", help="the earlier version (pages or canonical file)")
    p.add_argument("new", metavar="NEW", help="the later version")
    p.set_defaults(func=cmd_changes)

    p = commands.add_parser("export", help="write the framework in another format")
    _add_paths(p)
    p.add_argument("--to", required=True, choices=["yaml", "json", "jtd-markdown"])
    p.add_argument("-o", "--output", required=True, metavar="DEST",
                   help="file (yaml, json; - for standard output) or folder (jtd-markdown)")
    p.set_defaults(func=cmd_export)

    p = commands.add_parser("match", help="suggest the statements pieces of evidence support")
    _add_paths(p, required=True)
    p.add_argument("--input", required=True, metavar="ITEMS.jsonl",
                   help='one JSON object per line: {"id", "text", "level", "family"}')
    p.add_argument("--scope", choices=("next", "family"), default="next",
                   help="next: the item's level and the next (default); family: every level")
    p.add_argument("--top", type=int, default=3, help="suggestions per item (default 3)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--links", metavar="LINKS.jsonl",
                   help='past links to learn from, one {"text", "statement"} per line '
                        '("rejected": true for a suggestion turned down)')
    p.set_defaults(func=cmd_match)

    p = commands.add_parser("schema", help="print the JSON Schema of the canonical format")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_schema)

    p = commands.add_parser("serve", help="start the web app (the bundled framework by default)")
    p.add_argument("--framework", metavar="PATH", help="publish this framework before serving")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    p.add_argument("--threads", type=_at_least_one, default=8, metavar="N",
                   help="requests served at the same time (8)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="folder for the SQLite file (default: $CRAFTPATH_DATA_DIR or ./data)")
    p.add_argument("--no-worker", dest="worker", action="store_false",
                   help="do not start `craftpath worker` beside the app (run it yourself)")
    p.set_defaults(func=cmd_serve)

    p = commands.add_parser("publish", help="lint a framework and store it as the active version")
    p.add_argument("path", metavar="PATH", help="framework pages (files or a folder) or a "
                                                "canonical file")
    p.add_argument("--note", default="", help="the change note (default: the message of the "
                                              "git commit the file is in, if any)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="folder for the SQLite file (default: $CRAFTPATH_DATA_DIR or ./data)")
    p.set_defaults(func=cmd_publish)

    p = commands.add_parser("sync", help="publish the framework file of a git working copy "
                                         "when its commit changed (for cron or CI)")
    p.add_argument("--git-dir", metavar="DIR",
                   help="the working copy (default: $CRAFTPATH_GIT_DIR)")
    p.add_argument("--file", metavar="PATH", help="the canonical file in it (default: "
                   "$CRAFTPATH_GIT_FILE or framework.yaml)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="folder for the SQLite file (default: $CRAFTPATH_DATA_DIR or ./data)")
    p.set_defaults(func=cmd_sync)

    p = commands.add_parser("build", help="write the framework as a static site")
    p.add_argument("path", nargs="?", metavar="PATH",
                   help="framework pages or a canonical file (default: the bundled framework)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write")
    p.set_defaults(func=cmd_build)

    p = commands.add_parser("docs", help="serve the documentation site (docs/) with mkdocs")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8001, help="port to listen on (8001)")
    p.set_defaults(func=cmd_docs)

    data_dir_help = "folder for the SQLite file (default: $CRAFTPATH_DATA_DIR or ./data)"
    p = commands.add_parser("demo", help="fill an empty directory with a demo organisation")
    p.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    p.set_defaults(func=cmd_demo)

    p = commands.add_parser("people", help="import or export the people directory (CSV)")
    people = p.add_subparsers(dest="people_command", required=True, metavar="ACTION")
    p = people.add_parser("import", help="check a directory CSV and import it")
    p.add_argument("csv", metavar="CSV", help="columns: email, name, manager_email, team, "
                                              "family, tracks, level, level_since")
    p.add_argument("--dry-run", action="store_true", help="report problems, change nothing")
    p.add_argument("--invite", action="store_true",
                   help="email the people it adds an invitation to choose a password")
    p.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    p.set_defaults(func=cmd_people_import)
    p = people.add_parser("export", help="write the directory as CSV")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    p.set_defaults(func=cmd_people_export)

    p = commands.add_parser("token", help="personal access tokens for the API")
    token = p.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    p = token.add_parser("create", help="make a token and print it (once)")
    p.add_argument("email", metavar="EMAIL", help="the person the token acts as")
    p.add_argument("--scope", required=True, choices=["read", "write", "admin", "scim"])
    p.add_argument("--expires", type=int, metavar="DAYS", help="days until it expires "
                                                               "(default: never)")
    p.add_argument("--name", default="", help="what it is for")
    p.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    p.set_defaults(func=cmd_token_create)

    p = commands.add_parser("invite", help="email people a one-time link to choose a password")
    p.add_argument("emails", nargs="*", metavar="EMAIL", help="people to invite")
    p.add_argument("--pending", action="store_true",
                   help="everyone without a usable password (and no valid invitation yet)")
    p.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    p.set_defaults(func=cmd_invite)

    p = commands.add_parser("admin", help="the first admin, without Django's createsuperuser")
    admin = p.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    p = admin.add_parser("create", help="add someone as an admin and invite them")
    p.add_argument("email", metavar="EMAIL", help="their sign-in address")
    p.add_argument("--name", default="", help="their name (default: the address's first part)")
    p.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    p.set_defaults(func=cmd_admin_create)

    p = commands.add_parser("roles", help="show, give or take a person's roles (the first "
                                          "people-team member is named here)")
    p.add_argument("email", metavar="EMAIL", help="the person's sign-in address")
    p.add_argument("--add", action="append", metavar="ROLE",
                   help="a role to give: engineer, manager, people, admin, editor (repeatable)")
    p.add_argument("--remove", action="append", metavar="ROLE",
                   help="a role to take away (repeatable)")
    p.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    p.set_defaults(func=cmd_roles)

    p = commands.add_parser("worker", help="send emails and reminders: the task queue and the "
                                           "schedule (serve starts one)")
    p.add_argument("--once", action="store_true",
                   help="run the schedule and every queued task once, then stop")
    p.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    p.set_defaults(func=cmd_worker)

    p = commands.add_parser("backup", help="copy the whole database to one file, while the "
                                           "app runs")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the backup file to write (a new file; never overwritten)")
    p.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    p.set_defaults(func=cmd_backup)

    p = commands.add_parser("restore", help="put a backup into an empty data folder or an "
                                            "empty database")
    p.add_argument("file", metavar="FILE", help="a file written by `craftpath backup`")
    p.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    p.set_defaults(func=cmd_restore)

    p = commands.add_parser("manage", help="run a Django management command "
                                           "(createsuperuser, check --deploy, …)")
    p.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    p.add_argument("arguments", nargs=argparse.REMAINDER, metavar="ARGS")
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, InputError, ServeError, config.ConfigError) as error:
        print(f"craftpath: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `craftpath show | head`
        sys.stderr.close()
        return 0
    except OSError as error:  # writing an output file or folder failed
        where = f"{error.filename}: " if error.filename else ""
        print(f"craftpath: error: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if not _refused_by_an_action(error):
            raise
        print(f"craftpath: error: {error}", file=sys.stderr)
        return 2


def _refused_by_an_action(error: Exception) -> bool:
    """An action's refusal (web/actions/errors.py), told by name so that commands which never
    touch the database do not import Django to catch it."""
    return any(kind.__name__ == "ActionError" and kind.__module__ == "craftpath.web.actions.errors"
               for kind in type(error).__mro__)


if __name__ == "__main__":
    sys.exit(main())
