"""WSGI entry point for gunicorn: leercoach.review.wsgi:application."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leercoach.review.settings")
application = get_wsgi_application()
