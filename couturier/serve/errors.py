"""One shape for every refusal the API sends: {"detail": one line, "field": the request field it is
about, or null}. The library's errors, FastAPI's request validation (422), the service's own
refusals (size, count, time limit, unknown model) and the guard's (token, body size) all use it,
and the OpenAPI schema says so (schemas.ERRORS)."""
from __future__ import annotations

import math

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from couturier.errors import CouturierError

# the library's argument names that the API spells otherwise
API_FIELDS = {"class_name": "class", "run": "model"}


class Refused(Exception):
    """A library error on its way to a 400 response."""

    def __init__(self, error: CouturierError):
        super().__init__(str(error))
        self.error = error


class Problem(HTTPException):
    """A refusal of the service's own, with the request field it is about."""

    def __init__(self, status: int, detail: str, field: str | None = None):
        super().__init__(status, detail)
        self.field = field


def problem_response(status: int, detail: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail, "field": field}, status_code=status)


def _field_of(location: tuple) -> str | None:
    """('body', 'n') -> 'n'; ('body',) -> None: the request field a validation error is about."""
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or None


def _value(value) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return repr(value)[:60]


def validation_line(exc: RequestValidationError) -> tuple[str, str | None]:
    """FastAPI's list of schema violations as one line, naming each field; the first field."""
    errors = exc.errors()
    said = []
    for error in errors[:3]:
        field = _field_of(tuple(error.get("loc", ())))
        text = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        given = f" (got {_value(error['input'])})" if "input" in error and field and \
            not isinstance(error["input"], (dict, list, bytes)) else ""
        said.append(f"{field}: {text}{given}" if field else text)
    more = f"; and {len(errors) - 3} more" if len(errors) > 3 else ""
    first = _field_of(tuple(errors[0].get("loc", ()))) if errors else None
    return "; ".join(said) + more, first


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(422, *validation_line(exc))

    @app.exception_handler(Refused)
    async def refused(_request: Request, exc: Refused) -> JSONResponse:
        return problem_response(400, str(exc.error), API_FIELDS.get(exc.error.field, exc.error.field))

    @app.exception_handler(StarletteHTTPException)
    async def http_problem(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(exc.status_code, str(exc.detail), getattr(exc, "field", None))
