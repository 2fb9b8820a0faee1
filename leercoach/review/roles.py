"""The review app's roles, named once: reviewer (HR) reads conversations; analyst sees aggregates
only; admin everything, and manages users. Used by the model, the views, the commands and the tests."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    REVIEWER = "reviewer", "reviewer"
    ANALYST = "analyst", "analist"
    ADMIN = "admin", "beheerder"


REVIEWER, ANALYST, ADMIN = Role.REVIEWER.value, Role.ANALYST.value, Role.ADMIN.value
READS_CONVERSATIONS = (REVIEWER, ADMIN)
SEES_INSIGHTS = (REVIEWER, ANALYST, ADMIN)
ADMINISTERS = (ADMIN,)
