"""The REST API and the designer's page: a web layer over couturier's library, no logic of its own.

    couturier serve --runs runs --port 8000 [--token T]

Every data route needs the token when one is set, in the header `Authorization: Bearer T` only:
a token in a URL's query string would land in access logs. The page and its static files carry
no data and load without it; the page reads the token from the URL's fragment (`/#token=T`),
which browsers never send to a server. Work runs in worker threads under a time limit; the library's one-line
errors become 4xx responses with that line as `detail`.
"""
import base64
import io
import secrets
import threading
import zipfile
from pathlib import Path
from typing import Annotated

import anyio
import numpy as np
from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from PIL import Image

from couturier import sampling
from couturier.data.images import make_grid
from couturier.deadline import WorkTimeout, deadline
from couturier.errors import ConfigError, CouturierError, StyleInputError
from couturier.serve import errors
from couturier.serve.errors import Problem, Refused, problem_response
from couturier.serve.models import ModelCache, UnknownModel
from couturier.serve.schemas import ERRORS, Limits, request_models
from couturier.style.images import MIN_SIDE

STATIC = Path(__file__).with_name("static")
OPEN_PATHS = ("/health", "/")  # no data behind them: the page asks for the token itself
OUTPUT_TYPES = {"png": "image/png", "zip": "application/zip", "json": "application/json"}

FABRIC_SCALE_HELP = ("the style is a fabric repeated over the garment, its long side this share of the "
                     "content's; 0: a picture used whole")


# ----- responses -----------------------------------------------------------------------------------
def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _single(image: np.ndarray) -> Image.Image:
    return Image.fromarray(image[0] if image.shape[0] == 1 else image.transpose(1, 2, 0))


def _pick_format(requested: str | None, accept: str) -> str:
    if requested:
        return requested
    for name, media in OUTPUT_TYPES.items():
        if media in accept:
            return name
    return "png"


def images_response(images: np.ndarray, columns: int, fmt: str, labels: list[str] | None = None) -> Response:
    if fmt == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for i, image in enumerate(images):
                archive.writestr(f"image-{i:03d}.png", _png(_single(image)))
        return Response(buffer.getvalue(), media_type="application/zip",
                        headers={"Content-Disposition": 'attachment; filename="images.zip"'})
    if fmt == "json":
        encoded = [base64.b64encode(_png(_single(image))).decode("ascii") for image in images]
        return JSONResponse({"images": encoded, "labels": labels, "columns": columns})
    return Response(_png(make_grid(images, columns)), media_type="image/png")


# ----- the app -------------------------------------------------------------------------------------
def create_app(runs_dir: str | Path = "runs", token: str | None = None, limits: Limits | None = None,
               device: str = "cpu") -> FastAPI:
    limits = limits or Limits()
    bodies = request_models(limits)
    cache = ModelCache(runs_dir, device)
    app = FastAPI(title="couturier", summary="Generate garments, put fabrics on them, grow new fabric.",
                  version=_version(), responses=ERRORS)
    app.state.cache, app.state.limits = cache, limits

    errors.install(app)

    @app.middleware("http")
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

    async def run(fn, *args):
        """Library work in a worker thread, so the server keeps answering, under the time limit. The
        work itself checks the deadline and stops; the outer limit answers even if some step does not."""
        def timed():
            with deadline(limits.timeout_s):
                return fn(*args)

        try:
            with anyio.fail_after(limits.timeout_s + 5.0):
                return await anyio.to_thread.run_sync(timed)
        except (TimeoutError, WorkTimeout) as exc:
            raise Problem(503, f"the request took over {limits.timeout_s:g} s; ask for fewer or smaller "
                                     f"images") from exc
        except UnknownModel as exc:
            raise Problem(404, str(exc).strip('"'), "model") from exc
        except CouturierError as exc:  # the library's one line, and the field it names
            raise Refused(exc) from exc

    def check_n(n: int, rows: int = 1) -> None:
        if n * rows > limits.max_n:
            raise Problem(400, f"at most {limits.max_n} images per request; ask for fewer", "n")

    @app.get("/health", tags=["service"])
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/models", tags=["models"])
    async def models() -> list[dict]:
        return await run(lambda: [cache.describe(name) for name in cache.names()])

    @app.post("/generate", tags=["models"], response_class=Response,
              responses={200: {"content": {m: {} for m in OUTPUT_TYPES.values()},
                               "description": "PNG grid (one row per prompt), zip of PNGs, or JSON"}})
    async def generate(body: bodies.generate, request: Request) -> Response:
        prompts = body.prompts or ([body.prompt] if body.prompt else None)
        check_n(body.n, len(prompts) if prompts else 1)
        fmt = _pick_format(body.format, request.headers.get("accept", ""))

        def work():
            loaded = cache.get(body.model)
            if prompts:
                texts = [r.text for r in sampling.read_prompts(loaded, prompts, body.literal)]
                images = sampling.generate(loaded, texts, body.n, body.seed, body.truncation, literal=True,
                                           best_of=body.best_of)
                return images, [text for text in texts for _ in range(body.n)]
            images, labels = sampling.sample(loaded, body.n, body.seed, body.class_name, body.truncation,
                                             body.best_of)
            names = [loaded.class_names[i] for i in labels] if labels is not None else None
            return images, names

        images, names = await run(work)
        columns = body.n if prompts else min(body.n, 8)
        return images_response(images, columns, fmt, names)

    @app.post("/interpolate", tags=["models"], response_class=Response,
              responses={200: {"content": {m: {} for m in OUTPUT_TYPES.values()}}})
    async def interpolate(body: bodies.interpolate, request: Request) -> Response:
        check_n(body.steps, body.rows)
        fmt = _pick_format(body.format, request.headers.get("accept", ""))

        def work():
            loaded = cache.get(body.model)
            if body.prompt_a or body.prompt_b:
                if not (body.prompt_a and body.prompt_b):
                    raise ConfigError("send both prompt_a and prompt_b", field="prompt_b")
                return sampling.interpolate_prompts(loaded, body.prompt_a, body.prompt_b, body.steps,
                                                    body.rows, body.seed_a)
            return sampling.interpolate(loaded, body.seed_a, body.seed_b, body.steps, body.rows,
                                        body.class_a, body.class_b)

        walk = await run(work)
        return images_response(walk.reshape(-1, *walk.shape[2:]), body.steps, fmt)

    @app.post("/variations", tags=["models"], response_class=Response,
              responses={200: {"content": {m: {} for m in OUTPUT_TYPES.values()}}})
    async def variations(body: bodies.variations, request: Request) -> Response:
        check_n(body.n)
        fmt = _pick_format(body.format, request.headers.get("accept", ""))
        images = await run(lambda: sampling.variations(cache.get(body.model), body.seed, body.n, body.spread,
                                                       body.class_name, body.prompt, body.index))
        return images_response(images, min(body.n, 8), fmt)

    async def read_upload(upload: UploadFile, what: str, size: int | None, enlarge: bool = True):
        from couturier.style.images import read_rgb_bytes

        data = await upload.read()
        try:  # the upload's name is never used
            return read_rgb_bytes(data, size, limits.max_upload_pixels, enlarge)
        except StyleInputError as exc:
            raise Problem(415, f"{what}: {exc}", what) from exc

    def check_side(size: int, steps: int) -> None:
        if not MIN_SIDE <= size <= limits.max_side:
            raise Problem(400, f"size must be {MIN_SIDE}..{limits.max_side}", "size")
        if not 0 <= steps <= limits.max_steps:
            raise Problem(400, f"steps must be 0..{limits.max_steps}", "steps")

    @app.post("/stylize", tags=["style"], response_class=Response,
              responses={200: {"content": {"image/png": {}}, "description": "the stylised garment"}})
    async def stylize(content: Annotated[UploadFile, File(description="the garment picture")],
                      style: Annotated[UploadFile, File(description="the fabric or style picture")],
                      size: Annotated[int, Form(ge=MIN_SIDE, le=limits.max_side)] = 512,
                      fast: Annotated[bool, Form()] = True,
                      steps: Annotated[int, Form(ge=0, le=limits.max_steps)] = 150, auto_mask: Annotated[bool, Form()] = False,
                      preserve_color: Annotated[bool, Form()] = False,
                      alpha: Annotated[float, Form(ge=0, le=1)] = 1.0,
                      fabric_scale: Annotated[float, Form(ge=0, le=4, description=FABRIC_SCALE_HELP)] = 0.3
                      ) -> Response:
        from couturier import style as styling

        check_side(size, steps)
        content_image = await read_upload(content, "content", size)
        style_image = await read_upload(style, "style", size)

        def work():
            mask = styling.garment_mask(content_image) if auto_mask else None
            if fast:
                return styling.stylize_fast(content_image, style_image, _stylizer(app), alpha, mask,
                                            preserve_color, fabric_scale)
            return styling.stylize(content_image, style_image, _style_net(app), steps, mask=mask,
                                   preserve_color=preserve_color, progress=False, fabric_scale=fabric_scale)

        result = await run(work)
        return Response(_png(styling.to_pil(result.image)), media_type="image/png")

    @app.post("/texture", tags=["style"], response_class=Response,
              responses={200: {"content": {"image/png": {}}, "description": "the new fabric"}})
    async def texture(swatch: Annotated[UploadFile, File(description="a small piece of fabric")],
                      size: Annotated[int, Form(ge=MIN_SIDE, le=limits.max_side)] = 256,
                      tileable: Annotated[bool, Form()] = True,
                      seed: Annotated[int, Form(ge=0, le=2**31 - 1)] = 0,
                      steps: Annotated[int, Form(ge=0, le=limits.max_steps)] = 40,
                      spectrum_weight: Annotated[float, Form(ge=0, le=1000)] = 0.0,
                      repeat: Annotated[bool, Form(description="tile a periodic swatch's own repeat")] = True
                      ) -> Response:
        from couturier import style as styling

        check_side(size, steps)
        if tileable and size % 16:
            raise Problem(400, "with tileable, size must be a multiple of 16", "size")
        swatch_image = await read_upload(swatch, "swatch", size, enlarge=False)
        result = await run(lambda: styling.synthesize_texture(swatch_image, _style_net(app), size, tileable,
                                                              seed, steps, spectrum_weight=spectrum_weight,
                                                              progress=False, repeat=repeat))
        return Response(_png(styling.to_pil(result.image)), media_type="image/png")

    @app.post("/trends", tags=["trends"],
              responses={200: {"description": "forecast, backtest and verdict per group, with the plots as "
                                              "base64 PNGs (forecast_png; collection_png when a model is named)"}})
    async def trends(catalogue: Annotated[UploadFile, File(description="CSV or JSONL with a time column")],
                     attribute: Annotated[str, Form(min_length=1, max_length=200)] = "baseColour",
                     by: Annotated[str, Form(max_length=100)] = "",
                     horizon: Annotated[int, Form(ge=1, le=12)] = 2,
                     method: Annotated[str, Form(max_length=20)] = "auto",
                     top: Annotated[int, Form(ge=1, le=50)] = 10,
                     min_rows: Annotated[int, Form(ge=1, le=10**9)] = 100,
                     model: Annotated[str, Form(max_length=200)] = "",
                     looks: Annotated[int, Form(ge=1, le=8)] = 3,
                     per_look: Annotated[int, Form(ge=1, le=8)] = 4) -> dict:
        from couturier.trends.service import trends_report

        data = await catalogue.read()
        loaded = None
        if model:
            loaded = await run(cache.get, model)
        return await run(lambda: trends_report(data, attribute, by, horizon, method, top, min_rows,
                                               loaded, looks, per_look))

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


_STYLE_LOCK = threading.Lock()


def _style_net(app: FastAPI):
    """The style network, built once per app; its weights are read-only, so threads share it."""
    with _STYLE_LOCK:
        if getattr(app.state, "style_net", None) is None:
            from couturier.style import load_style_net

            app.state.style_net = load_style_net()
    return app.state.style_net


def _stylizer(app: FastAPI):
    with _STYLE_LOCK:
        if getattr(app.state, "stylizer", None) is None:
            from couturier.style import load_fast_stylizer

            app.state.stylizer = load_fast_stylizer()
    return app.state.stylizer


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("couturier")
    except PackageNotFoundError:
        return "0"
