"""Page forms for movements and observations. They only parse and bound input; the services decide
the rules and their errors are put back on the matching field by the views. Choices (people, places,
establishments) are built by the view from scoped queries, so a form can only name what the actor can
see. Messages follow the GOV.UK pattern ("Select who is moving")."""

from __future__ import annotations

from django import forms

from oms.custody.models import ObservationCheck, ObservationPlan
from oms.custody.rules.movements import MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES
from oms.web.forms import DateInputField

OUT_CHOICES = [
    ("court", "Court"),
    ("hospital", "Hospital"),
    ("temporary_release", "Temporary release"),
    ("escape", "Escape or abscond"),
]
BATCH_CHOICES = [*OUT_CHOICES[:3], ("internal", "To a place inside"), ("return", "Back to their cell")]


def _text(label: str, *, max_length: int = 200, required: str = "", help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required),
        help_text=help_text,
        error_messages={"required": required, "max_length": f"{label} must be {max_length} characters or less"},
    )


def _choice(label: str, message: str, *, radios: bool = False, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=required,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": message, "invalid_choice": message},
    )


OVERRIDE_HELP = "Only a supervisor can record people who must be kept apart travelling or waiting together."


class _PeopleForm(forms.Form):
    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        if "episode" in self.fields:
            self.fields["episode"].choices = [("", "Select a person"), *people]


class OutForm(_PeopleForm):
    episode = _choice("Who is going out", "Select who is going out")
    kind = forms.ChoiceField(
        label="Where to",
        choices=OUT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select where the person is going",
            "invalid_choice": "Select where the person is going",
        },
    )
    destination = _text("Destination", help_text="For example, Leeds Crown Court or St James's Hospital")
    escort = _text("Escort (responsible while out)", help_text="Needed for court and hospital")
    reason = _text("Reason")
    override_reason = _text("Reason to override a keep-apart", max_length=500, help_text=OVERRIDE_HELP)


class ReturnForm(_PeopleForm):
    episode = _choice("Who is back", "Select who is back")


class InternalForm(_PeopleForm):
    episode = _choice("Who is moving", "Select who is moving")
    to_location = _choice("To", "Select where the person is going")
    escort = _text("Escort")
    reason = _text("Reason")

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_location"].choices = [("", "Select a place"), *places]


class TransferForm(_PeopleForm):
    episode = _choice("Who is being transferred", "Select who is being transferred")
    to_site = _choice("To establishment", "Select the establishment the person is going to")
    escort = _text("Escort", required="Enter who is escorting the person")
    reason = _text("Reason")
    override_reason = _text("Reason to override a keep-apart", max_length=500, help_text=OVERRIDE_HELP)

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_site"].choices = [("", "Select an establishment"), *sites]


class ReceiveForm(forms.Form):
    movement = forms.UUIDField(widget=forms.HiddenInput, error_messages={"required": "Select a transfer to receive"})


class CancelForm(forms.Form):
    movement = forms.UUIDField(widget=forms.HiddenInput, error_messages={"required": "Select a movement"})
    reason = _text("Why is it cancelled", required="Enter why the movement is cancelled")


class BatchForm(forms.Form):
    """A movement window: tick everyone moving, then one kind and destination for them all."""

    episodes = forms.MultipleChoiceField(
        label="Who is moving",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one person", "invalid_choice": "Select people from the list"},
    )
    kind = forms.ChoiceField(
        label="Movement",
        choices=BATCH_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the movement", "invalid_choice": "Select the movement"},
    )
    destination = _text("Destination", help_text="For court, hospital or temporary release")
    to_location = _choice("Place inside", "Select a place inside", required=False)
    escort = _text("Escort", help_text="Needed for court and hospital")
    override_reason = _text("Reason to override a keep-apart", max_length=500, help_text=OVERRIDE_HELP)

    def __init__(self, *args, people=(), places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episodes"].choices = list(people)
        self.fields["to_location"].choices = [("", "Select a place"), *places]


class StartWatchForm(_PeopleForm):
    episode = _choice("Who is going on watch", "Select who is going on watch")
    reason = forms.ChoiceField(
        label="Why",
        choices=ObservationPlan.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why the person is on watch",
            "invalid_choice": "Select why the person is on watch",
        },
    )
    interval_minutes = forms.IntegerField(
        label="Check every (minutes)",
        help_text=f"Between {MIN_INTERVAL_MINUTES} and {MAX_INTERVAL_MINUTES}, for example 15 or 30",
        error_messages={
            "required": "Enter how often the person must be checked",
            "invalid": "Enter a number of minutes",
        },
    )
    instructions = _text("Instructions", max_length=500)


class CheckForm(forms.Form):
    plan = forms.UUIDField(widget=forms.HiddenInput, error_messages={"required": "Select a person on watch"})
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ObservationCheck.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the check found", "invalid_choice": "Select what the check found"},
    )
    note = _text("Note", max_length=500, help_text="Needed for a concern or when the person was not seen")


class EndWatchForm(forms.Form):
    plan = forms.UUIDField(widget=forms.HiddenInput, error_messages={"required": "Select a person on watch"})
    reason = _text("Why is the watch ending", max_length=500, required="Enter why the watch is ending")


SCHEDULE_CHOICES = [*OUT_CHOICES[:3], ("internal", "To a place inside"), ("transfer", "Transfer")]


class ScheduleForm(_PeopleForm):
    """Plan a movement for a day and time at the site (local time)."""

    episode = _choice("Who", "Select who the movement is for")
    kind = forms.ChoiceField(
        label="Movement",
        choices=SCHEDULE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the movement", "invalid_choice": "Select the movement"},
    )
    day = DateInputField(label="Date", help_text="For example, 27 3 2027")
    time = forms.TimeField(
        label="Time",
        help_text="Use the 24-hour clock, for example 09:30",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        error_messages={"required": "Enter the time", "invalid": "Time must be a time like 09:30"},
    )
    destination = _text("Destination", help_text="For court, hospital or temporary release")
    to_location = _choice("Place inside", "Select a place inside", required=False)
    to_site = _choice("To establishment", "Select the establishment", required=False)
    escort = _text("Escort")
    reason = _text("Reason")

    def __init__(self, *args, places=(), sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].error_messages["required"] = "Enter the date"
        self.fields["day"].required = True
        self.fields["to_location"].choices = [("", "Select a place"), *places]
        self.fields["to_site"].choices = [("", "Select an establishment"), *sites]


class CarryOutForm(forms.Form):
    movement = forms.UUIDField(widget=forms.HiddenInput, error_messages={"required": "Select a movement"})
