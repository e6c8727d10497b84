"""Estate pages under /facilities/. URLs carry only opaque public ids."""

from django.urls import path

from oms.facilities import views

app_name = "facilities"
urlpatterns = [
    path("", views.locations, name="locations"),
    path("sites/<uuid:site_id>/", views.site, name="site"),
    path("sites/<uuid:site_id>/locations/new", views.add_location, name="add"),
    path("sites/<uuid:site_id>/import", views.import_locations, name="import"),
    path("sites/<uuid:site_id>/export.csv", views.export_locations, name="export"),
    path("locations/<uuid:location_id>/edit", views.edit_location, name="edit"),
    path("locations/<uuid:location_id>/deactivate", views.deactivate_location, name="deactivate"),
    path("locations/<uuid:location_id>/reactivate", views.reactivate_location, name="reactivate"),
]
