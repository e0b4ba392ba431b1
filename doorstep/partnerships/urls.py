from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("", views.partnerships, name="list"),
    path("new/", views.create, name="create"),
    path("<int:partnership_id>/", views.detail, name="detail"),
    path("<int:partnership_id>/protocol/", views.preset, name="preset"),
    path("<int:partnership_id>/rules/<str:rule_id>/", views.rule_edit, name="rule_edit"),
    # Issue 21: a family's transfer to another partnership.
    path("transfer/<int:family_id>/", views.transfer, name="transfer"),
]
