"""Links from a person's profile page to their custody records (registered with the people app in
``CustodyConfig.ready``, because people sits below custody and cannot link here itself)."""

from __future__ import annotations

from django.urls import reverse

from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.custody.queries import active_episode_for_person
from oms.people.models import Person


def custody_profile_links(actor: Actor, person: Person) -> list[tuple[str, str]]:
    """The custody record, housing and non-associations of a person in custody at a site the actor can
    reach (custody.view; non-associations also need custody.view_non_associations). Nothing otherwise:
    a record at a site out of reach is not mentioned, as it would be a 404."""
    if not actor.has("custody.view"):
        return []
    try:
        episode = active_episode_for_person(actor, person.public_id)
    except NotFound:
        return []
    links = [
        (
            f"Custody record ({episode.booking_number}, {episode.site.name})",
            reverse("custody:episode", kwargs={"episode_id": episode.public_id}),
        ),
        ("Housing", reverse("custody:housing", kwargs={"episode_id": episode.public_id})),
    ]
    if actor.has("custody.view_non_associations"):
        links.append(
            ("Non-associations", reverse("custody:person_non_associations", kwargs={"person_id": person.public_id}))
        )
    return links
