"""Fabric: /stylize (a fabric put on a garment picture) and /texture (new fabric grown from a swatch)."""
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from couturier.serve.errors import Problem
from couturier.serve.responses import png_bytes
from couturier.serve.service import Service
from couturier.style.images import MIN_SIDE

FABRIC_SCALE_HELP = ("the style is a fabric repeated over the garment, its long side this share of the "
                     "content's; 0: a picture used whole")


def router(service: Service) -> APIRouter:
    router = APIRouter(tags=["style"])

    @router.post("/stylize", tags=["style"], response_class=Response,
              responses={200: {"content": {"image/png": {}}, "description": "the stylised garment; "
                               "X-Couturier-Garment: what took the fabric; X-Couturier-Note: a word when the "
                               "fabric is a photo of a person"}})
    async def stylize(content: Annotated[UploadFile, File(description="the garment picture")],
                      style: Annotated[UploadFile, File(description="the fabric or style picture")],
                      size: Annotated[int, Form(ge=MIN_SIDE, le=service.limits.max_side)] = 512,
                      fast: Annotated[bool, Form()] = True,
                      steps: Annotated[int, Form(ge=0, le=service.limits.max_steps)] = 150,
                      auto_mask: Annotated[bool, Form(description="without a person: find the garment by colour")] = False,
                      garment: Annotated[Literal["auto", "upper", "lower", "dress", "all"],
                                         Form(description="on a photo of a person: the garment that takes the fabric")] = "auto",
                      preserve_color: Annotated[bool, Form()] = False,
                      alpha: Annotated[float, Form(ge=0, le=1)] = 1.0,
                      fabric_scale: Annotated[float, Form(ge=0, le=4, description=FABRIC_SCALE_HELP)] = 0.3
                      ) -> Response:
        from couturier import style as styling

        service.check_side(size, steps)
        content_image = await service.read_upload(content, "content", size)
        style_image = await service.read_upload(style, "style", size)

        def work():
            mask, how = styling.garment_region(content_image, auto_mask, garment)
            note = styling.fabric_note(style_image, "fabric_scale=0") if fabric_scale else None
            if fast:
                return styling.stylize_fast(content_image, style_image, service.stylizer(), alpha, mask,
                                            preserve_color, fabric_scale), how, note
            return styling.stylize(content_image, style_image, service.style_net(), steps, mask=mask,
                                   preserve_color=preserve_color, progress=False,
                                   fabric_scale=fabric_scale), how, note

        result, how, note = await service.run(work)
        # which region took the fabric: the garment on the person, the colour rules, or the whole picture;
        # and a word when the fabric given is a photo of a person, tiled whole
        headers = {"X-Couturier-Garment": how} | ({"X-Couturier-Note": note} if note else {})
        return Response(png_bytes(styling.to_pil(result.image)), media_type="image/png", headers=headers)

    @router.post("/texture", tags=["style"], response_class=Response,
              responses={200: {"content": {"image/png": {}}, "description": "the new fabric"}})
    async def texture(swatch: Annotated[UploadFile, File(description="a small piece of fabric")],
                      size: Annotated[int, Form(ge=MIN_SIDE, le=service.limits.max_side)] = 256,
                      tileable: Annotated[bool, Form()] = True,
                      seed: Annotated[int, Form(ge=0, le=2**31 - 1)] = 0,
                      steps: Annotated[int, Form(ge=0, le=service.limits.max_steps)] = 40,
                      spectrum_weight: Annotated[float, Form(ge=0, le=1000)] = 0.0,
                      repeat: Annotated[bool, Form(description="tile a periodic swatch's own repeat")] = True
                      ) -> Response:
        from couturier import style as styling

        service.check_side(size, steps)
        if tileable and size % 16:
            raise Problem(400, "with tileable, size must be a multiple of 16", "size")
        swatch_image = await service.read_upload(swatch, "swatch", size, enlarge=False)
        result = await service.run(lambda: styling.synthesize_texture(swatch_image, service.style_net(), size, tileable,
                                                              seed, steps, spectrum_weight=spectrum_weight,
                                                              progress=False, repeat=repeat))
        return Response(png_bytes(styling.to_pil(result.image)), media_type="image/png")

    return router
