"""Audit (the log) and Beheer (users and roles, retention status, erasure on request): admins only."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Min
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leercoach import settings as leercoach_settings
from leercoach.privacy.erasure import erase_conversation
from leercoach.review import audit_log, summary, tracker
from leercoach.review.forms import EraseForm, NewUserForm
from leercoach.review.models import Conversation, User
from leercoach.review.permissions import role_required
from leercoach.review.roles import ADMINISTERS
from leercoach.review.texts import text

AUDIT_PAGE = 50


@require_GET
@role_required(*ADMINISTERS)
def audit(request):
    action = request.GET.get("actie", "")
    action = action if action in audit_log.ACTIONS else ""
    number = max(1, int(request.GET.get("pagina", "1")) if request.GET.get("pagina", "1").isdigit() else 1)
    rows = audit_log.entries(action, limit=AUDIT_PAGE + 1, offset=(number - 1) * AUDIT_PAGE)
    numbers = dict(
        Conversation.objects.filter(
            sender_id__in={r.conversation for r in rows if r.conversation}
        ).values_list("sender_id", "pk")
    )
    return render(
        request,
        "review/audit.html",
        {
            "entries": [
                (r, audit_log.ACTIONS.get(r.action, r.action), numbers.get(r.conversation))
                for r in rows[:AUDIT_PAGE]
            ],
            "actions": audit_log.ACTIONS,
            "action": action,
            "page": number,
            "more": len(rows) > AUDIT_PAGE,
        },
    )


def _retention():
    last = audit_log.entries("purge", limit=1)
    oldest = Conversation.objects.aggregate(oldest=Min("started_at"))["oldest"]
    return {
        "days": leercoach_settings.retention_days(),
        "last_purge": last[0] if last else None,
        "oldest": oldest,
        "cutoff": dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=leercoach_settings.retention_days()),
    }


@require_http_methods(["GET", "POST"])
@role_required(*ADMINISTERS)
def manage(request):
    user_form, erase_form = NewUserForm(prefix="nieuw"), EraseForm(prefix="wis")
    if request.method == "POST" and "nieuw-username" in request.POST:
        user_form = NewUserForm(request.POST, prefix="nieuw")
        if user_form.is_valid():
            data = user_form.cleaned_data
            get_user_model().objects.create_user(
                data["username"], password=data["password"], role=data["role"]
            )
            audit_log.record(
                "user_added", actor=request.user.username, detail=f"{data['username']}: {data['role']}"
            )
            messages.success(request, text("user_added", name=data["username"], role=data["role"]))
            return redirect("review:manage")
    elif request.method == "POST":
        erase_form = EraseForm(request.POST, prefix="wis")
        if erase_form.is_valid():
            return _erase(request, erase_form.cleaned_data["number"])
    return render(
        request,
        "review/manage.html",
        {
            "users": get_user_model().objects.order_by("username"),
            "roles": User.Role.choices,
            "user_form": user_form,
            "erase_form": erase_form,
            "retention": _retention(),
        },
    )


def _erase(request, number: int):
    conversation = Conversation.objects.filter(pk=number).first()
    if conversation is None:
        messages.error(request, text("erase_unknown", number=number))
        return redirect("review:manage")
    removed = erase_conversation(
        tracker.engine(),
        conversation.sender_id,
        actor=request.user.username,
        keep_id_in_audit=True,
        detail="op verzoek, via HR-review",
        forget_copies=lambda sender: summary.forget(Conversation.objects.filter(sender_id=sender)),
    )
    messages.success(request, text("erased", number=number, count=removed))
    return redirect("review:manage")


@require_POST
@role_required(*ADMINISTERS)
def change_user(request, user_id: int):
    account = get_user_model().objects.filter(pk=user_id).first()
    if account is None:
        return redirect("review:manage")
    if account.pk == request.user.pk:
        messages.error(request, text("not_yourself"))
        return redirect("review:manage")
    role, active = request.POST.get("role"), request.POST.get("active")
    if role in dict(User.Role.choices) and role != account.role:
        account.role = role
        account.save(update_fields=["role"])
        audit_log.record("role_changed", actor=request.user.username, detail=f"{account.username}: {role}")
        messages.success(request, text("role_changed", name=account.username, role=role))
    if active in ("0", "1") and (active == "1") != account.is_active:
        account.is_active = active == "1"
        account.save(update_fields=["is_active"])
        action = "user_enabled" if account.is_active else "user_disabled"
        audit_log.record(action, actor=request.user.username, detail=account.username)
        messages.success(request, text(action, name=account.username))
    return redirect("review:manage")
