from .context import RequestOrigin, current_origin


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_origin.set(RequestOrigin(ip_address=request.META.get("REMOTE_ADDR"), path=request.path[:300]))
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)
