from django.urls import path

from . import views

app_name = "subjectaccess"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/<int:family_id>/", views.request_new, name="new"),
    path("<int:request_id>/", views.request_detail, name="detail"),
    path("<int:request_id>/gather/", views.request_gather, name="gather"),
    path("<int:request_id>/extend/", views.request_extend, name="extend"),
    path("<int:request_id>/items/<int:item_id>/", views.item_review, name="item"),
    path("<int:request_id>/redactions/<int:redaction_id>/", views.redaction_decide, name="redaction"),
    path("<int:request_id>/submit/", views.request_submit, name="submit"),
    path("<int:request_id>/approve/", views.request_approve, name="approve"),
    path("<int:request_id>/return/", views.request_return, name="return"),
    path("<int:request_id>/release/", views.request_release, name="release"),
    path("<int:request_id>/bundle.pdf", views.bundle, name="bundle"),
    path("<int:request_id>/consultation/", views.consultation, name="consultation"),
]
