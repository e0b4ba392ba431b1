from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AgencySystemTokenScheme(OpenApiAuthenticationExtension):
    target_class = "doorstep.agencies.api_auth.AgencySystemTokenAuthentication"
    name = "agencySystemToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": ("A partner system's token: `Token <key>`. One per agency system; it works once a "
                                "manager of the agency has approved it, until it expires or is revoked. A read-only "
                                "token is refused every write (403).")}
