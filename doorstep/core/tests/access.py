from doorstep.testing.access import BOARD_READERS, EVERYONE, NOBODY, SIGNED_IN, Route

ROUTES = [
    Route("home", SIGNED_IN),
    # OVR-2 (issue 19): the Board's report, its downloads and its API. Issue 21: the world's Board chair and analyst
    # read the world's (default) partnership's; another partnership's is refused to them (core/tests/test_board.py).
    Route("board_report", BOARD_READERS),
    Route("board_report_csv", BOARD_READERS),
    Route("board_report_pdf", BOARD_READERS),
    Route("board-report-list", BOARD_READERS, api=True),
    Route("login", EVERYONE),
    # Empty: the sign-in form with its errors; someone already signed in is sent on to the home page.
    Route("login", EVERYONE, method="post"),
    Route("logout", EVERYONE, method="post"),
    Route("language", EVERYONE, query="lang=cy&next=/"),
    Route("session_extend", SIGNED_IN, method="post"),
    Route("password_change", SIGNED_IN),
    Route("password_change", SIGNED_IN, method="post"),
    Route("password_change_done", SIGNED_IN),
    # Password reset is for people who cannot sign in: open to everyone, and says nothing about who has an account.
    Route("password_reset", EVERYONE),
    Route("password_reset", EVERYONE, method="post"),
    Route("password_reset_done", EVERYONE),
    Route("password_reset_confirm", EVERYONE, lambda w: {"uidb64": "MQ", "token": "set-password"},
          note="an unknown link shows the expired-link page"),
    Route("password_reset_confirm", EVERYONE, lambda w: {"uidb64": "MQ", "token": "set-password"}, method="post",
          note="an unknown link shows the expired-link page"),
    Route("password_reset_complete", EVERYONE),
    Route("two_step", SIGNED_IN),
    # Empty: the code is asked for again (each person sets up their own authenticator).
    Route("two_step", SIGNED_IN, method="post"),
    # Without a confirmed device, the verify page sends you to set one up (still allowed, not refused).
    Route("two_step_verify", SIGNED_IN),
    Route("two_step_verify", SIGNED_IN, method="post"),
    Route("api-schema", SIGNED_IN, api=True),
    Route("api-docs", SIGNED_IN, api=True),
    Route("api-root", SIGNED_IN, api=True),
    # Issue 17: health checks are open to anyone and say nothing about any family (503 is an answer, not a refusal).
    Route("healthz", EVERYONE),
    Route("readyz", EVERYONE),
    # Only in the demo (DOORSTEP_DEMO_MAILBOX unset here: 404 for everyone); tested in test_demo_mail.py.
    Route("demo_mailbox", NOBODY, note="exists only in the demo"),
    Route("metrics", NOBODY, note="only with the bearer token DOORSTEP_METRICS_TOKEN, which no position holds"),
]
