import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()

# Web workers only (not every manage.py command): work features registered to do once at
# start (e.g. loading the Chinese word-cutting dictionary) happens before the first request.
from lms.features import warm_up_all  # noqa: E402  (needs the app registry set up above)

warm_up_all()
