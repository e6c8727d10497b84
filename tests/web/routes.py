"""Walk every URL pattern of the project, resolving django-ninja routes to their operations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from ninja.operation import PathView


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    view: object  # the page view, or a django-ninja operation's own function
    methods: tuple[str, ...] = ()  # set for API operations

    @property
    def label(self) -> str:
        methods = ",".join(self.methods)
        return f"{methods + ' ' if methods else ''}/{self.route}"


def _path_view(callback) -> PathView | None:
    """django-ninja mounts one wrapper per path; the PathView it closes over holds the operations."""
    for cell in getattr(callback, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def walk(urlconf: str = "oms.urls") -> Iterator[Route]:
    def visit(patterns, prefix: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from visit(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                path_view = _path_view(pattern.callback)
                if path_view is None:
                    yield Route(route, pattern.name, pattern.callback)
                else:
                    for operation in path_view.operations:
                        yield Route(route, pattern.name, operation.view_func, tuple(operation.methods))

    yield from visit(get_resolver(urlconf).url_patterns, "")


def has_parameters(route: Route) -> bool:
    return "<" in route.route
