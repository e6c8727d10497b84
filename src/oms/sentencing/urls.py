"""Sentencing pages, one module of views per area."""

from oms.sentencing.views import calculations, offences, records, sentences

app_name = "sentencing"
urlpatterns = [*offences.urlpatterns, *records.urlpatterns, *sentences.urlpatterns, *calculations.urlpatterns]
