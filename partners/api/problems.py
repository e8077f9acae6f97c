"""Errors as RFC 9457 problem details (application/problem+json)."""

from http import HTTPStatus
from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_JSON = "application/problem+json"


def _messages(detail: Any, prefix: str = "") -> list[str]:
    if isinstance(detail, dict):
        out: list[str] = []
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else f"{prefix}{key}"
            out += _messages(value, f"{name}." if name else "")
        return out
    if isinstance(detail, list):
        return [m for item in detail for m in _messages(item, prefix)]
    text = str(detail)
    return [f"{prefix.rstrip('.')}: {text}" if prefix else text]


def problem_details_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, then its answer reshaped: type, title, status, detail, instance; a
    validation error also lists its messages per field in `errors`."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    request = context.get("request")
    problem: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": " ".join(_messages(response.data.get("detail", response.data)))
        if isinstance(response.data, dict)
        else " ".join(_messages(response.data)),
        "instance": request.path if request is not None else None,
    }
    if isinstance(exc, exceptions.ValidationError):
        problem["errors"] = response.data
    response.data = problem
    response.content_type = PROBLEM_JSON
    return response
