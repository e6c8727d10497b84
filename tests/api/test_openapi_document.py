"""The OpenAPI document names each schema once.

django-ninja keys components by class name, so two routers each defining, say, ``ConflictOut`` would
silently share one definition in the document and one of them would be described wrongly (the
schemathesis run caught exactly that). Every schema class in OMS therefore has a unique name."""

from collections import defaultdict

from ninja import Schema

from oms.api import api


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_schema_class_names_are_unique_across_the_api():
    api.get_openapi_schema()  # every router imported
    modules_by_name = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("oms."):
            modules_by_name[cls.__name__].add(cls.__module__)
    clashes = {name: sorted(mods) for name, mods in modules_by_name.items() if len(mods) > 1}
    assert clashes == {}
