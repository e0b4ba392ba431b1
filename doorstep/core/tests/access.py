from doorstep.testing.access import EVERYONE, SIGNED_IN, Route

ROUTES = [
    Route("home", SIGNED_IN),
    Route("login", EVERYONE),
    Route("logout", EVERYONE, method="post"),
    Route("language", EVERYONE, query="lang=cy&next=/"),
    Route("session_extend", SIGNED_IN, method="post"),
    Route("two_step", SIGNED_IN),
    # Without a confirmed device, the verify page sends you to set one up (still allowed, not refused).
    Route("two_step_verify", SIGNED_IN),
    Route("api-schema", SIGNED_IN, api=True),
    Route("api-docs", SIGNED_IN, api=True),
    Route("api-root", SIGNED_IN, api=True),
]
