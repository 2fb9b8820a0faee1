from django.core.management import call_command


def migrate_quietly() -> None:
    """The first run needs no set-up: every command that touches the database creates it first."""
    call_command("migrate", interactive=False, verbosity=0)
