"""Diversion pages."""

from oms.diversion.views import messages, participations, partners, portal, programmes

app_name = "diversion"
# programmes/new/ before programmes/<id>/, which would otherwise take "new" for an id.
urlpatterns = [
    *programmes.urlpatterns,
    *portal.urlpatterns,
    *messages.urlpatterns,
    *partners.urlpatterns,
    *participations.urlpatterns,
]
