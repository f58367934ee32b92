from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from django.views.static import serve as serve_static
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.views import (
    api,
    dashboard,
    golive,
    health,
    learning,
    notices,
    people,
    recurring,
    reviews,
)

app_patterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("team/", people.team_roster, name="team_roster"),
    path("team/export.<export:fmt>", people.team_export, name="team_export"),
    path("team/training/", recurring.team_training, name="team_training"),
    path("people/<id:pk>/", people.person_detail, name="person_detail"),
    path("team/<id:pk>/golive/", golive.golive_history, name="golive_history"),
    path("team/<id:pk>/golive/sign-off/", golive.golive_sign_off_view, name="golive_sign_off"),
    path("team/<id:pk>/golive/revert/", golive.golive_revert_view, name="golive_revert"),
    # The JSON API (django-ninja): lms:api_people, lms:api_live, lms:openapi-json, ...
    path("api/v1/", include(api.api.urls[0])),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/<id:pk>/", notices.notice_open, name="notice"),
    path("notices/read-all/", notices.notices_read_all, name="notices_read_all"),
    path("notices/settings/", notices.notice_settings, name="notice_settings"),
    path("reviews/", reviews.review_queue, name="review_queue"),
    path("reviews/<id:pk>/", reviews.review_item, name="review_item"),
    path("lessons/<id:pk>/complete/", learning.lesson_mark_complete, name="lesson_complete"),
    path("quizzes/<id:pk>/", learning.quiz_overview, name="quiz"),
    path("quizzes/<id:pk>/start/", learning.quiz_start, name="quiz_start"),
    path("attempts/<id:pk>/", learning.attempt_take, name="attempt"),
    path("attempts/<id:pk>/save/", learning.attempt_save, name="attempt_save"),
    path("attempts/<id:pk>/submit/", learning.attempt_hand_in, name="attempt_submit"),
    path("attempts/<id:pk>/result/", learning.attempt_result, name="attempt_result"),
]

# A body over the size limit reaches Django's 400 handler: ours answers 413 in the reader's
# language (lms/views/errors.py).
handler400 = "lms.views.errors.bad_request"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Without CSRF protection on purpose: a forged switch only changes someone's interface
    # language, which they change back with one click, and leaving the token out of the
    # switch is what lets public pages (certificate verification) be cached for everyone.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include((app_patterns, "lms"))),
    path("", include("cases.urls")),
    path("", include("certification.urls")),
]

if settings.ACADEMY_BENCH:  # `make bench` only: the baselines pages are measured against
    urlpatterns += [path("", include("lms.bench"))]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve_static,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Wagtail serves the CMS pages (curricula, cases) for every other address: keep it last.
urlpatterns += [path("", include(wagtail_urls))]
