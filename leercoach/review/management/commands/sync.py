import time

from django.core.management.base import BaseCommand

from leercoach.review import summary


class Command(BaseCommand):
    help = "Leest nieuwe gebeurtenissen uit de tracker store in de samenvatting van de HR-review."

    def handle(self, **options):
        start = time.perf_counter()
        read = summary.sync()
        self.stdout.write(f"{read} gebeurtenissen gelezen in {time.perf_counter() - start:.1f} s.")
