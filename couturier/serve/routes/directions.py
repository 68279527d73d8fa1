"""/directions and /edit: a run's named latent directions (couturier.directions), and a sample moved along them."""
import threading
from typing import Annotated

import numpy as np
from fastapi import APIRouter
from fastapi.responses import Response
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from couturier.serve.errors import Problem
from couturier.serve.responses import png_bytes
from couturier.serve.service import Service

DIRECTIONS = 5  # SeFa's strongest, named on as many samples as JUDGED
JUDGED = 16
MAX_STRENGTH = 5.0


class EditRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str = Field(max_length=200)
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    moves: dict[str, Annotated[float, Field(ge=-MAX_STRENGTH, le=MAX_STRENGTH)]] = Field(
        default_factory=dict, description="direction id (from /directions) -> strength, -5 to 5")


def router(service: Service) -> APIRouter:
    router = APIRouter(tags=["models"])
    found: dict[tuple, list] = {}  # (model name, step) -> its named directions, found once
    lock = threading.Lock()

    def directions_of(name: str) -> list:
        from couturier import directions as steer
        from couturier import sampling

        loaded = service.cache.get(name)
        key = (name, loaded.step)  # a run that saved a newer checkpoint gets its directions found again
        with lock:
            if key not in found:
                if loaded.reads_prompts:
                    raise Problem(400, "directions of text-to-image models are not supported yet", "model")
                chosen = steer.sefa(steer.latent_weight(loaded.generator), min(DIRECTIONS, loaded.config.model.z_dim))
                z = sampling.latents(JUDGED, loaded.config.model.z_dim, 0)
                y = _classes(loaded, JUDGED)
                found[key] = steer.name_directions(loaded.generator, chosen, z, y,
                                                   steer.judges_for(loaded.config.data.channels))
            return found[key]

    @router.get("/directions")
    async def directions(model: str) -> dict:
        """The model's strongest latent directions (SeFa), each named by what it measurably changes."""
        named = await service.run(directions_of, model)
        return {"model": model, "max_strength": MAX_STRENGTH,
                "directions": [{"id": f"sefa-{i + 1}", "name": d.name, "effect": round(d.effect, 3),
                                "entanglement": round(d.entanglement, 3)} for i, d in enumerate(named)]}

    @router.post("/edit", response_class=Response, responses={200: {"content": {"image/png": {}},
                                                                     "description": "the sample, moved"}})
    async def edit(body: EditRequest) -> Response:
        """Sample `seed` of the model moved along the named directions."""
        from couturier import directions as steer
        from couturier import sampling
        from couturier.data.images import to_uint8

        def work():
            named = directions_of(body.model)
            ids = {f"sefa-{i + 1}": d for i, d in enumerate(named)}
            unknown = [key for key in body.moves if key not in ids]
            if unknown:
                raise Problem(400, f"no direction {unknown[0]!r}; choose from {', '.join(ids)}", "moves")
            loaded = service.cache.get(body.model)
            z = sampling.latents(1, loaded.config.model.z_dim, body.seed)
            moved = steer.move(loaded.generator, z, _classes(loaded, 1),
                               [(ids[key].vector, strength) for key, strength in body.moves.items()])
            return to_uint8(moved)[0]

        picture = await service.run(work)

        image = Image.fromarray(np.moveaxis(picture, 0, -1).squeeze())
        return Response(png_bytes(image), media_type="image/png")

    return router


def _classes(loaded, n: int):
    import torch

    return torch.arange(n) % len(loaded.class_names) if loaded.conditional else None
