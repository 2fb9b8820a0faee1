from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "leercoach.review"
    label = "review"
    verbose_name = "Leercoach HR-review"

    def ready(self) -> None:
        from leercoach.review import signals  # noqa: F401  (audit of logins and failed logins)
