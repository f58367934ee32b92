import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()

# Web workers only (not every manage.py command): load the Chinese word-cutting dictionary
# before the first search instead of during it.
from cases.search import warm_up  # noqa: E402

warm_up()
