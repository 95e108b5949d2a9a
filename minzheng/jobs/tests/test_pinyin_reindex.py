"""The built-in registry_pinyin_reindex job: batches of persons by id, checkpoint = last id, result = counts."""

from __future__ import annotations

import pytest

from minzheng.jobs.actions import job_enqueue
from minzheng.jobs.enums import JobState
from minzheng.jobs.runner import Outcome, claim_next, run_claimed
from minzheng.registry.models import Person
from minzheng.registry.pinyin import name_search_key
from minzheng.testing import factories as f

pytestmark = pytest.mark.django_db

NAMES = ["张三", "李四", "王五", "赵六", "单田芳"]


@pytest.fixture
def persons(areas):
    """Five persons, the keys of two of them stale (as after a pinyin library upgrade)."""
    people = [f.make_person(name=name) for name in NAMES]
    Person.objects.filter(pk__in=[people[1].pk, people[3].pk]).update(search_pinyin=" stale ")
    return people


def _keys() -> dict[str, str]:
    return dict(Person.objects.values_list("name", "search_pinyin"))


def test_reindex_fixes_stale_keys_and_counts(admin, persons):
    """Given five persons with two stale keys, when the reindex runs in batches of 2, then every key is the
    computed one and the result counts 5 checked and 2 changed."""
    job = job_enqueue(acting_user=admin, kind="registry_pinyin_reindex", parameters={"batch_size": 2})
    assert run_claimed(claim_next(worker="a")) == Outcome.SUCCEEDED
    job.refresh_from_db()
    assert _keys() == {name: name_search_key(name) for name in NAMES}
    assert (job.state, job.result, job.progress_done, job.progress_total) == (
        JobState.SUCCEEDED, {"checked": 5, "changed": 2}, 5, 5)


def test_reindex_checkpoint_is_the_last_id_done(admin, persons):
    """Given five persons, when the reindex stops after its first batch of 2, then the checkpoint holds the second
    smallest id and the counts so far."""
    job = job_enqueue(acting_user=admin, kind="registry_pinyin_reindex", parameters={"batch_size": 2})
    calls = iter([False, True])
    run_claimed(claim_next(worker="a"), should_stop=lambda: next(calls))
    job.refresh_from_db()
    ids = sorted(str(pk) for pk in Person.objects.values_list("pk", flat=True))
    assert job.checkpoint["after"] == ids[1] and job.checkpoint["checked"] == 2 and job.progress_done == 2


def test_resumed_reindex_gives_the_uninterrupted_result(admin, persons):
    """Given a reindex stopped after one batch, when another worker finishes it, then the result is the same as an
    uninterrupted run's: 5 checked, 2 changed."""
    job = job_enqueue(acting_user=admin, kind="registry_pinyin_reindex", parameters={"batch_size": 2})
    calls = iter([False, True])
    run_claimed(claim_next(worker="a"), should_stop=lambda: next(calls))
    run_claimed(claim_next(worker="b"))
    job.refresh_from_db()
    assert job.result == {"checked": 5, "changed": 2}


def test_reindex_of_an_empty_registry_finishes(admin):
    """Given no persons, when the reindex runs, then it succeeds with nothing checked."""
    job = job_enqueue(acting_user=admin, kind="registry_pinyin_reindex", parameters={})
    run_claimed(claim_next(worker="a"))
    job.refresh_from_db()
    assert (job.state, job.result) == (JobState.SUCCEEDED, {"checked": 0, "changed": 0})
