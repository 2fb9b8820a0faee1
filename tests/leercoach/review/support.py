"""Users and conversations for the review app's tests."""

from __future__ import annotations

import time
from typing import List

from django.test import Client

from benchmarks.review import seeding
from leercoach.review import summary, tracker
from leercoach.review.models import Conversation, User

PASSWORD = "een lang genoeg wachtwoord 42"


def make_user(name: str, role: str) -> User:
    return User.objects.create_user(name, password=PASSWORD, role=role)


def logged_in(role: str, name: str = "", **client_options) -> Client:
    name = name or f"{role}-tester"
    if not User.objects.filter(username=name).exists():
        make_user(name, role)
    client = Client()
    # Through the login form, as a person logs in (django-axes needs the request).
    response = client.post("/inloggen/", {"username": name, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    if client_options:  # e.g. enforce_csrf_checks: the same session in a stricter client
        strict = Client(**client_options)
        strict.cookies = client.cookies
        return strict
    return client


def store(sender_id: str, events: List[dict]) -> Conversation:
    """Writes a conversation into the tracker store and lets the app read it."""
    seeding.insert(tracker.engine(), sender_id, events)
    summary.sync()
    return Conversation.objects.get(sender_id=sender_id)


def now() -> float:
    return time.time()
