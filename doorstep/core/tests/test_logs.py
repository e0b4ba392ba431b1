"""Issue 17: one JSON line per request in production (who, which view, status, duration; never family data), and a
quiet console in the demo."""

import json
import logging

from doorstep.core.logs import DoorstepJsonFormatter, QuietFilter, RequestIdFilter


def _json_lines(caplog) -> list[dict]:
    formatter, ids = DoorstepJsonFormatter(), RequestIdFilter()
    lines = []
    for record in caplog.records:
        if record.name == "doorstep.request":
            ids.filter(record)
            lines.append(json.loads(formatter.format(record)))
    return lines


def test_a_request_is_one_json_line_with_who_what_and_how_long(world, client, caplog):
    user = world.users["involved_practitioner"]
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="doorstep.request"):
        response = client.get(f"/families/{world.family.pk}/", HTTP_X_REQUEST_ID="lb-1234")
    assert response.status_code == 200 and response["X-Request-ID"] == "lb-1234"
    [line] = _json_lines(caplog)
    assert line["request_id"] == "lb-1234"
    assert line["user_id"] == user.pk and line["agency_id"] == user.agency_id
    assert (line["view"], line["method"], line["status"]) == ("families:detail", "GET", 200)
    assert line["duration_ms"] >= 0 and line["levelname"] == "INFO" and "time" in line
    text = json.dumps(line)
    assert str(world.family.pk) not in line["message"] and "Testing" not in text and "/families/" not in text


def test_a_made_up_request_id_is_replaced_and_a_refusal_is_one_line(world, client, caplog):
    client.force_login(world.users["uninvolved"])
    with caplog.at_level(logging.INFO):
        response = client.get(f"/families/{world.family.pk}/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response.status_code in (403, 404)
    [line] = _json_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["status"] == response.status_code
    # Django's own warning for the refusal (with its traceback) is what the quiet filter drops.
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert refused and not any(QuietFilter().filter(r) for r in refused)


def test_the_quiet_filter_drops_the_worker_line_per_task_but_keeps_errors():
    quiet = QuietFilter()

    def record(name, level):
        return logging.LogRecord(name, level, __file__, 1, "message", None, None)

    assert not quiet.filter(record("django_tasks_db", logging.INFO))
    assert not quiet.filter(record("django_tasks", logging.INFO))
    assert quiet.filter(record("django_tasks_db", logging.ERROR))
    assert quiet.filter(record("django.request", logging.ERROR))
    assert quiet.filter(record("doorstep.visits", logging.WARNING))
