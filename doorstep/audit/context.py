"""Where the current request came from, so that services can audit without being handed the request."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None = None
    path: str = ""


current_origin: ContextVar[RequestOrigin] = ContextVar("doorstep_request_origin", default=RequestOrigin())
