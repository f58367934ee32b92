from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("cases/week/", views.this_week, name="week"),
    path("cases/read/<int:pk>/", views.case_read, name="read"),
    path("cases/check/<int:pk>/", views.case_check, name="check"),
    path("team/cases/", views.team_reads, name="team_reads"),
]
