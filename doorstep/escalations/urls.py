from django.urls import path

from . import views

app_name = "escalations"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("<int:escalation_id>/", views.detail, name="detail"),
    path("<int:escalation_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:escalation_id>/done/", views.complete, name="complete"),
    path("<int:escalation_id>/cancel/", views.cancel, name="cancel"),
    path("families/<int:family_id>/non-compliance/", views.non_compliance, name="non_compliance"),
    path("involvements/<int:involvement_id>/before-ending/", views.ending, name="ending"),
    path("rules/", views.rules, name="rules"),
    path("rules/<str:rule_id>/", views.rule_edit, name="rule_edit"),
]
