"""Periodic jobs: the schedule table enqueues a job when due, once per interval, and the job runs
(tests use django-tasks' immediate backend, so an enqueued task runs at once)."""

import datetime as dt

from django.core.management import call_command

from oms.accounts.models import User
from oms.core.models import ScheduledJob
from oms.core.schedule import enqueue_due_jobs
from tests.factories import make_user

NAME = "accounts.disable_inactive_accounts"


def test_the_daily_inactivity_job_disables_an_account_unused_for_90_days(db, prison_a):
    now = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
    dormant = make_user("dormant", roles=("records_officer",), sites=(prison_a,))
    User.objects.filter(pk=dormant.pk).update(
        last_seen_at=now - dt.timedelta(days=91), date_joined=now - dt.timedelta(days=400)
    )
    active = make_user("active", roles=("records_officer",), sites=(prison_a,))
    User.objects.filter(pk=active.pk).update(last_seen_at=now - dt.timedelta(days=3))

    assert NAME in enqueue_due_jobs(now)

    dormant.refresh_from_db()
    active.refresh_from_db()
    assert dormant.disabled_at is not None and active.disabled_at is None


def test_a_job_is_enqueued_once_per_interval(db):
    start = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
    assert NAME in enqueue_due_jobs(start)
    assert NAME not in enqueue_due_jobs(start + dt.timedelta(hours=23))
    assert NAME in enqueue_due_jobs(start + dt.timedelta(days=1))
    job = ScheduledJob.objects.get(name=NAME)
    assert job.next_run_at == start + dt.timedelta(days=2)


def test_run_schedule_once_reports_what_it_enqueued(db, capsys):
    call_command("run_schedule", "--once")
    assert f"enqueued {NAME}" in capsys.readouterr().out


def test_the_daily_idempotency_purge_forgets_answers_older_than_a_day(db):
    from oms.core import clock
    from oms.core.models import IdempotencyRecord

    now = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
    for key, age in (("old", dt.timedelta(days=2)), ("recent", dt.timedelta(hours=2))):
        record = IdempotencyRecord.objects.create(actor_key="u1", scope="POST /x", key=key, request_hash="h")
        IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=now - age)  # auto_now_add on create
    with clock.freeze(now):
        assert "core.purge_idempotency_records" in enqueue_due_jobs(now)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
