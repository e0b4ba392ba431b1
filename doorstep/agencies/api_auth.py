from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions

from .selectors import system_token_for_key
from .services import system_token_request_audit


class AgencySystemTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` for a partner system of an agency (issue 13 finding 2).

    A token works only once a manager of its agency has approved it, until it expires or is revoked; a read-only
    token is refused every write method (403). Every request made with a known token is audited against the
    token and the people who requested and approved it, refused or not.
    """

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The token header must be 'Token <key>'."))
        token = system_token_for_key(key=header[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has been revoked."))
        refusal = token.refusal(today=timezone.localdate())
        if refusal is not None:
            system_token_request_audit(token=token, method=request.method, refusal=str(refusal))
            raise exceptions.AuthenticationFailed(refusal)
        if request.method not in permissions.SAFE_METHODS and not token.can_write:
            # Raised here rather than in a permission class so that no view's permission_classes can forget it.
            refusal = _("This token may only read.")
            system_token_request_audit(token=token, method=request.method, refusal=str(refusal))
            raise exceptions.PermissionDenied(refusal)
        system_token_request_audit(token=token, method=request.method)
        return token.account, token

    def authenticate_header(self, request):
        return self.keyword
