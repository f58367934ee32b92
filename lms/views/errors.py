"""
Error answers in the reader's language and the site's look, where Django's own are a bare
English line.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults


def bad_request(request, exception):
    """
    Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE through the 400 handler; that
    case is "too large" (413) and the person is told the limit in their language. The
    quiz page's autosave posts JSON and shows the message it gets back, so it gets JSON.
    Other bad requests keep Django's answer.
    """
    if not isinstance(exception, RequestDataTooBig):
        return defaults.bad_request(request, exception)
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    message = _(
        "What you sent is larger than the academy accepts at once (at most %(limit)s). "
        "Nothing of it was saved; what you saved before is unchanged. Shorten it and try again."
    ) % {"limit": limit}
    if request.content_type == "application/json" or "application/json" in request.headers.get(
        "Accept", ""
    ):
        return JsonResponse({"ok": False, "code": "too_large", "message": message}, status=413)
    return render(request, "413.html", {"message": message}, status=413)
