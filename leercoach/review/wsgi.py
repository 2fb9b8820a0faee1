"""WSGI entry point for gunicorn: leercoach.review.wsgi:application."""

import os

from django.core.wsgi import get_wsgi_application

from leercoach.review import state

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leercoach.review.settings")
state.prepare()  # `serve` did it already; this is for another WSGI server
application = get_wsgi_application()
