"""The per-site custody sub-navigation, shown at the top of every page about one establishment.

One place decides which links an actor sees, so the pages only include the tag:
``{% load custody_nav %}{% custody_site_nav site.public_id site.name "movements" %}``.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()

# (key, label, url name, permission). Reception picks its establishment on the form, so its link carries
# the site as a pre-selection (a public id, never a name).
SITE_PAGES = (
    ("roll", "Roll", "custody:roll", "custody.view"),
    ("action_plan", "Action plan", "custody:action_plan", "custody.view"),
    ("movements", "Movements", "custody:movements", "custody.view"),
    ("counts", "Counts", "custody:counts", "custody.view"),
    ("observations", "Observations", "custody:observations", "custody.view"),
    ("reception", "Reception", "custody:reception", "custody.receive"),
)


def site_nav_items(actor, site_id, current: str = "") -> list[dict]:
    """The sub-navigation links the actor may follow for the site with public id ``site_id``. The page
    that shows them has already checked the site is in reach; each link still needs its permission."""
    items = []
    for key, label, url_name, permission in SITE_PAGES:
        if actor is None or not actor.has(permission):
            continue
        if key == "reception":
            url = f"{reverse(url_name)}?site={site_id}"
        else:
            url = reverse(url_name, kwargs={"site_id": site_id})
        items.append({"key": key, "label": label, "url": url, "current": key == current})
    return items


@register.inclusion_tag("custody/_site_nav.html", takes_context=True)
def custody_site_nav(context, site_id, site_name, current=""):
    request = context.get("request")
    return {"items": site_nav_items(getattr(request, "actor", None), site_id, current), "site_name": site_name}


@register.simple_tag(takes_context=True)
def custody_site_links(context, site_id):
    """The same links as a list, for the custody home page's row per establishment."""
    request = context.get("request")
    return site_nav_items(getattr(request, "actor", None), site_id)
