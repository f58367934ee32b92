from django.urls import path

from cases import views
from cases.practice import views as practice

app_name = "cases"
urlpatterns = [
    path("cases/week/", views.this_week, name="week"),
    path("cases/read/<id:pk>/", views.case_read, name="read"),
    path("cases/check/<id:pk>/", views.case_check, name="check"),
    path("team/cases/", views.team_reads, name="team_reads"),
    path("practice/", practice.practice_list, name="practice"),
    path("practice/runs/", practice.practice_reviews, name="practice_reviews"),
    path("practice/runs/<id:pk>/", practice.practice_debrief, name="practice_debrief"),
    path("practice/runs/<id:pk>/reply/", practice.practice_answer, name="practice_reply"),
    path("practice/runs/<id:pk>/review/", practice.practice_review, name="practice_review"),
    path("practice/<slug:slug>/", practice.practice_play, name="practice_play"),
    path("practice/<slug:slug>/start/", practice.practice_start, name="practice_start"),
]
