"""Links from a person's profile to records other apps keep about them ("Elsewhere in OMS"), and
panels of key facts those apps contribute (release dates, say).

People sits below custody (and other apps) and may not import them, yet the profile should lead to the
custody record, housing and so on. Apps above register a provider with ``register_profile_links`` when
they load (the same pattern as ``oms.audit.queries.set_person_resolver`` and
``oms.facilities.queries.set_occupancy_counter``). A provider decides from the actor's own permissions
and scope which links to give; people only lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from oms.core.actor import Actor
from oms.people.models import Person

# provider(actor, person) -> [(label, url), ...]; it must return nothing the actor may not open.
ProfileLinkProvider = Callable[[Actor, Person], list[tuple[str, str]]]

_providers: list[ProfileLinkProvider] = []


def register_profile_links(provider: ProfileLinkProvider) -> None:
    """Register a provider of profile links (called from an app's ``ready()``). Registering the same
    provider twice keeps one, so a reloaded app does not show its links twice."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_profile_links(provider: ProfileLinkProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def profile_links(actor: Actor, person: Person) -> list[tuple[str, str]]:
    """Every registered provider's links for this person and actor, in registration order. The caller
    has already read the person in scope (the profile page); no audit of its own."""
    links: list[tuple[str, str]] = []
    for provider in _providers:
        links.extend(provider(actor, person))
    return links


# --- panels of key facts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileFact:
    label: str
    value: str
    hint: str = ""  # e.g. "overridden", "moved since the override"
    link_text: str = ""  # e.g. "Why this date"
    link_url: str = ""


@dataclass(frozen=True)
class ProfilePanel:
    """A small block of facts on the profile's overview, drawn by people's template (so every panel
    looks alike): a heading, label/value rows, and links under them."""

    title: str
    facts: tuple[ProfileFact, ...] = ()
    empty_text: str = ""  # shown when there are no facts
    links: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (label, url)


# provider(actor, person) -> a panel or None; it must show nothing the actor may not read.
ProfilePanelProvider = Callable[[Actor, Person], "ProfilePanel | None"]

_panel_providers: list[ProfilePanelProvider] = []


def register_profile_panel(provider: ProfilePanelProvider) -> None:
    """Register a provider of a profile panel (from an app's ``ready()``); registering twice keeps one."""
    if provider not in _panel_providers:
        _panel_providers.append(provider)


def unregister_profile_panel(provider: ProfilePanelProvider) -> None:
    if provider in _panel_providers:
        _panel_providers.remove(provider)


def profile_panels(actor: Actor, person: Person) -> list[ProfilePanel]:
    """Every registered provider's panel for this person and actor, in registration order (the caller
    has read the person in scope; no audit of its own)."""
    panels = []
    for provider in _panel_providers:
        panel = provider(actor, person)
        if panel is not None:
            panels.append(panel)
    return panels
