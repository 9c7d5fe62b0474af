"""The framework kept as a canonical file in a git working copy, in step with the app.

Optional: `CRAFTPATH_GIT_DIR` names the working copy and `CRAFTPATH_GIT_FILE` the file in it
(default `framework.yaml`). Publishing from the browser writes the file there and commits it
(the editor as author, the change note as message); `craftpath sync` publishes the file at the
working copy's HEAD when that commit has not been published yet. Everything goes through the
`git` command, so hooks, signing and the user's configuration apply as they would by hand.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from craftpath import config

from .problems import GitError

__all__ = ["Commit", "GitError", "WorkingCopy", "commit_of", "configured"]


@dataclass(frozen=True)
class Commit:
    sha: str
    author_name: str
    author_email: str
    message: str


def _git(directory: Path, *args: str, env: dict | None = None, text_input: str = "") -> str:
    try:
        done = subprocess.run(["git", "-C", str(directory), *args], capture_output=True,
                              text=True, input=text_input or None, timeout=60,
                              env=config.child_environment(**(env or {})))
    except FileNotFoundError:
        raise GitError("the `git` command is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} in {directory} took longer than a minute") from None
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise GitError(f"git {args[0]} failed in {directory}: "
                       f"{reason[-1] if reason else f'exit {done.returncode}'}")
    return done.stdout


def _commit(directory: Path, ref: str) -> Commit:
    sha, name, email, message = _git(directory, "log", "-1", "--format=%H%x00%an%x00%ae%x00%B",
                                     ref).split("\0", 3)
    return Commit(sha.strip(), name, email, message.strip())


@dataclass(frozen=True)
class WorkingCopy:
    directory: Path
    file: str  # the path of the canonical file inside the working copy

    @property
    def path(self) -> Path:
        return self.directory / self.file

    def head(self) -> Commit:
        return _commit(self.directory, "HEAD")

    def text_at_head(self) -> str:
        return _git(self.directory, "show", f"HEAD:{self.file}")

    def has_uncommitted_changes(self) -> bool:
        return bool(_git(self.directory, "status", "--porcelain", "--", self.file).strip())

    def commit_file(self, text: str, message: str, author_name: str, author_email: str) -> str:
        """Write `text` to the file and commit it; returns the new commit's sha."""
        if self.has_uncommitted_changes():
            raise GitError(f"{self.path} has changes that are not committed; commit or undo "
                           "them in the working copy first")
        tracked = bool(_git(self.directory, "ls-files", "--", self.file).strip())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(text, encoding="utf-8")
        try:
            _git(self.directory, "add", "--", self.file)
            # The app commits; the editor is the author. A working copy with no identity of
            # its own still gets a committer this way.
            _git(self.directory, "commit", "--quiet", f"--author={author_name} <{author_email}>",
                 "--file=-", "--", self.file,
                 env={"GIT_COMMITTER_NAME": "craftpath",
                      "GIT_COMMITTER_EMAIL": settings.DEFAULT_FROM_EMAIL},
                 text_input=message + "\n")
        except GitError:
            # Leave the working copy as it was: the file back to HEAD's, nothing staged.
            if tracked:
                _git(self.directory, "checkout", "HEAD", "--", self.file)
            else:
                _git(self.directory, "reset", "--quiet", "--", self.file)
                self.path.unlink(missing_ok=True)
            raise
        return self.head().sha


def configured() -> WorkingCopy | None:
    directory = getattr(settings, "FRAMEWORK_GIT_DIR", "")
    if not directory:
        return None
    directory = Path(directory)
    if not directory.is_dir():
        raise GitError(f"CRAFTPATH_GIT_DIR={directory} is not a folder")
    top = Path(_git(directory, "rev-parse", "--show-toplevel").strip())
    # The file is named from the folder given, which may be inside the working copy.
    file = (directory.resolve() / getattr(settings, "FRAMEWORK_GIT_FILE", "framework.yaml"))
    try:
        inside = file.resolve().relative_to(top.resolve())
    except ValueError:
        raise GitError(f"{file} is outside the working copy {top}") from None
    return WorkingCopy(top, inside.as_posix())


def commit_of(path: str | Path) -> Commit | None:
    """The commit a framework file or folder comes from, when it is in a git working copy,
    tracked and unchanged since HEAD; None otherwise (not in git, or edited since)."""
    path = Path(path).resolve()
    directory = path if path.is_dir() else path.parent
    try:
        _git(directory, "rev-parse", "--show-toplevel")
        if not _git(directory, "ls-files", "--", str(path)).strip():
            return None
        if _git(directory, "status", "--porcelain", "--", str(path)).strip():
            return None
        return _commit(directory, "HEAD")
    except GitError:
        return None
