from django.urls import path

from . import views

app_name = "retention"
urlpatterns = [
    path("", views.review, name="review"),
    path("families/<int:family_id>/", views.family, name="family"),
    path("families/<int:family_id>/hold/", views.hold_place, name="hold"),
    path("families/<int:family_id>/erase/", views.propose, name="propose"),
    path("holds/<int:hold_id>/lift/", views.hold_lift, name="lift"),
    path("erasures/<int:request_id>/", views.decide, name="decide"),
    path("schedule/", views.schedule, name="schedule"),
]
