"""/directions and /edit: a run's named latent directions (couturier.directions), and a sample moved along them."""
import threading
from typing import Annotated

import numpy as np
from fastapi import APIRouter
from fastapi.responses import Response
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from couturier.directions.runs import MAX_STRENGTH
from couturier.serve.errors import Problem
from couturier.serve.responses import png_bytes
from couturier.serve.schemas import ClassName, Prompt
from couturier.serve.service import Service

DIRECTIONS = 5  # the strongest in each part of the latent, named on as many samples as JUDGED
JUDGED = 16


class EditRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    model: str = Field(max_length=200)
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    index: int = Field(0, ge=0, le=1024, description="which image of the grid drawn with `seed`")
    class_name: ClassName | None = Field(None, alias="class")
    prompt: Prompt | None = Field(None, description="text-to-image models: the words drawn (and moved by the words' "
                                                    "directions)")
    moves: dict[str, Annotated[float, Field(ge=-MAX_STRENGTH, le=MAX_STRENGTH)]] = Field(
        default_factory=dict, description="direction id (from /directions) -> strength, -5 to 5")


def router(service: Service) -> APIRouter:
    router = APIRouter(tags=["models"])
    found: dict[tuple, list] = {}  # (model name, step, directions file) -> its named directions
    lock = threading.Lock()

    def directions_of(name: str) -> list:
        """(id, Direction): those `couturier directions` saved with the run (named by its judges,
        attributes included), else its strongest, found once."""
        from couturier import directions as steer
        from couturier.directions import runs
        from couturier.errors import ConfigError

        loaded = service.cache.get(name)
        saved = service.cache.runs_dir / name / "directions" / "directions.json"
        stamp = saved.stat().st_mtime_ns if saved.is_file() else None
        key = (name, loaded.step, stamp)  # a newer checkpoint or directions file is read again
        with lock:
            if key not in found:
                try:
                    found[key] = runs.load_directions(saved, loaded) if stamp is not None else None
                except ConfigError:  # another run's or a damaged file: the run's own strongest instead
                    found[key] = None
                if found[key] is None:
                    drawn = runs.samples(loaded, JUDGED, 0)
                    judges = steer.judges_for(loaded.config.data.channels)
                    found[key] = runs.ids(runs.named_directions(
                        loaded, "best", min(DIRECTIONS, loaded.config.model.z_dim), drawn, judges, 0,
                        runs.judged_spread(loaded, judges, 0)))
            return found[key]

    @router.get("/directions")
    async def directions(model: str) -> dict:
        """The model's named latent directions: those `couturier directions` saved with the run,
        else its strongest (SeFa; a text model's words by GANSpace), each named by what it
        measurably changes."""
        named = await service.run(directions_of, model)
        return {"model": model, "max_strength": MAX_STRENGTH,
                "directions": [{"id": key, "name": d.name, "space": d.space, "effect": round(d.effect, 3),
                                "entanglement": round(d.entanglement, 3)} for key, d in named]}

    @router.post("/edit", response_class=Response, responses={200: {"content": {"image/png": {}},
                                                                     "description": "the sample, moved"}})
    async def edit(body: EditRequest) -> Response:
        """Image `index` of the grid drawn with `seed` (of `class`, or of `prompt` for a text model),
        moved along the named directions."""
        picture = await service.run(lambda: _edit(service, directions_of, body))
        image = Image.fromarray(np.moveaxis(picture, 0, -1).squeeze())
        return Response(png_bytes(image), media_type="image/png")

    return router


def _edit(service: Service, directions_of, body: EditRequest) -> np.ndarray:
    import torch

    from couturier import directions as steer
    from couturier import sampling
    from couturier.data.images import to_uint8
    from couturier.directions import latent, runs

    ids = dict(directions_of(body.model))
    unknown = [key for key in body.moves if key not in ids]
    if unknown:
        raise Problem(400, f"no direction {unknown[0]!r}; choose from {', '.join(ids)}", "moves")
    loaded = service.cache.get(body.model)
    z = sampling.latents(body.index + 1, loaded.config.model.z_dim, body.seed)[body.index:]
    if loaded.reads_prompts:
        if body.prompt is None:
            raise Problem(400, "this is a text-to-image model: send the prompt of the image to steer", "prompt")
        drawn = runs.condition(loaded, z, (body.prompt,))
        z, y = drawn.z, drawn.y
    elif body.prompt is not None:
        raise Problem(400, "this model was not trained on descriptions; send a class, not a prompt", "prompt")
    elif loaded.conditional:
        y = torch.full((1,), loaded.class_index(body.class_name if body.class_name is not None else 0))
    elif body.class_name is not None:
        raise Problem(400, "a class needs a class-conditional model", "class")
    else:
        y = None
    moved = steer.move(latent.steerable(loaded).generator, z, y,
                       [(ids[key].vector, strength) for key, strength in body.moves.items()])
    return to_uint8(moved)[0]
