import time

from django.core.management.base import BaseCommand

from leercoach.review import summary
from leercoach.review.management import migrate_quietly


class Command(BaseCommand):
    help = (
        "Leest nieuwe gebeurtenissen uit de tracker store in de samenvatting van de HR-review en "
        "haalt weg wat de tracker store niet meer heeft (met --every: steeds opnieuw)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDEN",
            help="herhalen, met zoveel seconden ertussen",
        )

    def handle(self, every, **options):
        migrate_quietly()
        if every <= 0:
            start = time.perf_counter()
            read = summary.sync()
            self.stdout.write(f"{read} gebeurtenissen gelezen in {time.perf_counter() - start:.1f} s.")
            return
        while True:  # until stopped (Ctrl-C, SIGTERM)
            summary.sync_quietly()
            time.sleep(every)
