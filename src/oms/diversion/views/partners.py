"""Pages for partner referrals.

Coordinators: record consent, withdraw it, send a referral under an active consent, withdraw a referral
(the participant page shows consents, referrals and the disclosure log through the ``partner_section``
tag). Partner users: "Referrals to us" and one referral's page, built only from the consent-limited
answer of ``queries.get_partner_referral`` (the template never sees the participation or the person),
with accept, decline and outcome forms.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.diversion.forms import partners as forms
from oms.diversion.queries import participations as participation_queries
from oms.diversion.queries import partners as queries
from oms.diversion.rules import partners as rules
from oms.diversion.services import partners as services
from oms.diversion.views.participations import done, form_page, participant_url
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

MANAGE = "diversion.manage"
PARTNER_VIEW = "diversion.partner_view"
PARTNER_RESPOND = "diversion.partner_respond"

# Labels of the fields a partner page can show, in the order shown.
LABELS = {
    "family_name": "Family name",
    "given_name": "Given name",
    "date_of_birth": "Date of birth",
    "address": "Address",
    "telephone": "Telephone",
    "housing_needs": "Housing needs",
    "treatment_needs": "Treatment needs",
    "employment_needs": "Employment needs",
    "offence_summary": "Offence",
    "offence_category": "Offence category",
    "programme_state": "Programme",
    "percent_complete": "Requirements complete (%)",
}


# --- coordinators --------------------------------------------------------------------------------


@page(MANAGE)
def consent_new(request, participation_id):
    found = participation_queries.find_participation(request.actor, participation_id)
    form = forms.ConsentForm(posted(request), partners=queries.partner_organisations())
    if request.method == "POST" and form.is_valid():
        made = service_errors_on(
            form, lambda: services.record_consent(request.actor, participation_id=found.public_id, **form.cleaned_data)
        )
        if made:
            return done(request, found, "Consent recorded")
    return form_page(
        request,
        form,
        p=found,
        title="Record consent to share with a partner",
        button="Record consent",
        back=participant_url(found),
        lead="Record what the participant agreed to, for which partner and purpose, for at most a year.",
    )


@page(MANAGE)
def consent_withdraw(request, consent_id):
    consent = queries.find_consent(request.actor, consent_id)
    form = forms.WithdrawConsentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        made = service_errors_on(
            form, lambda: services.withdraw_consent(request.actor, consent_id=consent.public_id, **form.cleaned_data)
        )
        if made:
            return done(request, consent.participation, "Consent withdrawn")
    return form_page(
        request,
        form,
        p=consent.participation,
        title=f"Withdraw consent to share with {consent.partner.name}",
        button="Withdraw consent",
        back=participant_url(consent.participation),
        lead="From today the partner sees nothing under this consent; open referrals under it are withdrawn.",
    )


@page(MANAGE)
def referral_new(request, participation_id):
    found = participation_queries.find_participation(request.actor, participation_id)
    side = queries.partner_side_of(found)
    usable = [c for c in side.consents if side.consent_states[c.pk] == rules.ACTIVE]
    form = forms.PartnerReferralForm(posted(request), consents=usable)
    if request.method == "POST" and form.is_valid():
        made = service_errors_on(
            form, lambda: services.send_referral(request.actor, participation_id=found.public_id, **form.cleaned_data)
        )
        if made:
            return done(request, found, f"Referral sent to {made.partner.name}")
    return form_page(
        request,
        form,
        p=found,
        title="Refer to a partner agency",
        button="Send referral",
        back=participant_url(found),
        lead="The referral goes to the partner named in the consent; they see only what the consent covers.",
    )


@page(MANAGE)
def referral_withdraw(request, referral_id):
    referral = queries.find_referral(request.actor, referral_id)
    form = forms.WithdrawReferralForm(posted(request), initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        made = service_errors_on(
            form,
            lambda: services.withdraw_referral(request.actor, referral_id=referral.public_id, **form.cleaned_data),
        )
        if made:
            return done(request, referral.participation, "Referral withdrawn")
    return form_page(
        request,
        form,
        p=referral.participation,
        title=f"Withdraw the referral to {referral.partner.name}",
        button="Withdraw referral",
        back=participant_url(referral.participation),
    )


# --- partners ------------------------------------------------------------------------------------


def partner_referral_url(referral_id) -> str:
    return reverse("diversion:partner_referral", kwargs={"referral_id": referral_id})


@page(PARTNER_VIEW)
def partner_referrals(request):
    rows = queries.list_partner_referrals(request.actor)
    return render(request, "diversion/partners/referrals.html", {"rows": rows})


@page(PARTNER_VIEW)
def partner_referral(request, referral_id):
    shown = queries.get_partner_referral(request.actor, referral_id)
    facts = [(label, shown[key]) for key, label in LABELS.items() if key in shown]
    return render(
        request,
        "diversion/partners/referral.html",
        {
            "shown": shown,
            "facts": facts,
            "requirements": shown.get("requirements"),
            "service": rules.SERVICE_TYPES.get(shown["service_type"], shown["service_type"]),
            "can_respond": request.actor.has(PARTNER_RESPOND),
        },
    )


def _respond(request, referral_id, form_class, call, *, title: str, button: str, message: str):
    # Found under the partner's own scope (404 otherwise); the form page shows no personal data.
    referral = queries.find_partner_referral(request.actor, referral_id)
    form = form_class(posted(request), initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        made = service_errors_on(form, lambda: call(referral.public_id, dict(form.cleaned_data)))
        if made:
            messages.success(request, message)
            return redirect(partner_referral_url(referral.public_id))
    return form_page(request, form, p=None, title=title, button=button, back=partner_referral_url(referral.public_id))


@page(PARTNER_RESPOND)
def partner_accept(request, referral_id):
    return _respond(
        request,
        referral_id,
        forms.AcceptForm,
        lambda rid, v: services.accept_referral(request.actor, referral_id=rid, **v),
        title="Accept the referral",
        button="Accept",
        message="Referral accepted",
    )


@page(PARTNER_RESPOND)
def partner_decline(request, referral_id):
    return _respond(
        request,
        referral_id,
        forms.DeclineForm,
        lambda rid, v: services.decline_referral(request.actor, referral_id=rid, **v),
        title="Decline the referral",
        button="Decline",
        message="Referral declined",
    )


@page(PARTNER_RESPOND)
def partner_complete(request, referral_id):
    return _respond(
        request,
        referral_id,
        forms.CompleteForm,
        lambda rid, v: services.complete_referral(request.actor, referral_id=rid, **v),
        title="Record the outcome",
        button="Record outcome",
        message="Outcome recorded",
    )


urlpatterns = [
    path("participants/<str:participation_id>/consents/new/", consent_new, name="consent_new"),
    path("consents/<str:consent_id>/withdraw/", consent_withdraw, name="consent_withdraw"),
    path("participants/<str:participation_id>/partner-referrals/new/", referral_new, name="partner_referral_new"),
    path("partner-referrals/<str:referral_id>/withdraw/", referral_withdraw, name="partner_referral_withdraw"),
    path("partner/referrals/", partner_referrals, name="partner_referrals"),
    path("partner/referrals/<str:referral_id>/", partner_referral, name="partner_referral"),
    path("partner/referrals/<str:referral_id>/accept/", partner_accept, name="partner_accept"),
    path("partner/referrals/<str:referral_id>/decline/", partner_decline, name="partner_decline"),
    path("partner/referrals/<str:referral_id>/complete/", partner_complete, name="partner_complete"),
]
