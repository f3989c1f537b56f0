from django.urls import path

from cycles import views

urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("new/", views.cycle_create, name="cycle_create"),
    path("<slug:cycle>/", views.cycle_detail, name="cycle_detail"),
    path("<slug:cycle>/dates/", views.cycle_dates, name="cycle_dates"),
    path("<slug:cycle>/close/", views.cycle_close, name="cycle_close"),
    path("<slug:cycle>/progress/", views.cycle_progress, name="cycle_progress"),
    path("<slug:cycle>/progress.csv", views.cycle_progress_export, {"fmt": "csv"}, name="cycle_progress_csv"),
    path(
        "<slug:cycle>/progress.xlsx", views.cycle_progress_export, {"fmt": "xlsx"}, name="cycle_progress_xlsx"
    ),
]
