"""The demo's own mail server and mailbox (issue 17): `make demo` has no real SMTP server, so it starts this one
(aiosmtpd) on a free local port and Doorstep sends its e-mails there; each message is kept as a file in
`DOORSTEP_DEMO_MAILBOX` and shown on the "Demo mailbox" page, so a person trying the demo sees the invitations,
alarms and notices that would have gone out. Never in production (config/settings.py refuses the setting there).

    python -m doorstep.core.demo_mail --free-port                  # prints a free port
    python -m doorstep.core.demo_mail --port 8025 --directory var/demo-mailbox
"""

import argparse
import email
import email.policy
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

# The page shows the newest messages only: a demo left running for days does not make a page of thousands.
SHOWN = 100


class MailboxHandler:
    """aiosmtpd handler: every message accepted is written to one file, named so that the newest sorts last."""

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.eml"
        temporary = self.directory / f".{name}"
        temporary.write_bytes(envelope.content)
        temporary.rename(self.directory / name)  # the page never reads half a message
        return "250 Message accepted for delivery"


@dataclass(frozen=True)
class DemoEmail:
    sent_at: datetime | None
    sender: str
    to: str
    subject: str
    body: str


def mailbox_read(*, directory: Path, limit: int = SHOWN) -> list[DemoEmail]:
    """The newest messages first."""
    if not directory.is_dir():
        return []
    messages = []
    for path in sorted(directory.glob("[0-9]*.eml"), reverse=True)[:limit]:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",))
        try:
            sent_at = parsedate_to_datetime(message["Date"]) if message["Date"] else None
        except (TypeError, ValueError):
            sent_at = None
        messages.append(DemoEmail(sent_at=sent_at, sender=str(message["From"] or ""), to=str(message["To"] or ""),
                                  subject=str(message["Subject"] or ""),
                                  body=part.get_content() if part is not None else ""))
    return messages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(*, port: int, directory: Path):
    from aiosmtpd.controller import Controller

    controller = Controller(MailboxHandler(directory), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def main() -> None:
    parser = argparse.ArgumentParser(description="The demo's local SMTP server (never for production).")
    parser.add_argument("--free-port", action="store_true", help="print a free local port and stop")
    parser.add_argument("--port", type=int)
    parser.add_argument("--directory", type=Path, default=Path("var/demo-mailbox"))
    args = parser.parse_args()
    if args.free_port:
        print(free_port())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    if settings.PRODUCTION:
        raise SystemExit("The demo mail server is not for production.")
    controller = serve(port=args.port or free_port(), directory=args.directory)
    print(f"Demo mail server on 127.0.0.1:{controller.port}: e-mails appear under 'Demo mailbox'.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()


# --- the page ---


def demo_mailbox_enabled() -> bool:
    return bool(settings.DOORSTEP_DEMO_MAILBOX) and not settings.PRODUCTION


@require_safe
@login_required
def mailbox(request):
    """Every e-mail the demo caught, for any signed-in person (e-mails carry no family data: only a kind and a link)."""
    if not demo_mailbox_enabled():
        raise Http404("Only in the demo")
    return render(request, "core/demo_mailbox.html",
                  {"messages": mailbox_read(directory=Path(settings.DOORSTEP_DEMO_MAILBOX))})
