"""Drawing from the runs: /generate (by class or description), /interpolate, /variations."""
from fastapi import APIRouter, Request
from fastapi.responses import Response

from couturier import sampling
from couturier.errors import ConfigError
from couturier.serve.responses import IMAGE_RESPONSES, OUTPUT_TYPES, images_response, pick_format
from couturier.serve.service import Service


def router(service: Service) -> APIRouter:
    router, bodies = APIRouter(tags=["models"]), service.bodies

    @router.post("/generate", tags=["models"], response_class=Response,
              responses={200: {"content": {m: {} for m in OUTPUT_TYPES.values()},
                               "description": "PNG grid (one row per prompt), zip of PNGs, or JSON"}})
    async def generate(body: bodies.generate, request: Request) -> Response:
        prompts = body.prompts or ([body.prompt] if body.prompt else None)
        service.check_n(body.n, len(prompts) if prompts else 1)
        fmt = pick_format(body.format, request.headers.get("accept", ""))

        def work():
            loaded = service.cache.get(body.model)
            if prompts:
                readings = sampling.read_prompts(loaded, prompts, body.literal)
                texts = [r.text for r in readings]
                images = sampling.generate(loaded, texts, body.n, body.seed, body.truncation, literal=True,
                                           best_of=body.best_of)
                said = [{"prompt": r.prompt, "text": r.text, "inferred": r.inferred,
                         "confidence": {c: round(v, 3) for c, v in r.confidence.items()},
                         "unsure": r.unsure, "alternatives": list(r.alternatives),
                         "contradicted": list(r.contradicted)} for r in readings]
                return images, [text for text in texts for _ in range(body.n)], {"readings": said}
            images, labels = sampling.sample(loaded, body.n, body.seed, body.class_name, body.truncation,
                                             body.best_of)
            names = [loaded.class_names[i] for i in labels] if labels is not None else None
            return images, names, None

        images, names, extra = await service.run(work)
        columns = body.n if prompts else min(body.n, 8)
        return images_response(images, columns, fmt, names, extra)

    @router.post("/interpolate", tags=["models"], response_class=Response,
              responses=IMAGE_RESPONSES)
    async def interpolate(body: bodies.interpolate, request: Request) -> Response:
        service.check_n(body.steps, body.rows)
        fmt = pick_format(body.format, request.headers.get("accept", ""))

        def work():
            loaded = service.cache.get(body.model)
            if body.prompt_a or body.prompt_b:
                if not (body.prompt_a and body.prompt_b):
                    raise ConfigError("send both prompt_a and prompt_b", field="prompt_b")
                return sampling.interpolate_prompts(loaded, body.prompt_a, body.prompt_b, body.steps,
                                                    body.rows, body.seed_a)
            return sampling.interpolate(loaded, body.seed_a, body.seed_b, body.steps, body.rows,
                                        body.class_a, body.class_b)

        walk = await service.run(work)
        return images_response(walk.reshape(-1, *walk.shape[2:]), body.steps, fmt)

    @router.post("/variations", tags=["models"], response_class=Response,
              responses=IMAGE_RESPONSES)
    async def variations(body: bodies.variations, request: Request) -> Response:
        service.check_n(body.n)
        fmt = pick_format(body.format, request.headers.get("accept", ""))
        images = await service.run(lambda: sampling.variations(service.cache.get(body.model), body.seed, body.n, body.spread,
                                                       body.class_name, body.prompt, body.index))
        return images_response(images, min(body.n, 8), fmt)

    return router
