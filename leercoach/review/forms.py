"""The review app's forms: the list's filter, HR's review of a conversation, and Beheer's new
user and erasure. (Logging in is Django's own AuthenticationForm, through django-axes.)"""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model

from leercoach import catalogue
from leercoach.review import passwords
from leercoach.review.models import Conversation, Tag, User
from leercoach.review.texts import text

TAG_NAME = re.compile(r"^\w[\w -]{0,39}$")  # no leading "-", "=", "+" or "@": no spreadsheet formulas

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


class ReviewForm(forms.Form):
    status = forms.ChoiceField(choices=Conversation.Status.choices, label="Status")
    labels = forms.CharField(required=False, max_length=300, label="Labels (gescheiden door komma's)")
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), label="Notitie van HR"
    )

    def clean_labels(self):
        names = [n.strip().lower() for n in self.cleaned_data["labels"].split(",") if n.strip()]
        if any(not TAG_NAME.match(n) for n in names):
            raise forms.ValidationError(text("tag_invalid"))
        return sorted(set(names))


class NewUserForm(forms.Form):
    username = forms.RegexField(regex=r"^[\w.@+-]{2,150}$", label="Gebruikersnaam", max_length=150)
    role = forms.ChoiceField(choices=User.Role.choices, label="Rol")
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False), label="Wachtwoord (minstens 12 tekens)", strip=False
    )

    def clean_username(self):
        name = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=name).exists():
            raise forms.ValidationError("Deze gebruikersnaam bestaat al.")
        return name

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("username"):
            for problem in passwords.problems(data["password"], User(username=data["username"])):
                self.add_error("password", problem)
        return data


class EraseForm(forms.Form):
    number = forms.IntegerField(min_value=1, label="Gesprek nummer")
    confirm = forms.CharField(label="Typ WISSEN ter bevestiging", max_length=10)

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != "WISSEN":
            raise forms.ValidationError(text("erase_confirm"))
        return "WISSEN"
