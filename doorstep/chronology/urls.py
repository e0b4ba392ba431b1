from django.urls import path

from . import views

app_name = "chronology"
urlpatterns = [
    path("families/<int:family_id>/", views.family_chronology, name="family"),
    path("families/<int:family_id>/chronology.csv", views.export_csv, name="csv"),
    path("families/<int:family_id>/chronology.pdf", views.export_pdf, name="pdf"),
    path("families/<int:family_id>/exports/<int:export_id>/", views.export_status, name="export"),
    path("families/<int:family_id>/exports/<int:export_id>/download", views.export_download,
         name="export-download"),
    path("entries/<int:entry_id>/analysis/", views.comment, name="comment"),
]
