"""The WSGI entry point (``gunicorn -c gunicorn.conf.py wsgi:app``): the only app built at import."""
import sys

from marketplace import create_app
from marketplace.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"zhangjiang-match cannot start: {error}")
