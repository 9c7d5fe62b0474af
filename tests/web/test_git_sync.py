"""The framework kept in git: real repositories made with the `git` command. Publishing a
draft commits the canonical file (the editor as author, the change note as message);
`craftpath publish` from a working copy records its commit; `craftpath sync` publishes a new
commit once and refuses lint's errors."""

import os
import subprocess
import sys

import pytest

from craftpath.core import edit
from craftpath.core.formats import canonical
from craftpath.web.accounts.models import Role, User
from craftpath.web.frameworks import drafts, releasing
from craftpath.web.frameworks.models import FrameworkVersion
from craftpath.web.frameworks.problems import GitError, PublishError
from craftpath.web.frameworks.publishing import framework_of, publish_path

from .conftest import FAMILY
from .helpers import reworded, with_duplicate_statement_id


def git(directory, *args) -> str:
    return subprocess.run(["git", "-C", str(directory), *args], check=True,
                          capture_output=True, text=True).stdout.strip()


def commit_file(directory, text, message, author="Gil Git <gil@example.com>"):
    (directory / "framework.yaml").write_text(text, encoding="utf-8")
    git(directory, "add", "framework.yaml")
    git(directory, "commit", "-q", "-m", message, f"--author={author}")
    return git(directory, "rev-parse", "HEAD")


@pytest.fixture
def working_copy(tmp_path, seed_framework):
    """A repository whose framework.yaml holds the seed framework, in one commit."""
    directory = tmp_path / "framework-repo"
    directory.mkdir()
    git(directory, "init", "-q", "-b", "main")
    git(directory, "config", "user.name", "Repo Owner")
    git(directory, "config", "user.email", "owner@example.com")
    commit_file(directory, canonical.dumps(seed_framework), "Initial framework")
    return directory


@pytest.fixture
def kept_in_git(settings, working_copy, db):
    settings.FRAMEWORK_GIT_DIR = str(working_copy)
    settings.FRAMEWORK_GIT_FILE = "framework.yaml"
    return working_copy


@pytest.fixture
def editor(db):
    person = User.objects.create_user("eda@example.com", name="Eda Editor")
    person.grant(Role.EDITOR)
    return person


def reworded_draft(editor, text="I use my team's ML tools well."):
    draft = drafts.open_draft(editor)
    drafts.apply(draft, draft.revision, {}, lambda f: edit.reword_statement(
        f, FAMILY, "ml-ops.level-5.1", text), editor)
    return draft


def test_publishing_from_a_working_copy_records_the_commit(working_copy, db):
    head = git(working_copy, "rev-parse", "HEAD")
    version = publish_path(working_copy / "framework.yaml").version
    assert (version.commit, version.author_name, version.author_email, version.note,
            version.origin) == (head, "Gil Git", "gil@example.com", "Initial framework",
                                "command line")
    (working_copy / "framework.yaml").write_text(
        canonical.dumps(reworded(framework_of(version))), encoding="utf-8")
    edited = publish_path(working_copy / "framework.yaml").version
    assert edited.commit == ""  # not committed: no commit to name


def test_publishing_a_draft_commits_the_file(kept_in_git, editor):
    first = publish_path(kept_in_git / "framework.yaml").version
    before = git(kept_in_git, "rev-parse", "HEAD")
    published = releasing.publish_draft(reworded_draft(editor), "Plainer ML Ops wording.\n\n"
                                        "Asked for by the ML chapter.", editor)
    version = published.version
    head = git(kept_in_git, "rev-parse", "HEAD")
    assert head != before and version.commit == head
    assert git(kept_in_git, "log", "-1", "--format=%an <%ae>|%cn|%B") == \
        "Eda Editor <eda@example.com>|craftpath|Plainer ML Ops wording.\n\n" \
        "Asked for by the ML chapter."
    committed, _ = canonical.read_text(_text_file(git(kept_in_git, "show", "HEAD:framework.yaml")))
    assert committed == framework_of(version) != framework_of(first)
    assert git(kept_in_git, "status", "--porcelain") == ""
    assert releasing.sync().published is None  # that commit is published already


def _text_file(text):
    from pathlib import Path

    from craftpath.core.formats.inputs import TextFile

    return TextFile(Path("framework.yaml"), text + "\n")


def test_a_draft_is_refused_when_git_has_changes_not_yet_synced(kept_in_git, editor):
    publish_path(kept_in_git / "framework.yaml")
    draft = reworded_draft(editor)
    commit_file(kept_in_git, canonical.dumps(reworded(framework_of(draft.base), "Changed in "
                                                      "git.")), "Edit in git")
    head = git(kept_in_git, "rev-parse", "HEAD")
    with pytest.raises(drafts.DraftError, match="changed in git and not synced"):
        releasing.publish_draft(draft, "note", editor)
    assert git(kept_in_git, "rev-parse", "HEAD") == head
    assert FrameworkVersion.objects.count() == 1


def test_uncommitted_changes_in_the_working_copy_refuse_and_are_left_alone(kept_in_git,
                                                                           editor):
    publish_path(kept_in_git / "framework.yaml")
    draft = reworded_draft(editor)
    with (kept_in_git / "framework.yaml").open("a", encoding="utf-8") as file:
        file.write("# someone's local edit\n")
    with pytest.raises(GitError, match="not committed"):
        releasing.publish_draft(draft, "note", editor)
    assert (kept_in_git / "framework.yaml").read_text().endswith("# someone's local edit\n")
    assert FrameworkVersion.objects.count() == 1


def test_a_new_file_is_created_in_a_working_copy_without_one(tmp_path, settings, editor,
                                                             published_seed):
    directory = tmp_path / "empty-repo"
    directory.mkdir()
    git(directory, "init", "-q", "-b", "main")
    (directory / "README.md").write_text("Our framework.\n")
    git(directory, "add", "README.md")
    git(directory, "-c", "user.name=x", "-c", "user.email=x@example.com", "commit", "-q",
        "-m", "Start")
    settings.FRAMEWORK_GIT_DIR, settings.FRAMEWORK_GIT_FILE = str(directory), "career/fw.yaml"
    version = releasing.publish_draft(reworded_draft(editor), "First in git.", editor).version
    assert git(directory, "log", "-1", "--format=%s", "--", "career/fw.yaml") == "First in git."
    assert version.commit == git(directory, "rev-parse", "HEAD")


def test_sync_publishes_a_new_commit_once(kept_in_git, seed_framework):
    first = releasing.sync()
    assert first.published.created and first.published.version.commit == first.commit.sha
    assert first.published.version.origin == "git sync"
    assert releasing.sync().published is None
    sha = commit_file(kept_in_git, canonical.dumps(reworded(seed_framework)),
                      "Reword the first statement", "Ana Author <ana@example.com>")
    synced = releasing.sync()
    version = synced.published.version
    assert (version.commit, version.author_name, version.note, version.is_active) == \
        (sha, "Ana Author", "Reword the first statement", True)
    again = releasing.sync()
    assert again.published is None and "published already" in again.reason


def test_sync_refuses_lint_errors_and_stores_nothing(kept_in_git, seed_framework):
    releasing.sync()
    commit_file(kept_in_git, canonical.dumps(with_duplicate_statement_id(seed_framework)),
                "Oops")
    with pytest.raises(PublishError) as refused:
        releasing.sync()
    assert [d.code for d in refused.value.diagnostics] == ["CP111"]
    assert FrameworkVersion.objects.count() == 1


def test_sync_without_a_working_copy_says_what_to_set(settings, db):
    settings.FRAMEWORK_GIT_DIR = ""
    with pytest.raises(PublishError, match="CRAFTPATH_GIT_DIR"):
        releasing.sync()


# --- the command ------------------------------------------------------------------------------

def craftpath(*args, **env):
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")} | env
    return subprocess.run([sys.executable, "-m", "craftpath.cli", *args], capture_output=True,
                          text=True, env=environment, timeout=120)


@pytest.mark.subprocess
def test_the_sync_command(working_copy, tmp_path, seed_framework):
    data = str(tmp_path / "data")
    done = craftpath("sync", "--git-dir", str(working_copy), "--data-dir", data)
    head = git(working_copy, "rev-parse", "HEAD")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"version v1 from commit {head[:12]}: published"
    again = craftpath("sync", "--data-dir", data, CRAFTPATH_GIT_DIR=str(working_copy))
    assert again.returncode == 0 and again.stdout.startswith("up to date: commit")
    commit_file(working_copy, canonical.dumps(with_duplicate_statement_id(seed_framework)),
                "Oops")
    refused = craftpath("sync", "--git-dir", str(working_copy), "--data-dir", data)
    assert refused.returncode == 1
    assert "error CP111" in refused.stderr and "nothing was published" in refused.stderr
    elsewhere = craftpath("sync", "--git-dir", str(tmp_path), "--data-dir", data)
    assert elsewhere.returncode == 2
    assert elsewhere.stderr.startswith("craftpath: error: git rev-parse failed in")
    assert len(elsewhere.stderr.strip().splitlines()) == 1


@pytest.mark.subprocess
def test_the_publish_command_from_a_working_copy_shows_the_commit(working_copy, tmp_path):
    done = craftpath("publish", str(working_copy / "framework.yaml"), "--data-dir",
                     str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    head = git(working_copy, "rev-parse", "HEAD")
    assert done.stdout.strip().endswith(f"published from commit {head[:12]}")
    shown = craftpath("sync", "--git-dir", str(working_copy), "--data-dir",
                      str(tmp_path / "data"))
    assert "published already" in shown.stdout  # publish recorded the commit


def test_the_file_is_named_from_the_folder_given(tmp_path, settings, seed_framework, db):
    directory = tmp_path / "repo"
    (directory / "career").mkdir(parents=True)
    git(directory, "init", "-q", "-b", "main")
    (directory / "career" / "fw.yaml").write_text(canonical.dumps(seed_framework))
    git(directory, "add", ".")
    git(directory, "-c", "user.name=x", "-c", "user.email=x@example.com", "commit", "-q",
        "-m", "Framework in a subfolder")
    settings.FRAMEWORK_GIT_DIR, settings.FRAMEWORK_GIT_FILE = str(directory / "career"), \
        "fw.yaml"
    synced = releasing.sync()
    assert synced.published.version.note == "Framework in a subfolder"
    settings.FRAMEWORK_GIT_FILE = "../../elsewhere.yaml"
    with pytest.raises(GitError, match="outside the working copy"):
        releasing.sync()


def test_the_bundled_framework_is_not_credited_to_a_commit(db):
    from craftpath.core.sample import bundled_path

    version = publish_path(bundled_path()).version
    assert (version.commit, version.note, version.origin) == ("", "", "command line")


def test_sync_tells_people_with_an_open_checkin(kept_in_git, small_org, seed_framework):
    from craftpath.web.notifications.models import Kind, Notification

    from .checkin_helpers import start_for

    start_for(small_org.ian)
    assert releasing.sync().published is None  # the file is the seed, published already
    commit_file(kept_in_git, canonical.dumps(reworded(seed_framework)), "Reword ML Ops")
    synced = releasing.sync()
    assert synced.published.told == 1
    [told] = Notification.objects.filter(kind=Kind.VERSION_PUBLISHED)
    assert told.recipient == small_org.ian and "Reword ML Ops" in told.body


def test_sync_goes_through_the_publish_action_and_is_audited(kept_in_git, seed_framework):
    from craftpath.web.actions import OPERATOR, frameworks
    from craftpath.web.audit.models import Event

    publish_path(kept_in_git / "framework.yaml")
    head = commit_file(kept_in_git, canonical.dumps(reworded(seed_framework)), "Reword ML Ops")
    synced = frameworks.sync(OPERATOR)
    version = synced.published.version
    assert (version.commit, version.note) == (head, "Reword ML Ops")
    [entry] = Event.objects.filter(target=f"framework version {version.label}")
    assert entry.actor_pk is None and "from the git sync" in entry.detail
    assert frameworks.sync(OPERATOR).published is None
    assert Event.objects.filter(target__startswith="framework version").count() == 1


def test_publishing_from_the_import_page_commits_to_the_working_copy(kept_in_git, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    publish_path(kept_in_git / "framework.yaml")
    admin = User.objects.create_user("ada@example.com", name="Ada Admin")
    admin.grant(Role.ADMIN)
    client.force_login(admin)
    ladder = ("# Engineering\n## Junior\n### Craft\n- writes code\n## Senior\n### Craft\n"
              "- designs systems\n")
    client.post("/import/", {"action": "upload", "files": [
        SimpleUploadedFile("ladder.md", ladder.encode(), content_type="text/markdown")]})
    before = git(kept_in_git, "rev-parse", "HEAD")
    response = client.post("/import/publish/", {"note": "Imported our own ladder."})
    assert response.status_code == 302, response.content.decode()
    version = FrameworkVersion.objects.get(is_active=True)
    head = git(kept_in_git, "rev-parse", "HEAD")
    assert head != before and version.commit == head and version.origin == "import page"
    assert git(kept_in_git, "log", "-1", "--format=%an <%ae>|%B") == \
        "Ada Admin <ada@example.com>|Imported our own ladder."
