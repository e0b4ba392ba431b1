from django.urls import path

from . import views

app_name = "families"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<int:family_id>/", views.detail, name="detail"),
    # Issue 18: the case file's other sub pages (families/casefile.py SECTIONS).
    path("<int:family_id>/children/", views.detail, {"section": "children"}, name="children"),
    path("<int:family_id>/engagement/", views.detail, {"section": "engagement"}, name="engagement"),
    path("<int:family_id>/meetings-and-plan/", views.detail, {"section": "meetings"}, name="meetings"),
    path("<int:family_id>/agreement/", views.detail, {"section": "agreement"}, name="agreement"),
    path("<int:family_id>/safety/", views.detail, {"section": "safety"}, name="safety"),
    path("<int:family_id>/people/new/", views.person_add, name="person_add"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<int:family_id>/address/", views.move, name="move"),
    path("<int:family_id>/involvements/new/", views.involvement_add, name="involvement_add"),
    path("involvements/<int:involvement_id>/end/", views.involvement_end, name="involvement_end"),
    path("<int:family_id>/lead/", views.overall_lead, name="overall_lead"),
    path("<int:family_id>/seen-by/", views.seen_by, name="seen_by"),
    path("emergency-access/", views.break_glass, name="break_glass"),
    path("emergency-access/review/", views.break_glass_review, name="break_glass_review"),
    path("emergency-access/review/<int:grant_id>/", views.break_glass_review_one, name="break_glass_review_one"),
]
