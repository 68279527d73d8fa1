"""/trends: a catalogue's history forecast, and the forecast drawn by a text-to-image run."""
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from couturier.serve.service import Service


def router(service: Service) -> APIRouter:
    router = APIRouter(tags=["trends"])

    @router.post("/trends", tags=["trends"],
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
            loaded = await service.run(service.cache.get, model)
        return await service.run(lambda: trends_report(data, attribute, by, horizon, method, top, min_rows,
                                               loaded, looks, per_look))

    return router
