from django.urls import path, re_path

from certification import credential_views, views

app_name = "certification"
urlpatterns = [
    path("certification/", views.my_certification, name="mine"),
    path("certification/register/", views.register, name="register"),
    path(
        "certification/certificates/<id:pk>/pdf/",
        views.certificate_download,
        name="certificate_pdf",
    ),
    path("team/certifications/", views.team_certifications, name="team"),
    re_path(
        r"^team/certifications/export\.(?P<fmt>csv|xlsx)$",
        views.team_certifications_export,
        name="team_export",
    ),
    path("team/certifications/certificates.zip", views.team_certificates_zip, name="team_zip"),
    path("team/certifications/<id:pk>/recommend/", views.recommend, name="recommend"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/certificate.pdf", views.verify_pdf, name="verify_pdf"),
    path("verify/<str:code>/badge.json", views.verify_badge, name="verify_badge"),
    path("credentials/issuer/", credential_views.issuer, name="issuer"),
    re_path(
        r"^credentials/status/(?P<name>revocation|supersession)/$",
        credential_views.status_list,
        name="status_list",
    ),
    re_path(
        r"^credentials/achievements/(?P<level>[a-z]+)/$",
        credential_views.achievement,
        name="achievement",
    ),
]
