"""The evidence upload form. The file itself is checked by ``services.attachments`` (type, contents,
size while streaming); the form only asks for it and an optional description."""

from django import forms


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="JPEG, PNG, PDF or plain text",
        error_messages={"required": "Select a file"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=500,
        error_messages={"max_length": "Description must be 500 characters or fewer"},
    )
