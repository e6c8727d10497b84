"""Demo incentive levels and reviews: OMS's example basic / standard / enhanced levels at each demo prison,
and for some people in custody there a history of reviews (some on basic, some enhanced), with a few
reviews overdue so the due list has people on it.

Goes through the incentives services as the operator (system actor), so every level and review is
audited like a real one; the reviews show "OMS" as the reviewer. Loading again adds nothing: a prison
that already has levels is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.custody.models import CustodyEpisode
from oms.facilities.models import Site
from oms.rehabilitation.models import IncentiveReview
from oms.rehabilitation.services import incentives as services

# (share of people reviewed, plans): each plan is a list of (days ago, level, reasons), oldest first.
PLANS = [
    [(200, "standard", "Settled on the wing; attends education.")],
    [(420, "standard", "Good conduct since arrival.")],  # a yearly review now overdue
    [(300, "standard", "Good conduct."), (90, "enhanced", "Peer mentor; consistently positive behaviour.")],
    [(40, "standard", "Settled."), (10, "basic", "Found with an improvised weapon.")],  # 7-day review overdue
    [
        (60, "basic", "Repeated refusals to work."),
        (35, "basic", "Still refusing to work."),
        (5, "standard", "Now working."),
    ],
    [(3, "basic", "Threatening behaviour towards staff.")],  # due within the week
]


@dataclass
class IncentivesReport:
    sites: int = 0
    levels: int = 0
    reviews: int = 0


def load_incentives(
    actor: Actor, *, sites: Iterable[str] | None = None, seed: int = 1, share: float = 0.3
) -> IncentivesReport:
    """Levels at the demo prisons with codes in ``sites`` (every prison holding people when None), and
    reviews for about ``share`` of the people in custody there who have no level yet."""
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    rng = random.Random(seed)
    report = IncentivesReport()
    today = clock.today()
    prisons = Site.objects.filter(kind=Site.Kind.PRISON).order_by("code")
    if sites is not None:
        prisons = prisons.filter(code__in=list(sites))
    for site in prisons:
        episodes = CustodyEpisode.objects.filter(site=site, status=CustodyEpisode.Status.ACTIVE).select_related(
            "person"
        )
        if sites is None and not episodes.exists():
            continue
        made = services.install_default_levels(actor, site_id=site.public_id)
        report.sites += 1
        report.levels += len(made)
        if not made:
            continue  # a prison that already had levels (an earlier load, or configured by hand) is left alone
        already = set(
            IncentiveReview.objects.filter(facility=site, is_current=True).values_list("person_id", flat=True)
        )
        for episode in episodes.order_by("pk"):
            if episode.person_id in already or rng.random() >= share:
                continue
            received_on = episode.received_at.date()
            for days_ago, level, reasons in rng.choice(PLANS):
                # Never before the person arrived: a short stay has a shorter history.
                reviewed_on = max(today - dt.timedelta(days=days_ago), received_on)
                services.record_review(
                    actor, person_id=episode.person.public_id, level=level, reasons=reasons, reviewed_on=reviewed_on
                )
                report.reviews += 1
    return report
