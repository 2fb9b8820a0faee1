"""Who may see what, and the web-security basics, through Django's test client on real databases."""

from __future__ import annotations

import datetime as dt
import os
import re
from ipaddress import ip_network
from pathlib import Path

from django.contrib.sessions.models import Session
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from benchmarks.review import seeding
from leercoach.review import audit_log
from leercoach.review.models import HandoffRequest
from tests.leercoach.review.support import PASSWORD, logged_in, make_user, now, store

TEMPLATES = Path(__file__).resolve().parents[3] / "leercoach" / "review" / "templates"
PUBLIC = {"review:login"}
ANALYST_FORBIDDEN = {
    "review:transcript",
    "review:save_review",
    "review:export",
    "review:handoffs",
    "review:handoff_done",
    "review:audit",
    "review:manage",
    "review:change_user",
    "review:conversations",
}
PROXY = "10.0.0.5"  # the documented TLS proxy in front of the review app
ARGUMENTS = {"number": 1, "kind": "csv", "name": "per_week", "user_id": 1}


def every_route():
    """(name, url) for every named route in the URL configuration, arguments filled in."""

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}"
                kwargs = {k: ARGUMENTS[k] for k in entry.pattern.converters}
                yield name, reverse(name, kwargs=kwargs)

    return list(walk(get_resolver().url_patterns))


class AccessTests(TestCase):
    def setUp(self):
        self.conversation = store(
            "a" * 32, seeding.answered("wat is een leercultuur?", "wat_is_leercultuur", now())
        )
        ARGUMENTS["number"] = self.conversation.pk
        ARGUMENTS["user_id"] = make_user("iemand", "reviewer").pk
        HandoffRequest.objects.create(pk=1, question="vraag", contact="toestel 1234")

    def test_the_url_configuration_has_the_pages_of_the_issue(self):
        names = {name for name, _ in every_route()}
        assert {
            "review:conversations",
            "review:transcript",
            "review:insights",
            "review:handoffs",
            "review:export",
            "review:audit",
            "review:manage",
        } <= names

    def test_every_route_but_login_refuses_an_anonymous_visitor(self):
        anonymous = Client()
        for name, url in every_route():
            if name in PUBLIC:
                continue
            for method in (anonymous.get, anonymous.post):
                response = method(url)
                refused = response.status_code in (403, 405) or (
                    response.status_code == 302 and response["Location"].startswith(reverse("review:login"))
                )
                assert refused, (
                    f"{name} {url} answered {response.status_code} to an anonymous {method.__name__}"
                )
                assert b"leercultuur" not in response.content

    def test_an_analyst_gets_403_on_conversations_export_handoffs_and_audit(self):
        analyst = logged_in("analyst")
        for name, url in every_route():
            if name in ANALYST_FORBIDDEN:
                for method in (analyst.get, analyst.post):
                    response = method(url)
                    assert response.status_code in (403, 405), (
                        f"{name} {url} gave an analyst {response.status_code}"
                    )
                assert analyst.get(url).status_code == 403 or name in {
                    "review:save_review",
                    "review:handoff_done",
                    "review:change_user",
                }
        assert analyst.get(reverse("review:insights")).status_code == 200
        assert analyst.get(reverse("review:chart", args=["per_week"])).status_code == 200
        assert analyst.get(reverse("review:home"))["Location"] == reverse("review:insights")

    def test_a_reviewer_reads_conversations_but_not_the_audit_or_beheer(self):
        reviewer = logged_in("reviewer")
        assert reviewer.get(reverse("review:transcript", args=[self.conversation.pk])).status_code == 200
        assert reviewer.get(reverse("review:audit")).status_code == 403
        assert reviewer.get(reverse("review:manage")).status_code == 403

    def test_a_disabled_account_is_refused(self):
        reviewer = logged_in("reviewer", "weg")
        from leercoach.review.models import User

        User.objects.filter(username="weg").update(is_active=False)
        assert reviewer.get(reverse("review:conversations")).status_code in (302, 403)


class FormTests(TestCase):
    def setUp(self):
        self.conversation = store(
            "b" * 32, seeding.answered("kennis delen tips", "kenmerk_kennis_delen", now())
        )
        self.handoff = HandoffRequest.objects.create(question="vraag", contact="toestel 1234")

    def test_every_form_refuses_a_post_without_csrf_token(self):
        admin = logged_in("admin", enforce_csrf_checks=True)
        other = make_user("ander", "reviewer")
        posts = {
            reverse("review:save_review", args=[self.conversation.pk]): {
                "status": "bekeken",
                "labels": "",
                "note": "",
            },
            reverse("review:handoff_done", args=[self.handoff.pk]): {},
            reverse("review:manage"): {"wis-number": self.conversation.pk, "wis-confirm": "WISSEN"},
            reverse("review:change_user", args=[other.pk]): {"role": "admin"},
            reverse("review:logout"): {},
        }
        for url, data in posts.items():
            response = admin.post(url, data)
            assert response.status_code == 403, url
            assert "Formulier verlopen" in response.content.decode()
        self.conversation.refresh_from_db()
        assert self.conversation.status == "nieuw"
        assert HandoffRequest.objects.filter(pk=self.handoff.pk).exists()
        other.refresh_from_db()
        assert other.role == "reviewer"
        # the login form itself
        anonymous = Client(enforce_csrf_checks=True)
        assert (
            anonymous.post(
                reverse("review:login"), {"username": "admin-tester", "password": PASSWORD}
            ).status_code
            == 403
        )

    def test_every_form_in_the_templates_carries_a_csrf_token(self):
        for template in TEMPLATES.rglob("*.html"):
            source = template.read_text()
            for form in re.findall(r"<form[^>]*>.*?</form>", source, flags=re.S):
                if 'method="post"' in form:
                    assert "{% csrf_token %}" in form, template.name


def settings_from_env(**values):
    import os
    from unittest import mock

    from leercoach import settings as leercoach_settings

    with mock.patch.dict(os.environ, values):
        if not values:
            os.environ.pop("LEERCOACH_REVIEW_TRUSTED_PROXIES", None)
        return leercoach_settings.review_trusted_proxies()


class LoginTests(TestCase):
    def setUp(self):
        make_user("hr", "reviewer")

    def test_five_wrong_passwords_lock_the_account_on_that_address_even_with_the_right_one_after(self):
        client = Client()
        for _ in range(4):
            page = client.post(reverse("review:login"), {"username": "hr", "password": "fout"})
            assert page.status_code == 200 and "klopt niet" in page.content.decode()
        assert client.post(reverse("review:login"), {"username": "hr", "password": "fout"}).status_code == 429
        response = Client().post(reverse("review:login"), {"username": "hr", "password": PASSWORD})
        assert response.status_code == 429
        assert "geblokkeerd" in response.content.decode()
        assert "_auth_user_id" not in client.session
        actions = [e.action for e in audit_log.entries(limit=8)]
        assert "lockout" in actions and actions.count("login_failed") >= 5

    def fail(self, times, username, **client):
        for _ in range(times):
            Client(**client).post(reverse("review:login"), {"username": username, "password": "fout"})

    def logs_in(self, username="hr", **client) -> bool:
        response = Client(**client).post(
            reverse("review:login"), {"username": username, "password": PASSWORD}
        )
        return response.status_code == 302

    def test_ten_failed_logins_through_the_proxy_do_not_lock_out_another_user(self):
        # Behind the TLS proxy every request has the proxy's address.
        for name in ("admin", "root", "beheer", "hr.anna", "test"):
            self.fail(2, name, REMOTE_ADDR=PROXY)
        assert self.logs_in(REMOTE_ADDR=PROXY)

    @override_settings(REVIEW_TRUSTED_PROXIES=(ip_network(PROXY),))
    def test_behind_a_trusted_proxy_the_attacker_is_locked_out_not_the_user(self):
        self.fail(10, "hr", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
        assert not self.logs_in(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
        assert self.logs_in(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")

    def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(self):
        # A client that writes its own header cannot spread its failures over made-up addresses.
        for index in range(5):
            self.fail(1, "hr", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{index}")
        assert not self.logs_in(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        with override_settings(REVIEW_TRUSTED_PROXIES=(ip_network(PROXY),)):
            # Only the proxy's own hop counts: a forged one to its left is never reached.
            forged = "198.51.100.7, 192.0.2.1"
            assert not self.logs_in(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged)
            assert not self.logs_in(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.8")

    def test_the_trusted_proxies_come_from_the_setting(self):
        assert settings_from_env(LEERCOACH_REVIEW_TRUSTED_PROXIES="10.0.0.5 10.1.0.0/16") == (
            ip_network("10.0.0.5/32"),
            ip_network("10.1.0.0/16"),
        )
        assert settings_from_env() == ()

    def test_a_failed_login_is_audited_without_what_was_typed(self):
        Client().post(reverse("review:login"), {"username": "mijn geheime wachtwoord", "password": "x"})
        entry = audit_log.entries("login_failed", limit=1)[0]
        assert entry.actor == "onbekend"

    def test_no_open_redirect_after_login(self):
        for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
            response = Client().post(
                reverse("review:login") + "?next=" + target,
                {"username": "hr", "password": PASSWORD, "next": target},
            )
            assert response.status_code == 302
            assert "evil" not in response["Location"], target
        response = Client().post(
            reverse("review:login"),
            {"username": "hr", "password": PASSWORD, "next": reverse("review:handoffs")},
        )
        assert response["Location"] == reverse("review:handoffs")

    def test_an_idle_session_expires(self):
        client = logged_in("reviewer")
        assert client.get(reverse("review:conversations")).status_code == 200
        Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
        response = client.get(reverse("review:conversations"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("review:login"))

    def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(self):
        client = Client()
        client.get(reverse("review:login"))
        client.post(reverse("review:login"), {"username": "hr", "password": PASSWORD})
        for name in ("leercoach_review_session", "leercoach_review_csrf"):
            cookie = client.cookies[name]
            assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict", name
        from django.conf import settings

        assert settings.SESSION_COOKIE_AGE <= 60 * 60 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE

    def test_passwords_are_hashed_with_argon2(self):
        from leercoach.review.models import User

        assert User.objects.get(username="hr").password.startswith("argon2$")


HOSTILE = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "[klik hier](javascript:alert(1))",
]


class EscapingTests(TestCase):
    def test_values_from_a_conversation_are_shown_as_text(self):
        at = now()
        conversation = store(
            "c" * 32,
            [
                seeding.user(HOSTILE[0], "nlu_fallback", 0.1, at),
                seeding.bot(HOSTILE[1], at + 1, [(HOSTILE[2], "/x")]),
                seeding.user(HOSTILE[2], "greet", 0.9, at + 2, channel='"><b>kanaal'),
            ],
        )
        reviewer = logged_in("reviewer")
        for url in (reverse("review:transcript", args=[conversation.pk]), reverse("review:conversations")):
            page = reviewer.get(url).content.decode()
            assert "<script>alert" not in page and "<img src=x" not in page and "<b>kanaal" not in page
            assert 'href="javascript' not in page
        page = reviewer.get(reverse("review:transcript", args=[conversation.pk])).content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
        assert "[klik hier](javascript:alert(1))" in page


class HeaderTests(TestCase):
    def test_every_page_has_a_content_security_policy_without_inline_script(self):
        reviewer = logged_in("admin")
        for url in (
            reverse("review:login"),
            reverse("review:conversations"),
            reverse("review:insights"),
            reverse("review:manage"),
            reverse("review:audit"),
            reverse("review:handoffs"),
        ):
            response = reviewer.get(url)
            policy = response["Content-Security-Policy"]
            assert (
                "script-src 'self'" in policy
                and "unsafe-inline" not in policy
                and "default-src 'none'" in policy
            )
            assert response["X-Frame-Options"] == "DENY"
            assert "<script" not in response.content.decode()
            assert 'style="' not in response.content.decode()

    def test_no_template_has_inline_script_or_style(self):
        for template in TEMPLATES.rglob("*.html"):
            source = template.read_text()
            assert "<script" not in source and "style=" not in source and "<style" not in source, (
                template.name
            )


HTTPS_CHECK = """
from django.test import Client
plain, secure = Client().get("/inloggen/"), Client().get("/inloggen/", secure=True)
print(plain.status_code, plain.get("Location", "-"))
print(secure.status_code, secure.get("Strict-Transport-Security", "-"))
print(secure.cookies["leercoach_review_csrf"]["secure"])
"""


def login_page_over_http_and_https(tmp_path, **env):
    from unittest import mock

    from tests.leercoach.handoff.conftest import review_django

    with mock.patch.dict(os.environ, env):
        return review_django(tmp_path / "state", HTTPS_CHECK).split("\n")


def test_with_https_on_plain_http_is_redirected_and_browsers_are_told_to_stay_on_https(tmp_path):
    plain, secure, cookie = login_page_over_http_and_https(tmp_path, LEERCOACH_REVIEW_HTTPS="1")[:3]
    assert plain == "301 https://testserver/inloggen/"
    assert secure == "200 max-age=31536000"
    assert cookie == "True"


def test_without_https_the_app_answers_plain_http_and_sends_no_hsts(tmp_path):
    plain, secure, cookie = login_page_over_http_and_https(tmp_path, LEERCOACH_REVIEW_HTTPS="")[:3]
    assert plain == "200 -" and secure == "200 -"
    assert cookie == "True"  # Secure cookies all the same: browsers accept them from http://localhost
