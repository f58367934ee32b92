from django.urls import path, re_path

from certification import (
    credential_views,
    opening_views,
    proposal_views,
    qa_training_views,
    report_views,
    views,
)

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
    path("careers/openings/", opening_views.openings, name="openings"),
    path("careers/openings/new/", opening_views.opening_new, name="opening_new"),
    path("careers/openings/<id:pk>/", opening_views.opening_detail, name="opening"),
    path("careers/openings/<id:pk>/apply/", opening_views.opening_apply_view, name="opening_apply"),
    path("careers/openings/<id:pk>/close/", opening_views.opening_close_view, name="opening_close"),
    path(
        "careers/openings/<id:pk>/matrix.xlsx", opening_views.opening_export, name="opening_export"
    ),
    path(
        "careers/applications/<id:pk>/decide/",
        opening_views.application_decide_view,
        name="application_decide",
    ),
    path("training-report/", report_views.training_report, name="training_report"),
    path(
        "training-report/export.<export:fmt>",
        report_views.training_report_export,
        name="training_report_export",
    ),
    path("careers/proposals/", proposal_views.proposals, name="proposals"),
    path("careers/proposals/submit/", proposal_views.proposal_submit_view, name="proposal_submit"),
    path("careers/proposals/<id:pk>/", proposal_views.proposal_detail, name="proposal"),
    path(
        "careers/proposals/<id:pk>/review/",
        proposal_views.proposal_review_view,
        name="proposal_review",
    ),
    path(
        "careers/proposals/<id:pk>/outcome/",
        proposal_views.proposal_outcome_view,
        name="proposal_outcome",
    ),
    path("careers/qa-training/", qa_training_views.qa_training, name="qa_training"),
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
