from django.urls import path

from . import views

app_name = "engagement"
urlpatterns = [
    path("families/<int:family_id>/contacts/new/", views.record, name="record"),
    path("families/<int:family_id>/defaulted/", views.defaulted, name="defaulted"),
    path("families/<int:family_id>/picture/", views.picture, name="picture"),
    path("contacts/<int:contact_id>/", views.detail, name="detail"),
    path("contacts/<int:contact_id>/correct/", views.correct, name="correct"),
    path("contacts/<int:contact_id>/entered-in-error/", views.entered_in_error, name="entered_in_error"),
    path("contacts/<int:contact_id>/follow-up/", views.follow_up, name="follow_up"),
    path("contacts/<int:contact_id>/summary/", views.letter_create, name="letter_create"),
    path("summaries/<int:letter_id>/", views.letter_detail, name="letter_detail"),
    path("summaries/<int:letter_id>/pdf/", views.letter_download, name="letter_pdf"),
    path("settings/", views.settings_page, name="settings"),
]
