from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import AgencySystemToken


class AgencySystemTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` for a partner system of an agency; revoked tokens are refused."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The token header must be 'Token <key>'."))
        key = header[1].decode(errors="replace")
        token = (
            AgencySystemToken.objects.select_related("account", "account__agency")
            .filter(digest=AgencySystemToken.digest_of(key))
            .first()
        )
        if token is None or token.revoked_at is not None or not token.account.is_active:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has been revoked."))
        AgencySystemToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.account, token

    def authenticate_header(self, request):
        return self.keyword
