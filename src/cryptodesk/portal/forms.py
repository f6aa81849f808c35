from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Accepts several files; the view reads them from request.FILES and the message path
    checks their types and sizes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return super().clean(data, initial)


class RequestForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=320)
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_(
            "Include the transaction hash or order id if your request is about one. "
            "Never share your recovery phrase, private keys or passwords."
        ),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    # Left empty by people; filled by bots that fill every field.
    website = forms.CharField(required=False, widget=forms.HiddenInput)
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
