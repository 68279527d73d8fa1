"""What every route shares: the model cache, the limits, the style networks, and library work run
in a worker thread under the time limit with its one-line errors turned into 4xx responses."""
import threading

import anyio
from fastapi import UploadFile

from couturier.deadline import WorkTimeout, deadline
from couturier.errors import CouturierError, StyleInputError
from couturier.serve.errors import Problem, Refused
from couturier.serve.models import ModelCache, UnknownModel
from couturier.serve.schemas import Limits, request_models
from couturier.style.images import MIN_SIDE


class Service:
    def __init__(self, runs_dir, limits: Limits, device: str = "cpu"):
        self.limits, self.cache = limits, ModelCache(runs_dir, device)
        self.bodies = request_models(limits)  # the JSON bodies, with the limits in their schema
        self._style_lock = threading.Lock()
        self._style_net = self._stylizer = None

    async def run(self, fn, *args):
        """Library work in a worker thread, so the server keeps answering, under the time limit. The
        work itself checks the deadline and stops; the outer limit answers even if some step does not."""
        limit = self.limits.timeout_s

        def timed():
            with deadline(limit):
                return fn(*args)

        try:
            with anyio.fail_after(limit + 5.0):
                return await anyio.to_thread.run_sync(timed)
        except (TimeoutError, WorkTimeout) as exc:
            raise Problem(503, f"the request took over {limit:g} s; ask for fewer or smaller images") from exc
        except UnknownModel as exc:
            raise Problem(404, str(exc).strip('"'), "model") from exc
        except CouturierError as exc:  # the library's one line, and the field it names
            raise Refused(exc) from exc

    def check_n(self, n: int, rows: int = 1) -> None:
        if n * rows > self.limits.max_n:
            raise Problem(400, f"at most {self.limits.max_n} images per request; ask for fewer", "n")

    def check_side(self, size: int, steps: int) -> None:
        if not MIN_SIDE <= size <= self.limits.max_side:
            raise Problem(400, f"size must be {MIN_SIDE}..{self.limits.max_side}", "size")
        if not 0 <= steps <= self.limits.max_steps:
            raise Problem(400, f"steps must be 0..{self.limits.max_steps}", "steps")

    async def read_upload(self, upload: UploadFile, what: str, size: int | None, enlarge: bool = True):
        from couturier.style.images import read_rgb_bytes

        data = await upload.read()
        try:  # the upload's name is never used
            return read_rgb_bytes(data, size, self.limits.max_upload_pixels, enlarge)
        except StyleInputError as exc:
            raise Problem(415, f"{what}: {exc}", what) from exc

    def style_net(self):
        """The style network, built once; its weights are read-only, so threads share it."""
        with self._style_lock:
            if self._style_net is None:
                from couturier.style import load_style_net

                self._style_net = load_style_net()
        return self._style_net

    def stylizer(self):
        with self._style_lock:
            if self._stylizer is None:
                from couturier.style import load_fast_stylizer

                self._stylizer = load_fast_stylizer()
        return self._stylizer
