from django.urls import path

from cases import views
from cases.practice import views as practice
from cases.refreshers import views as refreshers

app_name = "cases"
urlpatterns = [
    path("cases/week/", views.this_week, name="week"),
    path("cases/read/<id:pk>/", views.case_read, name="read"),
    path("cases/check/<id:pk>/", views.case_check, name="check"),
    path("team/cases/", views.team_reads, name="team_reads"),
    path("refreshers/", refreshers.refresher_list, name="refreshers"),
    path("refreshers/<id:pk>/", refreshers.refresher_detail, name="refresher"),
    path("refreshers/<id:pk>/done/", refreshers.refresher_done, name="refresher_done"),
    path("team/refreshers/", refreshers.team_refresher_list, name="team_refreshers"),
    path("practice/", practice.practice_list, name="practice"),
    path("practice/runs/", practice.practice_reviews, name="practice_reviews"),
    path("practice/runs/<id:pk>/", practice.practice_debrief, name="practice_debrief"),
    path("practice/runs/<id:pk>/reply/", practice.practice_answer, name="practice_reply"),
    path("practice/runs/<id:pk>/review/", practice.practice_review, name="practice_review"),
    path("practice/<slug:slug>/", practice.practice_play, name="practice_play"),
    path("practice/<slug:slug>/start/", practice.practice_start, name="practice_start"),
]
