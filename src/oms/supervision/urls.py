"""Supervision pages."""

from oms.supervision.views import breach, cases, checkins, sanctions, testing

app_name = "supervision"
urlpatterns = [
    *cases.urlpatterns,
    *breach.urlpatterns,
    *sanctions.urlpatterns,
    *testing.urlpatterns,
    *checkins.urlpatterns,
]
