"""The WSGI entry point for any production server (`craftpath serve` uses waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.web.settings")
application = get_wsgi_application()
