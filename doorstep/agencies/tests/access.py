from doorstep.testing.access import (
    ADMINISTRATOR,
    BOARD_CHAIR,
    EVERYONE,
    INVOLVED_MANAGER,
    MANAGERS,
    SIGNED_IN,
    Route,
)
from doorstep.testing.world import partner_token


def _housing_token(world, *, approved: bool) -> dict:
    """A fresh token of housing (the uninvolved agency) for each request, so one role's action does not change
    what the next role finds."""
    token, _key = partner_token(world, agency=world.users["uninvolved_manager"].agency, approved=approved)
    return {"token_id": token.pk}


def _held_account(world) -> dict:
    """A fresh account that the administrator added to health, waiting for a health manager's approval."""
    from doorstep.agencies import services
    from doorstep.agencies.models import Professional, Role

    n = Professional.objects.count()
    person = services.professional_save_by_administrator(by=world.users["administrator"], professional=Professional(
        username=f"new.worker{n}", first_name="New", last_name="Worker", email=f"new{n}@example.org",
        agency=world.involvement.agency, role=Role.PRACTITIONER))
    return {"approval_id": person.approvals.get().pk}


ROUTES = [
    # Issue 13 finding 2: administrators ask for tokens; a manager of the token's agency approves or declines it.
    Route("agencies:tokens", ADMINISTRATOR | {"involved_manager", "uninvolved_manager"}),
    # Only administrators request a token (empty: the form with its errors); managers decide on the pages below.
    Route("agencies:tokens", ADMINISTRATOR, method="post"),
    Route("agencies:token_approve", frozenset({"uninvolved_manager"}), lambda w: _housing_token(w, approved=False),
          method="post"),
    Route("agencies:token_decline", frozenset({"uninvolved_manager"}), lambda w: _housing_token(w, approved=False),
          method="post"),
    Route("agencies:token_revoke", ADMINISTRATOR | {"uninvolved_manager"}, lambda w: _housing_token(w, approved=True),
          method="post"),
    # Issue 13: an account an administrator added or changed waits for a manager of its agency (health's here).
    Route("agencies:accounts", ADMINISTRATOR | MANAGERS | BOARD_CHAIR),
    Route("agencies:account_approve", INVOLVED_MANAGER, _held_account, method="post"),
    Route("agencies:account_decline", INVOLVED_MANAGER, _held_account, method="post"),
    # The link an administrator sends instead of setting a password: the link itself is the credential.
    Route("password_set", EVERYONE, lambda w: {"uidb64": "MQ", "token": "not-a-token"},
          note="a link that does not work says so to anyone"),
    Route("password_set", EVERYONE, lambda w: {"uidb64": "MQ", "token": "not-a-token"}, method="post",
          note="a link that does not work sets nothing and says so to anyone"),
    Route("password_set_done", EVERYONE),
    Route("agency-list", SIGNED_IN, api=True),
    Route("agency-detail", SIGNED_IN, lambda w: {"pk": w.users["uninvolved"].agency_id}, api=True),
    Route("professional-list", SIGNED_IN, api=True),
    Route("professional-detail", SIGNED_IN, lambda w: {"pk": w.users["uninvolved"].pk}, api=True),
]
