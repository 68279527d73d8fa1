"""Images as HTTP responses: a PNG grid, a zip of PNGs, or JSON with base64 PNGs."""
import base64
import io
import zipfile

import numpy as np
from fastapi.responses import JSONResponse, Response
from PIL import Image

from couturier.data.images import make_grid

OUTPUT_TYPES = {"png": "image/png", "zip": "application/zip", "json": "application/json"}
IMAGE_RESPONSES = {200: {"content": {m: {} for m in OUTPUT_TYPES.values()}}}


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _single(image: np.ndarray) -> Image.Image:
    return Image.fromarray(image[0] if image.shape[0] == 1 else image.transpose(1, 2, 0))


def pick_format(requested: str | None, accept: str) -> str:
    if requested:
        return requested
    for name, media in OUTPUT_TYPES.items():
        if media in accept:
            return name
    return "png"


def images_response(images: np.ndarray, columns: int, fmt: str, labels: list[str] | None = None,
                    extra: dict | None = None) -> Response:
    """PNG grid, zip of PNGs, or JSON (images, labels, columns and any `extra` fields)."""
    if fmt == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for i, image in enumerate(images):
                archive.writestr(f"image-{i:03d}.png", png_bytes(_single(image)))
        return Response(buffer.getvalue(), media_type="application/zip",
                        headers={"Content-Disposition": 'attachment; filename="images.zip"'})
    if fmt == "json":
        encoded = [base64.b64encode(png_bytes(_single(image))).decode("ascii") for image in images]
        return JSONResponse({"images": encoded, "labels": labels, "columns": columns, **(extra or {})})
    return Response(png_bytes(make_grid(images, columns)), media_type="image/png")
