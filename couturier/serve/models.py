"""The runs a server offers, loaded once each and shared safely between concurrent requests."""
from __future__ import annotations

import json
import threading
from pathlib import Path

from couturier.errors import CouturierError
from couturier.sampling import LoadedGenerator, load_generator
from couturier.checkpoint import list_checkpoints


class UnknownModel(LookupError):
    """A model name that is not one of the served runs."""


class ModelCache:
    """Run folders under `runs_dir` (found by their checkpoints), loaded on first use.

    One lock per name: concurrent first requests for a model wait for a single load, and a model
    enters the cache only when fully loaded, so no request ever sees a half-built generator."""

    def __init__(self, runs_dir: str | Path, device: str = "cpu"):
        self.runs_dir, self.device = Path(runs_dir), device
        self._loaded: dict[str, LoadedGenerator] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def names(self) -> list[str]:
        if not self.runs_dir.is_dir():
            return []
        return sorted(p.name for p in self.runs_dir.iterdir()
                      if p.is_dir() and list_checkpoints(p / "checkpoints"))

    def get(self, name: str) -> LoadedGenerator:
        # Only names listed from the folder are looked up, so a request never builds a path.
        if name not in self.names():
            raise UnknownModel(f"unknown model {name!r}; GET /models lists the served ones")
        loaded = self._loaded.get(name)
        if loaded is not None:
            return loaded
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self._loaded:
                self._loaded[name] = load_generator(self.runs_dir / name, self.device)
            return self._loaded[name]

    def describe(self, name: str) -> dict:
        """What the page and clients need to know of a model; a run that cannot be loaded is listed
        as damaged (with the reason), without hiding the others."""
        try:
            loaded = self.get(name)
        except (CouturierError, OSError, ValueError) as exc:
            return {"name": name, "damaged": str(exc).splitlines()[0][:300]}
        cfg = loaded.config
        info = {"name": name, "task": loaded.model.task, "model": cfg.model.name,
                "classes": list(loaded.class_names) if loaded.conditional else [],
                "image_size": cfg.data.resolution, "channels": cfg.data.channels, "step": loaded.step,
                "example_prompts": list(loaded.prompts[:8]), "metrics": None, "damaged": None}
        evaluation = self.runs_dir / name / "evaluation.json"
        if evaluation.is_file():
            try:
                info["metrics"] = {k: v for k, v in json.loads(evaluation.read_text()).items()
                                   if isinstance(v, (int, float))}
            except (OSError, ValueError):
                pass  # a damaged evaluation file hides the metrics, not the model
        return info
