"""The trends filter: a site (or every site in scope) and a date range."""

from django import forms

from oms.web.forms import DateInputField


class TrendsFilterForm(forms.Form):
    site = forms.ChoiceField(label="Establishment", required=False)
    date_from = DateInputField(label="From", required=False)
    date_to = DateInputField(label="To", required=False)

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", "All establishments")] if len(sites) != 1 else []
        self.fields["site"].choices = everyone + [(s.code, s.name) for s in sites]
