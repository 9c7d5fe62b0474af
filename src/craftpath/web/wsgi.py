"""The WSGI entry point for any production server (`craftpath serve` uses waitress).

A setting that cannot be used stops the server's start with one line naming it, as the
`craftpath` command does, not with a traceback."""

import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from craftpath import config

from .database import DatabaseURLError

config.put_default("DJANGO_SETTINGS_MODULE", "craftpath.web.settings")
try:
    application = get_wsgi_application()
except (config.ConfigError, DatabaseURLError, ImproperlyConfigured) as error:
    print(f"craftpath: error: {error}", file=sys.stderr)
    raise SystemExit(2) from None
