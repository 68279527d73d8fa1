"""/models: the runs being served, what each draws from, and their latest evaluation."""
from fastapi import APIRouter

from couturier.serve.service import Service


def router(service: Service) -> APIRouter:
    router = APIRouter(tags=["models"])

    @router.get("/models", tags=["models"])
    async def models() -> list[dict]:
        return await service.run(lambda: [service.cache.describe(name) for name in service.cache.names()])

    return router
