"""The filtered, sorted conversation list: one definition for the list, the export and previous/next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional, Tuple

from django import forms
from django.db.models import Q, QuerySet

from leercoach import catalogue
from leercoach.review.models import Conversation, Tag
from leercoach.review.texts import text

SORTS = {
    "nieuwste": ("-started_at", "-id"),
    "oudste": ("started_at", "id"),
    "meeste_berichten": ("-user_messages", "-id"),
    "meeste_fallbacks": ("-fallbacks", "-id"),
}
CHANNELS = (("rest", "intranet (widget)"), ("slack", "Slack"), ("teams", "Teams"), ("cmdline", "terminal"))


def topic_choices():
    return [("", "alle onderwerpen")] + [
        (group, [(t.key, t.title) for t in topics]) for group, topics in catalogue.groups().items()
    ]


class ConversationFilter(forms.Form):
    van = forms.DateField(
        required=False,
        label="Van",
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        error_messages={"invalid": text("date_invalid")},
    )
    tot = forms.DateField(
        required=False,
        label="Tot en met",
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        error_messages={"invalid": text("date_invalid")},
    )
    kanaal = forms.ChoiceField(required=False, label="Kanaal", choices=[("", "alle kanalen"), *CHANNELS])
    onderwerp = forms.ChoiceField(required=False, label="Onderwerp", choices=topic_choices)
    fallback = forms.ChoiceField(
        required=False,
        label="Niet begrepen",
        choices=[("", "maakt niet uit"), ("ja", "wel fallback"), ("nee", "geen fallback")],
    )
    coaching = forms.ChoiceField(
        required=False,
        label="Coaching",
        choices=[
            ("", "maakt niet uit"),
            ("gestart", "coaching gestart"),
            ("plan", "plan gemaakt"),
            ("geen", "geen coaching"),
        ],
    )
    feedback = forms.ChoiceField(
        required=False,
        label="Feedback",
        choices=[("", "maakt niet uit"), ("negatief", "met duim omlaag"), ("positief", "met duim omhoog")],
    )
    status = forms.ChoiceField(
        required=False, label="Status", choices=[("", "alle statussen"), *Conversation.Status.choices]
    )
    label = forms.ModelChoiceField(
        required=False,
        label="Label",
        queryset=Tag.objects.all(),
        to_field_name="name",
        empty_label="alle labels",
    )
    q = forms.CharField(required=False, label="Zoek in de tekst", max_length=200, strip=True)
    sortering = forms.ChoiceField(
        required=False,
        label="Sortering",
        choices=[
            ("nieuwste", "nieuwste eerst"),
            ("oudste", "oudste eerst"),
            ("meeste_berichten", "meeste berichten"),
            ("meeste_fallbacks", "meeste fallbacks"),
        ],
    )

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            self.add_error("tot", text("date_order"))
        return data


@dataclass
class Listing:
    form: ConversationFilter
    queryset: QuerySet
    order: Tuple[str, str]


def _day_start(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def listing(params) -> Listing:
    """The conversations the filter in `params` (a GET QueryDict) selects, in its order.
    An invalid filter shows its message and selects as if that field were empty."""
    form = ConversationFilter(params or None)
    data = (
        form.cleaned_data
        if form.is_valid()
        else {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
    )
    found = Conversation.objects.all()
    if data.get("van"):
        found = found.filter(started_at__gte=_day_start(data["van"]))
    if data.get("tot"):
        found = found.filter(started_at__lt=_day_start(data["tot"] + dt.timedelta(days=1)))
    if data.get("kanaal"):
        found = found.filter(channel=data["kanaal"])
    if data.get("onderwerp"):
        found = found.filter(topic_hits__topic=data["onderwerp"])
    found = found.filter(
        **{"ja": {"fallbacks__gt": 0}, "nee": {"fallbacks": 0}}.get(data.get("fallback"), {})
    )
    found = found.filter(
        **{
            "gestart": {"coaching_started": True},
            "plan": {"plan_made": True},
            "geen": {"coaching_started": False},
        }.get(data.get("coaching"), {})
    )
    found = found.filter(
        **{"negatief": {"feedback_down__gt": 0}, "positief": {"feedback_up__gt": 0}}.get(
            data.get("feedback"), {}
        )
    )
    if data.get("status"):
        found = found.filter(status=data["status"])
    if data.get("label"):
        found = found.filter(tags=data["label"])
    if data.get("q"):
        found = found.filter(search_text__contains=data["q"].lower())
    order = SORTS.get(data.get("sortering") or "nieuwste", SORTS["nieuwste"])
    return Listing(form, found.order_by(*order), order)


def neighbours(found: Listing, current: Conversation) -> Tuple[Optional[int], Optional[int]]:
    """The numbers of the conversations before and after `current` in the filtered list."""
    field, _ = found.order
    name = field.lstrip("-")
    value = getattr(current, name)
    descending = field.startswith("-")
    after = Q(**{f"{name}__lt" if descending else f"{name}__gt": value}) | Q(
        **{name: value, "id__lt" if descending else "id__gt": current.pk}
    )
    before = Q(**{f"{name}__gt" if descending else f"{name}__lt": value}) | Q(
        **{name: value, "id__gt" if descending else "id__lt": current.pk}
    )
    reverse = [f.lstrip("-") if f.startswith("-") else f"-{f}" for f in found.order]
    following = found.queryset.filter(after).values_list("pk", flat=True).first()
    previous = found.queryset.filter(before).order_by(*reverse).values_list("pk", flat=True).first()
    return previous, following
