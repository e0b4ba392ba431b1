from django.urls import path

from . import views

app_name = "agreements"
urlpatterns = [
    path("families/<int:family_id>/new/", views.create, name="create"),
    path("<int:agreement_id>/", views.detail, name="detail"),
    path("<int:agreement_id>/revise/", views.revise, name="revise"),
    path("<int:agreement_id>/review/", views.review, name="review"),
    path("versions/<int:version_id>/", views.version, name="version"),
    path("versions/<int:version_id>/pdf/", views.version_pdf, name="version_pdf"),
    path("versions/<int:version_id>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:version_id>/issue/", views.version_issue, name="version_issue"),
    path("versions/<int:version_id>/response/", views.version_respond, name="version_respond"),
    path("versions/<int:version_id>/signed-copy/", views.signed_copy, name="signed_copy"),
    # AGR-2: from a contact (?contact=<id>), an incident (?incident=<id>) or the agreement (?agreement=<id>).
    path("breaches/new/", views.breach_create, name="breach_create"),
]
