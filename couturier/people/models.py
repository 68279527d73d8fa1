"""The pretrained person networks: MediaPipe's, from the `mediapipe` 0.10.21 wheel, run by LiteRT.

Why this way: mediapipe 0.10.21 is the last release whose wheel carries its models (later ones
download them at run time); its Python package pins numpy<2 and pulls opencv-contrib-python (a
second `cv2` beside opencv-python-headless) and jax. The `people` extra therefore installs the
wheel without its dependencies, for its .tflite files alone, and runs them with `ai-edge-litert`
(Google's TensorFlow Lite runtime), which works with numpy 2: no downgrade, one `cv2`, nothing
downloaded at run time. The mediapipe package itself is never imported.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from couturier.errors import MissingExtra

MEDIAPIPE = "0.10.21"
INSTALL = f"pip install 'couturier[people]' && pip install --no-deps mediapipe=={MEDIAPIPE}"
MODELS = {"pose": "pose_landmark/pose_landmark_full.tflite",  # 33 body keypoints (+6 auxiliary) and a person mask
          "face": "face_detection/face_detection_short_range.tflite"}  # BlazeFace: faces, 128x128
_LOCK, _RUN_LOCK = threading.Lock(), threading.Lock()
_CACHE: dict[str, object] = {}


def model_path(name: str) -> Path:
    """Where the installed mediapipe wheel keeps a model (found without importing mediapipe)."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        raise MissingExtra("people", "finding people in photos", INSTALL)
    path = Path(list(spec.submodule_search_locations)[0]) / "modules" / MODELS[name]
    if not path.is_file():
        raise MissingExtra("people", f"finding people in photos (mediapipe {MEDIAPIPE}'s {path.name})", INSTALL)
    return path


def interpreter(name: str, threads: int = 2):
    """A LiteRT interpreter of the model, built once per process and name. Not thread-safe: callers
    hold `lock()` while they run it."""
    with _LOCK:
        if name not in _CACHE:
            try:
                from ai_edge_litert.interpreter import Interpreter
            except ModuleNotFoundError as exc:
                raise MissingExtra("people", "finding people in photos", INSTALL) from exc
            with _without_native_notices():
                runner = Interpreter(model_path=str(model_path(name)), num_threads=threads)
                runner.allocate_tensors()
            _CACHE[name] = runner
        return _CACHE[name]


@contextmanager
def _without_native_notices():
    """LiteRT's C++ prints "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." straight on the
    process's stderr when it builds an interpreter (no setting turns it off): above a command's
    one-line error or its result it reads as part of them. Its notices are held back; anything
    else it says there (a warning, an error) is passed on."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            said = [line for line in held.read().decode(errors="replace").splitlines() if not line.startswith("INFO: ")]
            if said:
                print("\n".join(said), file=sys.stderr, flush=True)


def lock() -> threading.Lock:
    """Held while an interpreter runs: one invocation at a time per process."""
    return _RUN_LOCK
