"""Person pages under /people/. URLs carry only the opaque public id (DP-2), never names or numbers."""

from django.urls import path

from oms.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new", views.create, name="create"),
    path("<uuid:public_id>/", views.profile, name="profile"),
    path("<uuid:public_id>/edit", views.edit, name="edit"),
    path("<uuid:public_id>/names/new", views.add_alias, name="add_alias"),
    path("<uuid:public_id>/identifiers/new", views.add_identifier, name="add_identifier"),
    path("<uuid:public_id>/alerts/new", views.add_alert, name="add_alert"),
    path("<uuid:public_id>/alerts/<uuid:alert_id>/close", views.close_alert, name="close_alert"),
    path("<uuid:public_id>/portal-account/new", views.open_portal_account, name="open_portal_account"),
    path("<uuid:public_id>/portal-account/close", views.close_portal_account, name="close_portal_account"),
    path("<uuid:public_id>/notes/new", views.add_note, name="add_note"),
    path("<uuid:public_id>/addresses/<int:address_id>/remove", views.remove_address, name="remove_address"),
    path("<uuid:public_id>/contacts/<int:contact_id>/remove", views.remove_contact, name="remove_contact"),
    path("<uuid:public_id>/sites/<int:link_id>/end", views.end_site_link, name="end_site_link"),
    path("<uuid:public_id>/caseloads/<int:allocation_id>/end", views.end_allocation, name="end_allocation"),
    path("<uuid:public_id>/merge", views.merge, name="merge"),
    path("<uuid:public_id>/photo", views.photo, name="photo"),
    path("<uuid:public_id>/photo/new", views.add_photo, name="add_photo"),
    path("<uuid:public_id>/<slug:tab>", views.profile, name="profile_tab"),
]
