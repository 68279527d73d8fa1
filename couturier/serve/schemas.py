"""The API's request bodies and limits, built per app so that the OpenAPI schema shows the limits
the server enforces (clients and fuzzers see them)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from couturier.sampling import MIN_TRUNCATION


@dataclass
class Limits:
    max_body_bytes: int = 8 * 1024 * 1024
    max_n: int = 64
    max_upload_pixels: int = 4096 * 4096
    max_side: int = 1024  # stylize / texture output
    max_steps: int = 300
    timeout_s: float = 120.0


class Problem(BaseModel):
    detail: str = Field(description="one line: what was wrong and what to do")
    field: str | None = Field(None, description="the request field (or the model's config key) it is about")


# Every refusal has one shape (couturier/serve/errors.py), schema violations (422) too.
ERRORS = {400: {"model": Problem, "description": "a valid request the model cannot serve (unknown class, "
                                                 "prompt for a class model, over a limit)"},
          422: {"model": Problem, "description": "the request breaks its schema (a value out of range, a "
                                                 "missing or unknown field); `field` names the first"},
          401: {"model": Problem, "description": "missing or wrong token"},
          404: {"model": Problem, "description": "unknown model"},
          411: {"model": Problem, "description": "no Content-Length"},
          413: {"model": Problem, "description": "request body over the cap"},
          415: {"model": Problem, "description": "an upload that is not a readable picture"},
          503: {"model": Problem, "description": "over the time limit"}}

Seed = Annotated[int, Field(ge=0, le=2**31 - 1)]
Prompt = Annotated[str, Field(min_length=1, max_length=300)]
ClassName = Annotated[str | int, Field(description="class name (case-insensitive) or index")]
Format = Literal["png", "zip", "json"]
Truncation = Annotated[float, Field(ge=MIN_TRUNCATION, le=10, description="redraw noise beyond +-T")]


@dataclass(frozen=True)
class RequestModels:
    generate: type[BaseModel]
    interpolate: type[BaseModel]
    variations: type[BaseModel]


def request_models(limits: Limits) -> RequestModels:
    """The request bodies with this server's limits in their schema."""
    N = Annotated[int, Field(ge=1, le=limits.max_n, description=f"images (per prompt), at most {limits.max_n}")]

    class GenerateRequest(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        model: str = Field(max_length=200)
        n: N = min(16, limits.max_n)
        class_name: ClassName | None = Field(None, alias="class")
        prompt: Prompt | None = None
        prompts: list[Prompt] | None = Field(None, min_length=1, max_length=16)
        seed: Seed = 0
        truncation: Truncation | None = None
        best_of: int = Field(1, ge=1, le=16, description="keep the run's D's favourite of this many draws per image")
        literal: bool = Field(False, description="give G the prompts as written, not read in the catalogue's words")
        format: Format | None = Field(None, description="png grid, zip of PNGs, or json with base64 PNGs "
                                      "(for prompts, each image's label is how its prompt was read)")

    class InterpolateRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        model: str = Field(max_length=200)
        seed_a: Seed = 0
        seed_b: Seed = 1
        steps: int = Field(min(8, limits.max_n), ge=2, le=max(2, min(32, limits.max_n)))
        rows: int = Field(1, ge=1, le=8, description=f"steps x rows is at most {limits.max_n}")
        class_a: ClassName | None = None
        class_b: ClassName | None = None
        prompt_a: Prompt | None = None
        prompt_b: Prompt | None = None
        format: Format | None = None

    class VariationsRequest(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        model: str = Field(max_length=200)
        seed: Seed = 0
        index: int = Field(0, ge=0, le=1024, description="which image of the grid drawn with `seed`")
        n: N = min(8, limits.max_n)
        spread: float = Field(0.5, gt=0, le=2)
        class_name: ClassName | None = Field(None, alias="class")
        prompt: Prompt | None = None
        format: Format | None = None

    return RequestModels(GenerateRequest, InterpolateRequest, VariationsRequest)
