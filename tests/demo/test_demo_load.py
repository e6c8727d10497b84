"""``oms demo``, ``oms demo_logins`` and ``oms demo_code`` against the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import TOTP

from oms.accounts.models import ProtectedTOTPDevice, User, UserRole
from oms.accounts.roles import SEED_ROLES
from oms.audit.models import AuditEvent
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.demo import bulk, services
from oms.demo.models import DemoAccount
from oms.people import rules as people_rules
from oms.people.models import Allocation, CaseNote, Identifier, Person, PersonName, PersonSiteLink
from oms.people.queries import search_people
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    return settings


def test_refuses_demo_users_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="Demo users exist only in demo mode"):
        run("demo", "--people", "10")
    assert not User.objects.exists() and not Person.objects.exists()
    with pytest.raises(PermissionDenied):
        services.ensure_demo_staff(services.ensure_organisations())


def test_people_only_load_works_in_any_mode(settings):
    settings.DEMO_MODE = False
    run("demo", "--people", "30", "--without-users")
    assert Person.objects.count() == 30
    assert not DemoAccount.objects.exists()


def test_load_creates_a_demo_account_per_seeded_role_without_an_authenticator(demo_mode):
    output = run("demo", "--people", "200", "--seed", "5")
    assert "people 200/200" in output  # progress lines
    accounts = {a.role_code: a.user for a in DemoAccount.objects.select_related("user")}
    assert set(SEED_ROLES) - set(services.PORTAL_ROLES) <= set(accounts)
    for role_code, user in accounts.items():
        assert UserRole.objects.filter(user=user, role__code=role_code).exists()
        assert user.password.startswith("argon2")
    assert accounts["auditor"].check_password(services.DEMO_PASSWORD)
    assert not ProtectedTOTPDevice.objects.filter(user__in=accounts.values()).exists()  # enrol at first login
    case_manager = accounts["case_manager"]
    assert Allocation.objects.filter(staff=case_manager).exists()


def test_if_empty_is_idempotent_and_the_load_is_audited_once(demo_mode):
    run("demo", "--people", "120", "--if-empty")
    counts = (Person.objects.count(), PersonName.objects.count(), User.objects.count())
    output = run("demo", "--people", "120", "--if-empty")
    assert "nothing loaded" in output
    assert (Person.objects.count(), PersonName.objects.count(), User.objects.count()) == counts
    events = AuditEvent.objects.filter(action="demo.population_loaded")
    assert events.count() == 1
    assert events.get().details["people"] == 120


def test_a_second_load_without_if_empty_adds_people_with_new_system_numbers(settings):
    run("demo", "--people", "50", "--without-users")
    run("demo", "--people", "50", "--without-users")
    numbers = list(Person.objects.values_list("system_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 100


def test_names_carry_the_people_apps_search_keys(settings):
    run("demo", "--people", "150", "--without-users")
    names = list(PersonName.objects.all())
    assert len(names) > 150  # aliases too
    assert any(n.kind != PersonName.Kind.PRIMARY for n in names)
    for name in names:
        keys = people_rules.name_keys(name.family_name, name.given_name)
        for key_field in dataclasses.fields(keys):
            assert getattr(name, key_field.name) == getattr(keys, key_field.name), key_field.name
    for identifier in Identifier.objects.all():
        assert identifier.value_norm == people_rules.normalise_identifier(identifier.value)


def test_rows_read_back_through_the_orm(settings):
    run("demo", "--people", "100", "--without-users")
    person = Person.objects.filter(case_notes__isnull=False).first()
    note = CaseNote.objects.filter(person=person).first()
    assert note.text and not note.text.startswith("enc1:")  # stored encrypted, read back decrypted
    assert isinstance(person.languages, list) and person.public_id
    assert PersonSiteLink.objects.filter(person=person).exists()


def test_near_duplicates_are_in_the_database(settings):
    run("demo", "--people", "1500", "--without-users")
    primary = PersonName.objects.filter(kind=PersonName.Kind.PRIMARY).values_list(
        "person_id", "family_norm", "given_norm", "person__date_of_birth"
    )
    by_dob: dict = {}
    for person_id, family, given, dob in primary:
        by_dob.setdefault(dob, []).append((person_id, family, given))
    pairs = 0
    for rows in by_dob.values():
        for i, (_, family_a, given_a) in enumerate(rows):
            for _, family_b, given_b in rows[i + 1 :]:
                score = people_rules.duplicate_score(
                    people_rules.PersonFacts(((family_a, given_a),), None),
                    people_rules.PersonFacts(((family_b, given_b),), None),
                )
                pairs += score.score > 0 and (family_a, given_a) != (family_b, given_b)
    assert pairs >= 10


def test_a_misspelt_name_finds_the_person(settings):
    run("demo", "--people", "300", "--without-users")
    person = Person.objects.filter(family_name__regex=r"^[A-Za-z]{6,}$").order_by("pk").first()
    misspelt = person.family_name[:2] + person.family_name[3] + person.family_name[2] + person.family_name[4:]
    actor = Actor(user_id=None, username="reader", scope="national", permissions=frozenset({"people.view"}))
    hits = search_people(actor, text=f"{person.given_name} {misspelt}").hits
    assert person.pk in [hit.person.pk for hit in hits]


def test_only_the_operator_loads_demo_data(settings):
    actor = Actor(user_id=1, username="someone", scope="national", permissions=frozenset({"people.create"}))
    with pytest.raises(PermissionDenied):
        services.load_population(actor, people=1, with_staff=False)


def test_bulk_columns_cover_every_column_of_each_table():
    for model, columns in bulk.COLUMNS.items():
        assert sorted(columns) == sorted(f.attname for f in model._meta.concrete_fields), model


def test_demo_logins_lists_every_account_and_explains_mfa(demo_mode):
    run("demo", "--people", "5")
    output = run("demo_logins")
    assert services.DEMO_PASSWORD in output
    for role_code in set(SEED_ROLES) - set(services.PORTAL_ROLES):
        assert services.demo_username(role_code) in output
    assert "demo_code" in output and "authenticator" in output


def test_demo_logins_and_codes_refuse_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        run("demo_logins")
    with pytest.raises(CommandError, match="demo mode"):
        run("demo_code", "demo.records_officer")


def test_demo_code_prints_the_current_code_of_a_demo_account_only(demo_mode):
    run("demo", "--people", "5")
    user = User.objects.get(username=services.demo_username("records_officer"))
    with pytest.raises(CommandError, match="no authenticator yet"):
        run("demo_code", user.username)
    # Plain-hex secrets (as the test factories make them); bin_key reads both forms.
    pending = ProtectedTOTPDevice.objects.create(user=user, name="pending", confirmed=False)
    assert _code_matches(run("demo_code", user.username), pending)  # completes enrolment without an app
    device = ProtectedTOTPDevice.objects.create(user=user, name="confirmed", confirmed=True)
    assert _code_matches(run("demo_code", user.username), device)
    real = make_user("realperson", roles=("records_officer",))
    with pytest.raises(CommandError, match="not a demo account"):
        run("demo_code", real.username)


def _code_matches(output: str, device) -> bool:
    device = ProtectedTOTPDevice.objects.get(pk=device.pk)
    expected = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return output.strip() == f"{expected:06d}"
