"""
Views for `make bench` only, mounted by lms/urls.py when ACADEMY_BENCH is set and absent from
every other deployment: the baselines the pages are measured against (tests/bench/run.py).
"""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path


def bench_bare(request):
    """The least a Django view can do, behind the same server and middleware as every page."""
    return HttpResponse("ok", content_type="text/plain")


def bench_signed_in(request):
    """
    The floor of every signed-in page: the session and user looked up, the navigation's
    context built and the base template rendered around nothing. The benchmarks compare
    learner pages with this as well as with the bare view, to tell the cost of being a
    signed-in page from the cost of the page's own work.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "bench/signed_in.html")


urlpatterns = [
    path("bench/bare/", bench_bare, name="bench_bare"),
    path("bench/signed-in/", bench_signed_in, name="bench_signed_in"),
]
