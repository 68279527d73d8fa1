"""/try-on: a garment's product photo put on a photo of a person (the people extra)."""
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from couturier.serve.errors import Problem
from couturier.serve.responses import png_bytes
from couturier.serve.service import Service
from couturier.style.images import MIN_SIDE, to_pil


def router(service: Service) -> APIRouter:
    router = APIRouter(tags=["people"])

    @router.post("/try-on", response_class=Response,
                 responses={200: {"content": {"image/png": {}},
                                  "description": "the person wearing the garment; X-Couturier-Old-Garment: the "
                                                 "share of the old garment it left uncovered (inpainted); "
                                                 "X-Couturier-Outside: the share of it that fell outside the "
                                                 "person"}})
    async def try_on(person: Annotated[UploadFile, File(description="a front-facing photo of one standing person")],
                     garment: Annotated[UploadFile | None, File(description="a product photo of one garment on a "
                                                                            "plain background")] = None,
                     prompt: Annotated[str | None, Form(max_length=300, description="instead of a garment photo: "
                                                        "words the text-to-image `model` draws the garment from")] = None,
                     model: Annotated[str | None, Form(description="the text-to-image run that draws `prompt`")] = None,
                     seed: Annotated[int, Form(ge=0)] = 0,
                     size: Annotated[int, Form(ge=MIN_SIDE, le=service.limits.max_side)] = 512) -> Response:
        import numpy as np
        from PIL import Image

        from couturier.people import try_on as dress

        service.check_side(size, 0)
        if (garment is None) == (not prompt):
            raise Problem(400, "send a garment photo or a prompt (with the model that draws it), one of the two",
                          "garment")
        if prompt and not model:
            raise Problem(400, "a prompt needs the text-to-image model that draws it", "model")
        person_photo = np.asarray(to_pil(await service.read_upload(person, "person", size)))
        if garment is not None:
            garment_photo = np.asarray(to_pil(await service.read_upload(garment, "garment", size)))
        else:
            from couturier.people.words import garment_from_words

            garment_photo = await service.run(lambda: garment_from_words(service.cache.get(model), prompt, seed,
                                                                         size // 2))
        result = await service.run(dress, person_photo, garment_photo)
        return Response(png_bytes(Image.fromarray(result.image)), media_type="image/png",
                        headers={"X-Couturier-Old-Garment": f"{result.old_visible:.3f}",
                                 "X-Couturier-Outside": f"{result.outside:.3f}"})

    return router
