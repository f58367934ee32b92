import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()

# Web workers only (not every manage.py command): work features registered to do once at
# start (e.g. loading the Chinese word-cutting dictionary) happens before the first request.
import gc  # noqa: E402

from lms.features import warm_up_all  # noqa: E402  (needs the app registry set up above)

warm_up_all()
# What the start loaded (Django, Wagtail, the apps, jieba's dictionary: some 250,000
# objects) stays for the worker's life: the garbage collector need not walk it again. A
# full collection over it took 80 ms, a stall in whichever request met it, behind which
# every other request to the worker queued.
gc.freeze()
