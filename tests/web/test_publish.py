"""Publishing: lint errors refuse, warnings come back, snapshots are immutable and labelled."""

import pytest

from craftpath.web.frameworks.models import FrameworkVersion, ImmutableVersionError
from craftpath.web.frameworks.problems import PublishError
from craftpath.web.frameworks.publishing import (
    framework_of,
    publish_framework,
    publish_path,
)

from .helpers import reworded, with_duplicate_statement_id

pytestmark = pytest.mark.django_db


def test_publishing_the_seeds_stores_an_active_snapshot_with_warnings(seed_load):
    result = publish_framework(seed_load.framework, seed_load.diagnostics)
    assert result.created and result.version.is_active
    assert result.version.label == "v1" and len(result.version.content_hash) == 64
    assert result.warnings and all(not d.is_error for d in result.warnings)
    assert framework_of(result.version) == seed_load.framework


def test_lint_errors_refuse_and_store_nothing(seed_framework):
    with pytest.raises(PublishError) as refused:
        publish_framework(with_duplicate_statement_id(seed_framework))
    assert [d.code for d in refused.value.diagnostics] == ["CP111"]
    assert not FrameworkVersion.objects.exists()


def test_the_same_content_twice_is_one_version(seed_framework):
    first = publish_framework(seed_framework)
    again = publish_framework(seed_framework)
    assert not again.created and again.version.pk == first.version.pk
    assert FrameworkVersion.objects.count() == 1


def test_a_new_version_becomes_active_and_the_old_one_stays(seed_framework):
    old = publish_framework(seed_framework).version
    new = publish_framework(reworded(seed_framework)).version
    old.refresh_from_db()
    assert (old.label, new.label) == ("v1", "v2")
    assert new.is_active and not old.is_active
    assert framework_of(old) == seed_framework


def test_republishing_an_old_version_makes_it_active_again(seed_framework):
    old = publish_framework(seed_framework).version
    publish_framework(reworded(seed_framework))
    assert publish_framework(seed_framework).version.pk == old.pk
    assert FrameworkVersion.objects.get(is_active=True).pk == old.pk


def test_a_framework_version_names_its_label(seed_framework):
    from dataclasses import replace

    version = publish_framework(replace(seed_framework, version="2024.1")).version
    assert version.label == "2024-1"


def test_stored_content_cannot_change(seed_framework):
    version = publish_framework(seed_framework).version
    version.document = {"name": "changed"}
    with pytest.raises(ImmutableVersionError):
        version.save()


def test_an_unusable_path_is_a_publish_error(tmp_path):
    with pytest.raises(PublishError, match="no such file"):
        publish_path(tmp_path / "missing")


def test_the_command_line_publishes_through_the_action_audited_and_telling(small_org,
                                                                          seeds_dir, tmp_path):
    from craftpath.core.formats import canonical
    from craftpath.web.actions import OPERATOR, frameworks
    from craftpath.web.audit.models import Event
    from craftpath.web.notifications.models import Kind, Notification

    from .checkin_helpers import start_for
    from .helpers import reworded

    start_for(small_org.ian)
    active = FrameworkVersion.objects.get(is_active=True)
    path = tmp_path / "framework.yaml"
    path.write_text(canonical.dumps(reworded(framework_of(active))), encoding="utf-8")
    published = frameworks.publish_path(OPERATOR, path, "Reworded on the command line.")
    assert published.created and published.told == 1
    version = published.version
    assert (version.note, version.origin) == ("Reworded on the command line.", "command line")
    [entry] = Event.objects.filter(target=f"framework version {version.label}")
    assert entry.actor_pk is None and "from the command line; 1 person told" in entry.detail
    assert Notification.objects.filter(kind=Kind.VERSION_PUBLISHED).count() == 1
    again = frameworks.publish_path(OPERATOR, path)
    assert again.unchanged and again.version.pk == version.pk and not again.told
    assert Event.objects.filter(target__startswith="framework version").count() == 1
    assert Notification.objects.filter(kind=Kind.VERSION_PUBLISHED).count() == 1
