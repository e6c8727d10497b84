"""The coordinator's page for writing to a participant (diversion.manage); the participant reads it in
the portal and is told through the notifiers that a message is waiting."""

from __future__ import annotations

from django.contrib import messages as flash
from django.shortcuts import redirect
from django.urls import path

from oms.diversion.forms.portal import MessageForm
from oms.diversion.queries import participations as queries
from oms.diversion.services import messages as services
from oms.diversion.views.participations import form_page, participant_url
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

MANAGE = "diversion.manage"


@page(MANAGE)
def message_new(request, participation_id):
    found = queries.find_participation(request.actor, participation_id)
    form = MessageForm(posted(request))
    if request.method == "POST" and form.is_valid():
        made = service_errors_on(
            form, lambda: services.send_message(request.actor, participation_id=found.public_id, **form.cleaned_data)
        )
        if made:
            flash.success(request, "Message sent")
            return redirect(participant_url(found))
    return form_page(
        request,
        form,
        p=found,
        title="Send a message to the participant",
        button="Send message",
        back=participant_url(found),
        lead=(
            "The participant reads it in the participant portal; they are told a message is waiting, not what it says."
        ),
    )


urlpatterns = [path("participants/<str:participation_id>/messages/new/", message_new, name="message_new")]
