from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("staff/<int:worker_id>/", views.worker, name="worker"),
    path("staff/<int:worker_id>/plan/", views.plan, name="plan"),
    # ?session=<id> records or cancels a planned supervision.
    path("staff/<int:worker_id>/record/", views.record, name="record"),
    path("staff/<int:worker_id>/cancel/", views.cancel, name="cancel"),
    path("<int:session_id>/", views.session, name="session"),
    path("<int:session_id>/cases/new/", views.case_add, name="case_add"),
    path("<int:session_id>/read/", views.acknowledge, name="acknowledge"),
    path("cases/<int:case_id>/decisions/new/", views.decision_add, name="decision_add"),
    path("action-plans/<int:plan_id>/", views.action_plan, name="action_plan"),
    path("action-plans/<int:plan_id>/withdraw/", views.action_plan_withdraw, name="action_plan_withdraw"),
    path("families/<int:family_id>/decisions/", views.family_decisions, name="family_decisions"),
]
