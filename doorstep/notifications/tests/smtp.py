"""A real SMTP server on localhost for tests (aiosmtpd), that can be stopped and started again on the same port."""

import asyncio
import email
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """Every message the server accepted, in order. `delay` holds each message before accepting it."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.messages: list[email.message.Message] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    @property
    def message_ids(self) -> list[str]:
        with self._lock:
            return [m["Message-ID"].strip("<>").partition("@")[0] for m in self.messages]

    def to(self) -> list[str]:
        with self._lock:
            return [m["To"] for m in self.messages]


class SmtpServer:
    def __init__(self, inbox: Inbox, port: int | None = None):
        self.inbox = inbox
        self.port = port or free_port()
        self._controller: Controller | None = None

    def start(self) -> "SmtpServer":
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
