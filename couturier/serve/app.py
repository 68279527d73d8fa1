"""The REST API and the designer's page: a web layer over couturier's library, no logic of its own.

    couturier serve --runs runs --port 8000 [--token T]

Every data route needs the token when one is set, in the header `Authorization: Bearer T` only:
a token in a URL's query string would land in access logs. The page and its static files carry
no data and load without it; the page reads the token from the URL's fragment (`/#token=T`),
which browsers never send to a server. Work runs in worker threads under a time limit; the library's one-line
errors become 4xx responses with that line as `detail`.
"""
import secrets
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from couturier.serve import errors
from couturier.serve.errors import problem_response
from couturier.serve.responses import images_response  # noqa: F401  (part of this module's API)
from couturier.serve.routes import AREAS
from couturier.serve.schemas import ERRORS, Limits
from couturier.serve.service import Service

STATIC = Path(__file__).with_name("static")
OPEN_PATHS = ("/health", "/")  # no data behind them: the page asks for the token itself


def create_app(runs_dir: str | Path = "runs", token: str | None = None, limits: Limits | None = None,
               device: str = "cpu") -> FastAPI:
    limits = limits or Limits()
    service = Service(runs_dir, limits, device)
    app = FastAPI(title="couturier", summary="Generate garments, put fabrics on them, grow new fabric.",
                  version=_version(), responses=ERRORS)
    app.state.cache, app.state.limits, app.state.service = service.cache, limits, service
    errors.install(app)
    app.middleware("http")(_guard(token, limits))
    for area in AREAS:
        app.include_router(area.router(service))

    @app.get("/health", tags=["service"])
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _guard(token: str | None, limits: Limits):
    """Every request but the page's: the token when one is set, and a declared body within the limit."""
    async def guard(request: Request, call_next):
        if token and request.url.path not in OPEN_PATHS and not request.url.path.startswith("/static/"):
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not secrets.compare_digest(given.encode(), token.encode()):
                return problem_response(401, "missing or wrong token; send 'Authorization: Bearer TOKEN'",
                                        "Authorization")
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limits.max_body_bytes):
            return problem_response(413, f"request body over {limits.max_body_bytes:,} bytes", "Content-Length")
        if declared is None and request.method in ("POST", "PUT", "PATCH"):
            return problem_response(411, "send a Content-Length header", "Content-Length")
        return await call_next(request)

    return guard


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("couturier")
    except PackageNotFoundError:
        return "0"
