from doorstep.agencies.models import AgencySystemToken
from doorstep.agencies.services import system_token_issue
from doorstep.testing.access import ADMINISTRATOR, SIGNED_IN, Route


def _token(world) -> dict:
    token = AgencySystemToken.objects.first()
    if token is None:
        token, _key = system_token_issue(by=world.users["administrator"],
                                         agency=world.users["uninvolved"].agency, system_name="Housing CRM")
    return {"token_id": token.pk}


ROUTES = [
    Route("agencies:tokens", ADMINISTRATOR),
    Route("agencies:token_revoke", ADMINISTRATOR, _token, method="post"),
    Route("admin:index", ADMINISTRATOR, note="the whole admin site is administrators-only (AdministratorsOnlySite)"),
    Route("agency-list", SIGNED_IN, api=True),
    Route("agency-detail", SIGNED_IN, lambda w: {"pk": w.users["uninvolved"].agency_id}, api=True),
    Route("professional-list", SIGNED_IN, api=True),
    Route("professional-detail", SIGNED_IN, lambda w: {"pk": w.users["uninvolved"].pk}, api=True),
]
