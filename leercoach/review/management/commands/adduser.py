import getpass
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from leercoach.review import passwords
from leercoach.review.management import migrate_quietly
from leercoach.review.models import User
from leercoach.review.roles import Role


class Command(BaseCommand):
    help = "Voegt een gebruiker toe (of zet een nieuw wachtwoord); het wachtwoord komt van standaardinvoer."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--role", required=True, choices=Role.values)

    def handle(self, name, role, **options):
        migrate_quietly()
        if sys.stdin.isatty():
            password = getpass.getpass("Wachtwoord: ")
            if password != getpass.getpass("Nog een keer: "):
                raise CommandError("De twee wachtwoorden verschillen; er is niets veranderd.")
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        account = get_user_model().objects.filter(username=name).first() or User(username=name)
        refused = passwords.problems(password, account)
        if refused:
            raise CommandError("Wachtwoord niet goed: " + " ".join(refused))
        new = account.pk is None
        account.role = role
        account.is_active = True
        account.set_password(password)
        account.save()
        from leercoach.review import audit_log

        audit_log.record(
            "user_added" if new else "role_changed", actor="beheer (commandoregel)", detail=f"{name}: {role}"
        )
        self.stdout.write(f"{'Toegevoegd' if new else 'Bijgewerkt'}: {name} ({role}).")
