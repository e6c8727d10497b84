"""Referrals to social-service partners under recorded consent: the pure consent filter (table-driven and
a hypothesis property: a partner never sees a field its consent does not cover), consent validity,
referral states, the services and queries with their disclosure rows and audit events, and the
permission matrix (partner of another organisation 404, coordinator of another site 404, wrong role 403).
"""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms.accounts.models import Role, RolePermission
from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.diversion.models import Disclosure
from oms.diversion.queries import partners as queries
from oms.diversion.rules import partners as rules
from oms.diversion.services import partners as services
from oms.facilities.models import Organisation, Site
from oms.people.models import Address
from tests.diversion.test_services import active
from tests.factories import actor_of, make_organisation, make_site, make_user

D = dt.date
ALL = list(rules.CATEGORIES)
PERSONAL = set(rules.FIELD_CATEGORY)


# --- the pure filter ------------------------------------------------------------------------------


def a_full_record(service_type="housing") -> dict:
    return {
        **{k: f"value of {k}" for k in rules.REFERRAL_FIELDS},
        "given_name": "Jade",
        "family_name": "Okafor",
        "date_of_birth": D(2001, 3, 4),
        "address": "1 High Street",
        "telephone": "07700 900123",
        "offence_summary": "Shoplifting",
        "offence_category": "theft",
        "programme_state": "Active",
        "requirements": [{"label": "Classes: 2"}],
        "percent_complete": 40,
        rules.needs_field(service_type): "Sofa-surfing, needs a room",
        "an_unclassified_field": "never shown",
    }


@pytest.mark.parametrize(
    ("categories", "personal_shown"),
    [
        (["name"], {"given_name", "family_name"}),
        (["name", "date_of_birth"], {"given_name", "family_name", "date_of_birth"}),
        (["name", "contact_details"], {"given_name", "family_name", "address", "telephone"}),
        (["name", "offence_summary"], {"given_name", "family_name", "offence_summary", "offence_category"}),
        (
            ["name", "requirements_progress"],
            {"given_name", "family_name", "programme_state", "requirements", "percent_complete"},
        ),
        (["name", "housing_needs"], {"given_name", "family_name", "housing_needs"}),
        (["name", "treatment_needs"], {"given_name", "family_name"}),  # a housing record holds no treatment needs
        ([], set()),
        (ALL, PERSONAL - {"treatment_needs", "employment_needs"}),
    ],
)
def test_the_filter_shows_exactly_the_covered_fields(categories, personal_shown):
    shown = rules.disclose(categories, a_full_record("housing"))
    assert set(shown) - rules.REFERRAL_FIELDS == personal_shown
    assert rules.REFERRAL_FIELDS <= set(shown)
    assert "an_unclassified_field" not in shown
    assert rules.personal_fields(shown) == sorted(personal_shown)


@settings(max_examples=300, deadline=None)
@given(
    categories=st.lists(st.sampled_from(ALL), unique=True),
    keys=st.lists(
        st.one_of(st.sampled_from(sorted(PERSONAL | rules.REFERRAL_FIELDS)), st.text(min_size=1, max_size=20)),
        unique=True,
    ),
)
def test_a_partner_never_sees_a_field_its_consent_does_not_cover(categories, keys):
    record = {k: object() for k in keys}
    shown = rules.disclose(categories, record)
    for key, value in shown.items():
        assert key in rules.REFERRAL_FIELDS or rules.FIELD_CATEGORY[key] in categories
        assert record[key] is value  # values are passed through untouched, never derived
    # and nothing covered is withheld
    for key in record:
        if key in rules.REFERRAL_FIELDS or rules.FIELD_CATEGORY.get(key) in categories:
            assert key in shown


def test_every_category_covers_some_field_and_every_field_has_a_known_category():
    assert set(rules.FIELD_CATEGORY.values()) == set(rules.CATEGORIES)
    assert not (PERSONAL & rules.REFERRAL_FIELDS)
    for service in rules.SERVICE_TYPES:
        assert rules.FIELD_CATEGORY[rules.needs_field(service)] == rules.needs_field(service)


@pytest.mark.parametrize(
    ("categories", "field", "code"),
    [
        ([], "categories", "diversion.bad_choice"),
        ("name", "categories", "diversion.bad_choice"),
        (["name", "shoe_size"], "categories", "diversion.bad_choice"),
        (["date_of_birth"], "categories", "diversion.consent_without_name"),
    ],
)
def test_bad_categories_are_refused(categories, field, code):
    with pytest.raises(RuleViolation) as caught:
        rules.check_categories(categories)
    assert (caught.value.field, caught.value.code) == (field, code)


def test_categories_are_kept_in_a_stable_order():
    assert rules.check_categories({"housing_needs", "name"}) == ["name", "housing_needs"]


@pytest.mark.parametrize(
    ("given_on", "expires_on", "withdrawn_on", "today", "status"),
    [
        (D(2026, 6, 1), D(2026, 12, 1), None, D(2026, 6, 1), "active"),
        (D(2026, 6, 1), D(2026, 12, 1), None, D(2026, 12, 1), "active"),  # the expiry day itself counts
        (D(2026, 6, 1), D(2026, 12, 1), None, D(2026, 12, 2), "expired"),
        (D(2026, 6, 2), D(2026, 12, 1), None, D(2026, 6, 1), "not_yet_given"),
        (D(2026, 6, 1), D(2026, 12, 1), D(2026, 7, 1), D(2026, 6, 30), "active"),
        (D(2026, 6, 1), D(2026, 12, 1), D(2026, 7, 1), D(2026, 7, 1), "withdrawn"),
        (D(2026, 6, 1), D(2026, 12, 1), D(2026, 7, 1), D(2027, 1, 1), "withdrawn"),  # withdrawal wins
    ],
)
def test_consent_status(given_on, expires_on, withdrawn_on, today, status):
    assert rules.consent_status(rules.ConsentFacts(given_on, expires_on, withdrawn_on), today) == status


@pytest.mark.parametrize(
    ("given_on", "expires_on", "field"),
    [
        (D(2026, 6, 2), D(2026, 12, 1), "given_on"),
        (D(2026, 6, 1), D(2026, 5, 31), "expires_on"),
        (D(2026, 6, 1), D(2027, 6, 3), "expires_on"),
    ],
)
def test_consent_dates(given_on, expires_on, field):
    with pytest.raises(RuleViolation) as caught:
        rules.check_consent_dates(given_on, expires_on, D(2026, 6, 1))
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("current", "wanted", "allowed"),
    [
        ("sent", "accepted", True),
        ("sent", "declined", True),
        ("sent", "withdrawn", True),
        ("sent", "completed", False),
        ("accepted", "completed", True),
        ("accepted", "withdrawn", True),
        ("accepted", "declined", False),
        ("declined", "accepted", False),
        ("completed", "withdrawn", False),
        ("withdrawn", "accepted", False),
    ],
)
def test_referral_transitions(current, wanted, allowed):
    if allowed:
        rules.check_referral_transition(current, wanted)
    else:
        with pytest.raises(RuleViolation):
            rules.check_referral_transition(current, wanted)


# --- fixtures -------------------------------------------------------------------------------------


def grant_partner_permissions():
    """The lead adds these to the seeded role; granting them here keeps the tests independent of that."""
    role = Role.objects.get(code="partner_agency_user")
    for permission in ("diversion.partner_view", "diversion.partner_respond"):
        RolePermission.objects.get_or_create(role=role, permission=permission)


@pytest.fixture
def housing_org(db):
    return make_organisation(Organisation.Kind.PARTNER_AGENCY, code="HHA", name="Harbour Housing Association")


@pytest.fixture
def treatment_org(db):
    return make_organisation(Organisation.Kind.PARTNER_AGENCY, code="BRT", name="Bridge Recovery Trust")


@pytest.fixture
def pat(housing_org):
    """A housing officer at the housing partner."""
    grant_partner_permissions()
    office = make_site(housing_org, Site.Kind.PARTNER_OFFICE, code="HHA1", name="Harbour Housing office")
    return make_user("pat", roles=("partner_agency_user",), sites=(office,))


@pytest.fixture
def tom(treatment_org):
    """A worker at another partner: referrals to the housing partner are out of reach (404)."""
    grant_partner_permissions()
    office = make_site(treatment_org, Site.Kind.PARTNER_OFFICE, code="BRT1", name="Bridge office")
    return make_user("tom", roles=("partner_agency_user",), sites=(office,))


@pytest.fixture
def participation(cora_actor, person, programme):
    Address.objects.create(person=person, line1="1 Canal Row", town="Northtown", postcode="NT1 1AA", is_primary=True)
    return active(cora_actor, person, programme)


def consent(actor, participation, partner, categories=("name",), **kw):
    values = {
        "participation_id": participation.public_id,
        "partner_id": partner.public_id,
        "purpose": "Find settled housing during the programme",
        "categories": list(categories),
        "expires_on": D(2026, 12, 1),
        **kw,
    }
    return services.record_consent(actor, **values)


def send(actor, participation, c, **kw):
    values = {
        "participation_id": participation.public_id,
        "consent_id": c.public_id,
        "service_type": "housing",
        "purpose": "Assessment for supported housing",
        "needs": "Sofa-surfing since March",
        "telephone": "07700 900456",
        **kw,
    }
    return services.send_referral(actor, **values)


def actions(obj):
    return list(AuditEvent.objects.filter(object_id=str(obj.public_id)).order_by("id").values_list("action", flat=True))


# --- consent-limited reads ------------------------------------------------------------------------

CANARIES = {  # a value of each personal category as stored, to look for in what the partner receives
    "date_of_birth": "datetime.date(2001, 3, 4)",
    "contact_details": "Canal Row",
    "offence_summary": "Shoplifting",
    "requirements_progress": "Community service",
    "housing_needs": "Sofa-surfing",
}


@pytest.mark.parametrize(
    "categories",
    [
        ["name"],
        ["name", "date_of_birth"],
        ["name", "contact_details", "housing_needs"],
        ["name", "offence_summary", "requirements_progress"],
        ALL,
    ],
)
def test_the_partner_sees_only_what_the_consent_covers(cora_actor, pat, housing_org, participation, categories):
    c = consent(cora_actor, participation, housing_org, categories)
    referral = send(cora_actor, participation, c)
    shown = queries.get_partner_referral(actor_of(pat), referral.public_id)
    for key in shown:
        assert key in rules.REFERRAL_FIELDS or rules.FIELD_CATEGORY[key] in categories
    assert shown["family_name"] == "Okafor"
    text = repr(shown)
    for category, canary in CANARIES.items():
        assert (canary in text) == (category in categories), category
    row = Disclosure.objects.get(referral=referral)
    assert row.fields == rules.personal_fields(shown)
    assert (row.user_id, row.partner_id, row.consent_id, row.channel) == (pat.pk, housing_org.pk, c.pk, "web")
    event = AuditEvent.objects.filter(action="diversion.partner_referral_disclosed").get()
    assert event.details["fields"] == row.fields and event.subject_person_id == participation.person_id


def test_each_read_writes_one_disclosure_row(cora_actor, pat, housing_org, participation):
    referral = send(cora_actor, participation, consent(cora_actor, participation, housing_org))
    partner = actor_of(pat, channel="api")
    for _ in range(3):
        queries.get_partner_referral(partner, referral.public_id)
    listed = queries.list_partner_referrals(partner)
    assert [r["referral_id"] for r in listed] == [str(referral.public_id)]
    assert set(listed[0]) <= rules.REFERRAL_FIELDS | {"given_name", "family_name"}
    assert Disclosure.objects.filter(referral=referral, channel="api").count() == 4
    assert AuditEvent.objects.filter(action="diversion.partner_referral_disclosed").count() == 4


def test_a_list_never_names_what_the_consent_does_not_cover(cora_actor, pat, housing_org, participation):
    referral = send(cora_actor, participation, consent(cora_actor, participation, housing_org))
    # A consent stored before the name rule (or edited in the database) still limits the list.
    referral.consent.categories = ["date_of_birth"]
    referral.consent.save()
    listed = queries.list_partner_referrals(actor_of(pat))
    assert "family_name" not in listed[0] and "given_name" not in listed[0]


def test_withdrawn_consent_hides_the_referral_and_withdraws_it(cora_actor, pat, housing_org, participation):
    c = consent(cora_actor, participation, housing_org, ["name", "housing_needs"])
    referral = send(cora_actor, participation, c)
    partner = actor_of(pat)
    queries.get_partner_referral(partner, referral.public_id)
    services.withdraw_consent(cora_actor, consent_id=c.public_id, reason="Participant asked us to stop sharing")
    with pytest.raises(NotFound):
        queries.get_partner_referral(partner, referral.public_id)
    assert queries.list_partner_referrals(partner) == []
    with pytest.raises(NotFound):
        services.accept_referral(partner, referral_id=referral.public_id, version=referral.version)
    referral.refresh_from_db()
    assert referral.status == "withdrawn" and referral.withdrawn_reason == "Consent withdrawn"
    assert Disclosure.objects.filter(referral=referral).count() == 1  # the refused reads disclosed nothing
    with pytest.raises(RuleViolation) as caught:
        send(cora_actor, participation, c)
    assert caught.value.code == "diversion.consent_not_active" and caught.value.field == "consent_id"
    assert actions(c) == ["diversion.partner_consent_recorded", "diversion.partner_consent_withdrawn"]
    assert "diversion.partner_referral_withdrawn" in actions(referral)


def test_withdrawal_dates(cora_actor, housing_org, participation):
    c = consent(cora_actor, participation, housing_org, given_on=D(2026, 5, 20))
    for when, field in ((D(2026, 5, 19), "withdrawn_on"), (D(2026, 6, 2), "withdrawn_on")):
        with pytest.raises(RuleViolation) as caught:
            services.withdraw_consent(cora_actor, consent_id=c.public_id, reason="Asked", withdrawn_on=when)
        assert caught.value.field == field
    with pytest.raises(RuleViolation) as caught:
        services.withdraw_consent(cora_actor, consent_id=c.public_id, reason=" ")
    assert caught.value.field == "reason"
    done = services.withdraw_consent(cora_actor, consent_id=c.public_id, reason="Asked", withdrawn_on=D(2026, 5, 25))
    assert done.withdrawn_on == D(2026, 5, 25) and queries.consent_state(done) == "withdrawn"
    with pytest.raises(RuleViolation) as caught:
        services.withdraw_consent(cora_actor, consent_id=c.public_id, reason="Again")
    assert caught.value.code == "diversion.consent_withdrawn"


def test_expired_consent_hides_the_referral_and_cannot_be_used(cora_actor, pat, housing_org, participation):
    c = consent(cora_actor, participation, housing_org, expires_on=D(2026, 6, 30))
    referral = send(cora_actor, participation, c)
    queries.get_partner_referral(actor_of(pat), referral.public_id)
    with clock.freeze(dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)):
        with pytest.raises(NotFound):
            queries.get_partner_referral(actor_of(pat), referral.public_id)
        assert queries.list_partner_referrals(actor_of(pat)) == []
        with pytest.raises(RuleViolation) as caught:
            send(cora_actor, participation, c)
        assert caught.value.code == "diversion.consent_not_active"


def test_consent_is_checked_when_recorded(cora_actor, housing_org, participation, dv1):
    with pytest.raises(RuleViolation) as caught:
        consent(cora_actor, participation, housing_org, ["offence_summary"])
    assert caught.value.field == "categories"
    with pytest.raises(RuleViolation) as caught:
        consent(cora_actor, participation, housing_org, expires_on=D(2027, 12, 1))
    assert caught.value.field == "expires_on"
    with pytest.raises(RuleViolation) as caught:
        consent(cora_actor, participation, housing_org, purpose=" ")
    assert caught.value.field == "purpose"
    not_a_partner = dv1.organisation
    with pytest.raises(NotFound):
        consent(cora_actor, participation, not_a_partner)


def test_a_referral_goes_only_to_the_consents_partner_and_participation(
    cora_actor, housing_org, participation, person, programme
):
    c = consent(cora_actor, participation, housing_org)
    referral = send(cora_actor, participation, c, service_type="treatment")
    assert referral.partner == housing_org and referral.status == "sent" and referral.version == 1
    with pytest.raises(RuleViolation) as caught:
        send(cora_actor, participation, c, service_type="legal")
    assert caught.value.field == "service_type"
    assert actions(referral) == ["diversion.partner_referral_sent"]


# --- the partner's responses ----------------------------------------------------------------------


def test_accept_then_complete_with_the_outcome(cora_actor, pat, housing_org, participation):
    referral = send(cora_actor, participation, consent(cora_actor, participation, housing_org))
    partner = actor_of(pat)
    accepted = services.accept_referral(partner, referral_id=referral.public_id, version=1, note="Assessment booked")
    assert (accepted.status, accepted.version, accepted.response_note) == ("accepted", 2, "Assessment booked")
    with pytest.raises(Conflict):
        services.complete_referral(partner, referral_id=referral.public_id, version=1, outcome_note="Housed")
    with pytest.raises(RuleViolation) as caught:
        services.complete_referral(partner, referral_id=referral.public_id, version=2, outcome_note="")
    assert caught.value.field == "outcome_note"
    done = services.complete_referral(partner, referral_id=referral.public_id, version=2, outcome_note="Housed")
    assert (done.status, done.outcome_note) == ("completed", "Housed")
    with pytest.raises(RuleViolation) as caught:
        services.decline_referral(partner, referral_id=referral.public_id, version=3, note="Too late")
    assert caught.value.code == "diversion.illegal_transition"
    assert actions(referral) == [
        "diversion.partner_referral_sent",
        "diversion.partner_referral_accepted",
        "diversion.partner_referral_completed",
    ]


def test_decline_needs_a_reason(cora_actor, pat, housing_org, participation):
    referral = send(cora_actor, participation, consent(cora_actor, participation, housing_org))
    with pytest.raises(RuleViolation) as caught:
        services.decline_referral(actor_of(pat), referral_id=referral.public_id, version=1, note="")
    assert caught.value.field == "note"
    declined = services.decline_referral(actor_of(pat), referral_id=referral.public_id, version=1, note="No capacity")
    assert declined.status == "declined"


def test_coordinator_withdraws_a_referral(cora_actor, housing_org, participation):
    referral = send(cora_actor, participation, consent(cora_actor, participation, housing_org))
    with pytest.raises(RuleViolation):
        services.withdraw_referral(cora_actor, referral_id=referral.public_id, version=1, reason="")
    done = services.withdraw_referral(cora_actor, referral_id=referral.public_id, version=1, reason="Found a place")
    assert done.status == "withdrawn"


def test_referrals_only_while_the_participation_is_open(cora_actor, housing_org, participation):
    from oms.diversion.services import participations

    c = consent(cora_actor, participation, housing_org)
    participation.refresh_from_db()
    participations.terminate(
        cora_actor, participation_id=participation.public_id, version=participation.version, reason="x"
    )
    with pytest.raises(RuleViolation) as caught:
        send(cora_actor, participation, c)
    assert caught.value.code == "diversion.participation_closed"


# --- permission matrix ----------------------------------------------------------------------------


def test_partner_of_another_organisation_gets_404(cora_actor, tom, housing_org, participation):
    referral = send(cora_actor, participation, consent(cora_actor, participation, housing_org))
    other = actor_of(tom)
    with pytest.raises(NotFound):
        queries.get_partner_referral(other, referral.public_id)
    with pytest.raises(NotFound):
        services.accept_referral(other, referral_id=referral.public_id, version=1)
    assert queries.list_partner_referrals(other) == []
    assert not Disclosure.objects.exists()


def test_coordinator_of_another_site_gets_404(cora_actor, vic, housing_org, participation):
    c = consent(cora_actor, participation, housing_org)
    referral = send(cora_actor, participation, c)
    other = actor_of(vic)
    with pytest.raises(NotFound):
        consent(other, participation, housing_org)
    with pytest.raises(NotFound):
        send(other, participation, c)
    with pytest.raises(NotFound):
        services.withdraw_consent(other, consent_id=c.public_id, reason="x")
    with pytest.raises(NotFound):
        services.withdraw_referral(other, referral_id=referral.public_id, version=1, reason="x")
    with pytest.raises(NotFound):
        queries.partner_side(other, participation.public_id)


def test_wrong_role_gets_403(cora_actor, alice, pat, housing_org, participation):
    c = consent(cora_actor, participation, housing_org)
    referral = send(cora_actor, participation, c)
    with pytest.raises(PermissionDenied):
        consent(actor_of(alice), participation, housing_org)
    with pytest.raises(PermissionDenied):
        send(actor_of(pat), participation, c)  # a partner cannot send referrals
    with pytest.raises(PermissionDenied):
        queries.partner_side(actor_of(pat), participation.public_id)  # nor read the coordinator's view
    with pytest.raises(PermissionDenied):
        queries.get_partner_referral(cora_actor, referral.public_id)  # a coordinator is not a partner
    with pytest.raises(PermissionDenied):
        services.accept_referral(cora_actor, referral_id=referral.public_id, version=1)
    partner_without_grants = make_user("pia", organisation=referral.partner)
    with pytest.raises(PermissionDenied):
        queries.list_partner_referrals(actor_of(partner_without_grants))


def test_the_coordinator_sees_consents_referrals_and_the_disclosure_log(cora_actor, pat, housing_org, participation):
    c = consent(cora_actor, participation, housing_org)
    referral = send(cora_actor, participation, c)
    queries.get_partner_referral(actor_of(pat), referral.public_id)
    side = queries.partner_side(cora_actor, participation.public_id)
    assert [x.pk for x in side.consents] == [c.pk] and side.consent_states[c.pk] == "active"
    assert [x.pk for x in side.referrals] == [referral.pk]
    assert [(d.user_id, d.fields) for d in side.disclosures] == [(pat.pk, ["family_name", "given_name"])]
