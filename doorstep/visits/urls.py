from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    # Issue 18, poor signal: the visit page as an installable web app (its shell, service worker and manifest).
    path("offline/", views.offline, name="offline"),
    path("service-worker.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("now/", views.board, name="board"),
    path("to-agree/", views.to_agree, name="to_agree"),
    path("families/<int:family_id>/plan/", views.plan, name="plan"),
    path("<int:visit_id>/", views.detail, name="detail"),
    path("<int:visit_id>/decide/", views.decide, name="decide"),
    path("<int:visit_id>/cancel/", views.cancel, name="cancel"),
    # Out on the visit: the worker's page and its check-ins (SAF-3, SAF-4).
    path("<int:visit_id>/go/", views.out, name="out"),
    path("<int:visit_id>/extend/", views.extend, name="extend"),
    path("<int:visit_id>/check-out/", views.check_out, name="check_out"),
    path("<int:visit_id>/something-happened/", views.something_happened, name="something_happened"),
    path("<int:visit_id>/help/", views.help_now, name="help"),
    path("<int:visit_id>/help/cancel/", views.help_cancel, name="help_cancel"),
    # The alarm: the emergency card for the people on the chain.
    path("<int:visit_id>/alarm/", views.alarm, name="alarm"),
    path("<int:visit_id>/alarm/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:visit_id>/alarm/resolve/", views.resolve, name="resolve"),
    path("<int:visit_id>/alarm/emergency/", views.emergency, name="emergency"),
]
