"""Adding evidence: streamed size limit, contents, scanner, hash, permissions and scope, and that a
refused upload leaves nothing on disk."""

import hashlib

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import NotFound, PermissionDenied, RuleViolation
from oms.incidents.models import Attachment, Incident
from oms.incidents.queries import attachments as queries
from oms.incidents.services import attachments as services
from tests.factories import actor_of
from tests.incidents.factories import make_incident

from .conftest import PDF, PNG, files_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(prison_a, olly):
    return make_incident(prison_a, olly, status=Incident.Status.SUBMITTED)


def add(user, incident, name="photo.png", chunks=(PNG,), **kwargs):
    return services.add_attachment(
        actor_of(user), incident_id=incident.public_id, filename=name, chunks=iter(chunks), **kwargs
    )


def test_upload_is_stored_under_a_generated_name_with_its_hash(incident, olly, attachments_dir):
    attachment = add(olly, incident, name="../../etc/passwd.png", description="Landing, after")
    assert attachment.original_name == "passwd.png"
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest()
    assert attachment.size == len(PNG) and attachment.content_type == "image/png"
    assert files_in(attachments_dir) == [attachment.stored_name]
    assert "passwd" not in attachment.stored_name
    assert (attachments_dir / attachment.stored_name).read_bytes() == PNG
    event = AuditEvent.objects.get(action="incidents.attachment_added")
    assert event.details["sha256"] == attachment.sha256 and event.site_id == incident.facility_id


def test_a_submitted_incident_gains_attachments_and_loses_none(incident, olly, sam):
    first = add(olly, incident)
    second = add(sam, incident, name="statement.pdf", chunks=(PDF,))
    assert set(incident.attachments.all()) == {first, second}
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.SUBMITTED


def test_too_big_stops_reading_at_the_first_chunk_over_the_limit(incident, olly, attachments_dir):
    consumed = []

    def chunks():
        for n in range(100):
            consumed.append(n)
            yield PNG if n == 0 else b"\x00" * 512

    with pytest.raises(RuleViolation) as refused:
        add(olly, incident, chunks=chunks())
    assert refused.value.code == "incidents.attachment_too_large" and refused.value.field == "file"
    assert len(consumed) == 3  # 72 + 512 + 512 > 1024: the rest was never read
    assert files_in(attachments_dir) == [] and not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("photo.png", b"GIF89a" + b"\x00" * 10, "incidents.attachment_content"),
        ("statement.pdf", PNG, "incidents.attachment_content"),
        ("run.exe", b"MZ", "incidents.attachment_type"),
        ("page.html", b"<html>", "incidents.attachment_type"),
        ("photo.png", b"", "incidents.attachment_required"),
    ],
)
def test_refused_files_leave_nothing(incident, olly, attachments_dir, name, content, code):
    with pytest.raises(RuleViolation) as refused:
        add(olly, incident, name=name, chunks=(content,) if content else ())
    assert refused.value.code == code
    assert files_in(attachments_dir) == [] and not Attachment.objects.exists()


def test_the_scanner_can_refuse(incident, olly, attachments_dir):
    seen = {}

    def scanner(path, *, content_type, original_name):
        seen.update(path=path, exists=path.exists(), content_type=content_type, name=original_name)
        return "EICAR test signature"

    services.register_scanner(scanner)
    try:
        with pytest.raises(RuleViolation) as refused:
            add(olly, incident)
    finally:
        services.unregister_scanner(scanner)
    assert refused.value.code == "incidents.attachment_refused"
    assert seen["exists"] and seen["content_type"] == "image/png" and seen["name"] == "photo.png"
    assert files_in(attachments_dir) == []


def test_the_scanner_setting_is_a_dotted_path(incident, olly, settings, attachments_dir):
    settings.INCIDENT_ATTACHMENT_SCANNER = "tests.incidents.attachments.test_service.refuse_everything"
    with pytest.raises(RuleViolation):
        add(olly, incident)
    assert files_in(attachments_dir) == []


def refuse_everything(path, **_):
    return "refused"


def test_closed_incident_refuses(prison_a, olly, attachments_dir):
    closed = make_incident(prison_a, olly, status=Incident.Status.CLOSED, number=9)
    with pytest.raises(RuleViolation) as refused:
        add(olly, closed)
    assert refused.value.code == "incidents.attachment_incident_closed"


def test_permissions_and_scope(incident, alice, otto, ann, olly):
    with pytest.raises(PermissionDenied):
        add(alice, incident)  # no incident permissions
    with pytest.raises(PermissionDenied):
        add(ann, incident)  # trends only
    with pytest.raises(NotFound):
        add(otto, incident)  # Prison B
    with pytest.raises(NotFound):
        services.add_attachment(actor_of(olly), incident_id="not-a-uuid", filename="a.png", chunks=iter((PNG,)))


def test_download_is_audited_and_scoped(incident, olly, otto):
    attachment = add(olly, incident)
    found, path = queries.open_attachment(actor_of(olly), incident.public_id, attachment.public_id)
    assert found == attachment and path.read_bytes() == PNG
    assert AuditEvent.objects.filter(action="incidents.attachment_viewed", object_id=str(attachment.pk)).exists()
    with pytest.raises(NotFound):
        queries.open_attachment(actor_of(otto), incident.public_id, attachment.public_id)


def test_the_sweep_removes_only_old_unreferenced_files(incident, olly, alice, attachments_dir):
    import datetime as dt
    import io
    import os

    from django.core.management import call_command

    from oms.core import clock
    from oms.core.actor import Actor
    from oms.incidents import tasks

    kept = add(olly, incident)
    orphan = attachments_dir / "0123456789abcdef0123456789abcdef.bin"
    orphan.write_bytes(PNG)
    crashed = attachments_dir / ".fedcba9876543210fedcba9876543210.bin.part"
    crashed.write_bytes(PNG)
    fresh = attachments_dir / "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bin"  # an upload still committing
    fresh.write_bytes(PNG)
    two_hours_ago = (clock.now() - dt.timedelta(hours=2)).timestamp()
    for path in (attachments_dir / kept.stored_name, orphan, crashed):
        os.utime(path, (two_hours_ago, two_hours_ago))
    with pytest.raises(PermissionDenied):
        services.sweep_unreferenced_files(actor_of(alice))
    system = Actor.system(channel="cli")
    expected = sorted([orphan.name, crashed.name])
    assert services.sweep_unreferenced_files(system, dry_run=True) == expected
    assert orphan.exists() and crashed.exists()
    assert tasks.sweep_attachment_files.call() == 2
    assert files_in(attachments_dir) == sorted([kept.stored_name, fresh.name])
    assert AuditEvent.objects.get(action="incidents.attachment_files_swept").details == {"removed": 2}
    out = io.StringIO()
    call_command("sweep_attachment_files", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "0 unreferenced file(s) would be removed"
