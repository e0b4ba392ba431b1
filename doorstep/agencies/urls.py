from django.urls import path

from . import views

app_name = "agencies"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/approve/", views.token_approve, name="token_approve"),
    path("tokens/<int:token_id>/decline/", views.token_decline, name="token_decline"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:approval_id>/approve/", views.account_approve, name="account_approve"),
    path("accounts/<int:approval_id>/decline/", views.account_decline, name="account_decline"),
]
