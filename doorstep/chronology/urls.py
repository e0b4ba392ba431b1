from django.urls import path

from . import views

app_name = "chronology"
urlpatterns = [
    path("families/<int:family_id>/", views.family_chronology, name="family"),
    path("families/<int:family_id>/chronology.csv", views.export_csv, name="csv"),
    path("families/<int:family_id>/chronology.pdf", views.export_pdf, name="pdf"),
    path("entries/<int:entry_id>/analysis/", views.comment, name="comment"),
]
