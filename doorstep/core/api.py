"""API errors carry a reason: a 4xx body always says what was wrong. The schema documents them (issue 13)."""

import copy
from datetime import UTC, datetime

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        # Issue 13 (finding 11): one answer for "does not exist" and "not yours", whatever the selector said.
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


# Issue 13: the errors every operation may answer with, documented once for the whole schema (an operation's own
# documentation of a status wins). The access rule answers "not found" for records that are not yours (P-4).
_ERROR = {"$ref": "#/components/schemas/Error"}
_ERRORS = {
    "400": ("The request is not valid: the reason for each field, or for the request as a whole.",
            {"$ref": "#/components/schemas/ValidationErrors"}),
    "401": ("Not signed in, or the partner-system token is not valid.", _ERROR),
    "403": ("Signed in, but your role may not do this.", _ERROR),
    "404": ("No such record, or not one you may see; or no such page of results.", _ERROR),
}
_SCHEMAS = {
    "Error": {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
    "ValidationErrors": {
        "type": "object",
        "description": "Each field that is not valid (or `non_field_errors`, or `detail`) with what is wrong.",
        "additionalProperties": {},
    },
}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: the error responses, on every operation that can give them; and ids
    in paths are positive (the routes take nothing else, finding 7)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(_SCHEMAS)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for parameter in operation.get("parameters", ()):
                if parameter.get("in") == "path" and parameter.get("schema", {}).get("type") == "integer":
                    parameter["schema"]["minimum"] = 1
            validates = method != "get" or any(p.get("in") == "query" for p in operation.get("parameters", ()))
            for status, (description, schema) in _ERRORS.items():
                if status == "400" and not validates:
                    continue
                operation.setdefault("responses", {}).setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": schema}}})
    return result


def without_format_suffixes(endpoints):
    """drf-spectacular pre-processing hook: the router's `.json` twins of each route (`<drf_format_suffix:format>`,
    which DRF's own filter misses in int-converter routes) are not separate operations."""
    return [endpoint for endpoint in endpoints if not endpoint[0].rstrip("/").endswith("{format}")]


class AutoSchema(openapi.AutoSchema):
    """Doorstep's schema says what the API answers (issue 13, found by Schemathesis)."""

    def _get_paginator(self):
        # Only reads are paged: a write that answers with a list (the invitations it sent) gives all of it.
        return super()._get_paginator() if self.method == "GET" else None

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # DRF drops `allow_blank` from a model's choice field that a serializer makes read-only, so the schema
        # promised one of the choices where the API answers "" (no decision yet, no alarm step yet).
        if type(field) is serializers.ChoiceField and field.read_only and not field.allow_blank:
            model_field = _model_field(field)
            if model_field is not None and model_field.blank:
                field = copy.copy(field)
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)


def _model_field(field):
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None


EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


class DateTimeField(serializers.DateTimeField):
    """A moment in a family's record, which is never before 1900. Issue 13: a moment centuries ago was saved and came
    back with London's local mean time offset (-00:01:15), which is not a date-time a client can read."""

    default_error_messages = {"too_early": _("Enter a date and time after 1 January 1900.")}

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if moment < EARLIEST:
            self.fail("too_early")
        return moment
