from django.urls import path

from . import views

app_name = "markers"
urlpatterns = [
    path("address-check/", views.address_check, name="address_check"),
    path("awaiting/", views.awaiting, name="awaiting"),
    path("families/<int:family_id>/", views.family_markers, name="family"),
    path("families/<int:family_id>/new/", views.create, name="create"),
    path("<int:marker_id>/", views.detail, name="detail"),
    path("<int:marker_id>/authorise/", views.authorise, name="authorise"),
    path("<int:marker_id>/review/", views.review, name="review"),
    path("<int:marker_id>/end/", views.end, name="end"),
]
