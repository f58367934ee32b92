from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("cases/week/", views.this_week, name="week"),
    path("cases/read/<id:pk>/", views.case_read, name="read"),
    path("cases/check/<id:pk>/", views.case_check, name="check"),
    path("team/cases/", views.team_reads, name="team_reads"),
]
