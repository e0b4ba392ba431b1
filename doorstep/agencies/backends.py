from django.contrib.auth.backends import ModelBackend


class ApprovedAccountBackend(ModelBackend):
    """Django's sign-in by username and password, for accounts that may be used (issue 13): an account that an
    administrator added to an agency, or whose e-mail address or agency they changed, waits for a manager's approval
    (`AccountApproval`) before it signs in, and a session it already had stops working until then."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not getattr(user, "awaiting_approval", False)
