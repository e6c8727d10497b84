"""Assessment pages, one module of views per area."""

from oms.assessment.views import assessments, fairness

app_name = "assessment"
urlpatterns = [*assessments.urlpatterns, *fairness.urlpatterns]
