from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    # Two spellings of one page with one name: `{% url 'incidents:create' %}?contact=<id>` (from a contact, issue 3)
    # and `{% url 'incidents:create' family.pk %}` (from the case file).
    path("new/", views.create, name="create"),
    path("families/<int:family_id>/new/", views.create, name="create"),
    path("families/<int:family_id>/", views.family_incidents, name="family"),
    path("<int:incident_id>/", views.detail, name="detail"),
    path("<int:incident_id>/police/", views.police, name="police"),
    path("<int:incident_id>/share/", views.share, name="share"),
    path("workers/<int:affected_id>/", views.worker, name="worker"),
]
