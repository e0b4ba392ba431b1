from django.urls import path

from . import views

app_name = "recording"
urlpatterns = [
    path("terms/", views.terms, name="terms"),
    path("terms/<int:term_id>/", views.term, name="term"),
    path("corrections/new/<str:kind>/<int:record_id>/", views.correction_new, name="correction_new"),
    path("corrections/<int:request_id>/", views.correction, name="correction"),
    path("corrections/<int:request_id>/decide/", views.correction_decide, name="correction_decide"),
]
