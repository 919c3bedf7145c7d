"""Portal forms: they shape and label the input; the services decide what is valid and save it.

A service's `ValidationFailed` names API fields (camelCase); `add_service_errors` puts each message
beside the matching form field.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.validators import URLValidator

from campaigns.models import Campaign
from campaigns.services.errors import ValidationFailed
from campaigns.services.products import MAX_IMAGE_BYTES

IMAGE_TYPES = "image/png,image/jpeg,image/webp"


class ProductForm(forms.Form):
    image = forms.FileField(
        required=False,
        label="Product photo",
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
    )
    image_url = forms.URLField(
        required=False,
        label="Or paste the photo's link",
        max_length=2000,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": "Enter an http(s) link to a JPEG, PNG or WebP image."},
        widget=forms.URLInput(attrs={"placeholder": "https://shop.example.com/bottle.jpg"}),
        help_text="A JPEG, PNG or WebP image Kie.ai can download.",
    )
    name = forms.CharField(
        required=False,
        max_length=200,
        label="Product name",
        help_text="Used in the ideas and prompts. Left empty, the file name is used.",
    )
    notes = forms.CharField(
        required=False,
        label="Notes for the ideas",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Audience, selling points, tone: anything Gemini should know.",
    )
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.order_by("name"),
        required=False,
        empty_label="No campaign",
        help_text="Its videos count against the campaign's credit budget.",
    )

    # Service field names (the API's) -> this form's fields.
    service_fields = {"image": "image", "imageUrl": "image_url", "campaignId": "campaign"}

    def clean(self) -> dict:
        data = super().clean()
        image, url = data.get("image"), data.get("image_url")
        if image and url:
            message = "Use either the uploaded photo or the link, not both."
            self.add_error("image_url", message)
        elif not image and not url and "image_url" not in self.errors:
            self.add_error("image", "Drop a product photo here, choose one, or paste its link.")
        if image and image.size > MAX_IMAGE_BYTES:
            self.add_error("image", "This photo is larger than 10 MB; use a smaller one.")
        return data


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200, label="Campaign name")
    credit_budget = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        label="Credit budget",
        help_text="The most its video jobs may spend, in Kie credits. Leave empty for no cap.",
        widget=forms.NumberInput(attrs={"placeholder": "5000", "step": "any", "min": "0"}),
    )

    service_fields = {"name": "name", "creditBudget": "credit_budget"}


def add_service_errors(
    form: forms.Form, error: ValidationFailed, fields: Mapping[str, str]
) -> None:
    """Show a service's field errors beside the form's fields (or above the form)."""
    if not error.fields:
        form.add_error(None, error.message)
    for name, message in error.fields.items():
        form.add_error(fields.get(name), message)
