from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.i18n import set_language
from django.views.static import serve as serve_static
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.views import api, dashboard, health, people

app_patterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("team/", people.team_roster, name="team_roster"),
    re_path(r"^team/export\.(?P<fmt>csv|xlsx)$", people.team_export, name="team_export"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("api/v1/people/", api.people, name="api_people"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include((app_patterns, "lms"))),
]

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
