"""The participant page's partner section, as a tag so the page's own view needs no change to show it."""

from django import template

from oms.diversion.queries import partners as queries
from oms.diversion.rules import partners as rules
from oms.diversion.services.partners import OPEN_STATES

register = template.Library()


@register.inclusion_tag("diversion/partners/_section.html", takes_context=True)
def partner_section(context, participation):
    """Consents, referrals and the disclosure log of a participation the page has already found in the
    actor's scope and audited as read (so no further check or event here)."""
    actor = context["request"].actor
    side = queries.partner_side_of(participation)
    consents = [
        {
            "consent": c,
            "state": side.consent_states[c.pk],
            "labels": [rules.CATEGORIES.get(k, k) for k in c.categories],
        }
        for c in side.consents
    ]
    return {
        "p": participation,
        "side": side,
        "consents": consents,
        "can_manage": actor.has("diversion.manage"),
        "is_open": participation.state in OPEN_STATES,
        "has_active_consent": any(c["state"] == rules.ACTIVE for c in consents),
    }
