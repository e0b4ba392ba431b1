from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("drift/", views.signals, name="signals"),
    path("visits/", views.discrepancies, name="discrepancies"),
    path("visits/<int:discrepancy_id>/", views.discrepancy, name="discrepancy"),
]
