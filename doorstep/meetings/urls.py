from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("board/", views.board, name="board"),
    path("families/<int:family_id>/", views.family_meetings, name="family"),
    path("families/<int:family_id>/new/", views.call, name="call"),
    path("escalations/<int:escalation_id>/", views.call_from_escalation, name="call_from_escalation"),
    path("<int:meeting_id>/", views.detail, name="detail"),
    path("<int:meeting_id>/invite/", views.invite, name="invite"),
    path("<int:meeting_id>/move/", views.reschedule, name="reschedule"),
    path("<int:meeting_id>/cancel/", views.cancel, name="cancel"),
    path("<int:meeting_id>/held/", views.held, name="held"),
    path("<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:meeting_id>/minutes/edit/", views.minutes_edit, name="minutes_edit"),
    path("<int:meeting_id>/minutes/actions/new/", views.action_add, name="action_add"),
    path("<int:meeting_id>/minutes/circulate/", views.minutes_circulate, name="minutes_circulate"),
    path("actions/<int:action_id>/", views.action, name="action"),
    path("actions/<int:action_id>/progress/", views.action_progress, name="action_progress"),
    path("actions/<int:action_id>/remove/", views.action_remove, name="action_remove"),
    path("invitations/<int:invitation_id>/reply/", views.respond, name="respond"),
    path("invitations/<int:invitation_id>/confidentiality/", views.confidentiality, name="confidentiality"),
]
