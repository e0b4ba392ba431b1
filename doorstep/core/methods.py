"""Pages are HTML forms: they are read with GET (or HEAD) and changed with POST, and nothing else (issue 13).

The API (`/api/`) has its own methods per endpoint, which DRF enforces. Every other path refuses PUT, PATCH,
DELETE, OPTIONS and any other method with 405 before a view runs, so that a page view written as "if POST ... else
render" cannot be reached with a method nobody decided it should accept. The access matrix holds every route to it.
"""

from django.http import HttpResponseNotAllowed

PAGE_METHODS = ("GET", "HEAD", "POST")


class PageMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in PAGE_METHODS and not request.path.startswith("/api/"):
            return HttpResponseNotAllowed(PAGE_METHODS)
        return self.get_response(request)
