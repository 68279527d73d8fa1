"""What `evaluate` compares: samples and a real reference set, from wherever they are, and where
the judgement is saved.

Samples: a run or checkpoint (sampled now: classes balanced; a text-to-image run draws one image
per reference description), an .npz with `images` (and optional `labels`), an .npy of images, or
a folder of image files. References: a split of Fashion-MNIST ("test", "train"), a catalogue (a
table or folder that `couturier.data.catalogue` reads), a folder of images, or an .npz/.npy.

Kept out of couturier.metrics, which judge arrays and know nothing of runs or files.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from couturier.checkpoint import META, resolve_checkpoint
from couturier.data.fashion_mnist import load_fashion_mnist
from couturier.data.images import list_images, load_folder
from couturier.errors import SampleError
from couturier.fileio import write_text
from couturier.sampling import generate_each, load_generator, sample
from couturier.viz import plot_nearest_neighbours

SPLITS = ("test", "train")
CATALOGUE_TABLES = (".csv", ".jsonl")


@dataclass
class RealSet:
    """Real images to compare with: uint8 (N, C, H, W), and their descriptions and attributes
    when they come from a catalogue."""
    name: str
    images: np.ndarray
    texts: list[str] = field(default_factory=list)
    attributes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_fashion_mnist(self) -> bool:
        return self.name in SPLITS

    def groups(self) -> np.ndarray | None:
        """A group id per image: the images sharing all their attribute values (for variety)."""
        return group_ids(self.attributes) if self.attributes else None


@dataclass
class Samples:
    images: np.ndarray  # uint8 (N, C, H, W)
    requested: np.ndarray | None = None  # classes asked for (conditional runs, labelled npz)
    wanted: dict[str, list[str]] = field(default_factory=dict)  # attributes asked for (text-to-image)

    def groups(self) -> np.ndarray | None:
        """A group id per sample: the samples asked for with the same attributes (for variety)."""
        return group_ids(self.wanted) if self.wanted else None


def group_ids(attributes: dict[str, list[str]]) -> np.ndarray:
    """The same id for the rows whose values agree in every attribute."""
    keys = list(zip(*attributes.values()))
    index: dict[tuple, int] = {}
    return np.asarray([index.setdefault(key, len(index)) for key in keys])


def load_reference(ref: str | Path, data_dir=None, size: int = 64) -> RealSet:
    """A split of Fashion-MNIST by name, or real images at a path (see the module docstring).
    Catalogue images are read as `size`-pixel squares."""
    if str(ref) in SPLITS:
        images, _ = load_fashion_mnist(str(ref), data_dir)
        return RealSet(str(ref), images[:, None])
    path = Path(ref)
    if not path.exists():
        raise FileNotFoundError(f"reference {ref} is neither 'test', 'train' nor an existing path")
    if path.suffix in (".npz", ".npy"):
        return RealSet(path.name, _read_array(path)[0])
    if _is_catalogue(path):
        from couturier.data.catalogue import load_catalogue

        catalogue = load_catalogue(path, size, progress=False)
        return RealSet(path.name, catalogue.images, catalogue.texts, catalogue.attributes)
    images, _, _, _ = load_folder(path, size, 3)
    return RealSet(path.name, images)


@dataclass
class PromptSet:
    """Descriptions to draw a text-to-image run with, and the attributes each asks for."""
    texts: list[str]
    attributes: dict[str, list[str]]


PROMPT_COLUMNS = ("prompt", "description", "text")


def load_prompts(path: str | Path) -> PromptSet:
    """A CSV with a `prompt` (or `description`, `text`) column and one column per attribute asked
    for (e.g. baseColour, articleType, gender): phrasings of your own, judged like the catalogue's."""
    import csv

    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows, columns = list(reader), list(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SampleError(f"{path}: cannot read it as a UTF-8 CSV ({exc})", field="prompts") from exc
    text_column = next((c for c in PROMPT_COLUMNS if c in columns), None)
    if text_column is None or not rows:
        raise SampleError(f"{path}: needs a header with a 'prompt' column and at least one row; columns found: "
                          f"{', '.join(columns) or 'none'}", field="prompts")
    texts = [(row[text_column] or "").strip() for row in rows]
    if not all(texts):
        raise SampleError(f"{path}: row {texts.index('') + 2} has an empty prompt", field="prompts")
    attributes = {c: [(row[c] or "").strip() for row in rows] for c in columns if c != text_column}
    return PromptSet(texts, attributes)


def load_samples(source: str | Path, n: int = 10000, seed: int = 0, device: str = "cpu",
                 reference: RealSet | None = None, prompts: PromptSet | None = None,
                 literal: bool = False, best_of: int = 1) -> Samples:
    """Samples to judge from `source` (see the module docstring). Files and folders must match the
    reference's image shape (28x28 grayscale for Fashion-MNIST): resized images are not comparable.
    A run draws G's raw samples unless best_of asks for D's favourite of several (`couturier.best_of`)."""
    source = Path(source)
    shape = reference.images.shape[1:] if reference is not None else (1, 28, 28)
    if not source.exists():
        raise FileNotFoundError(f"{source} does not exist; pass a run folder, an .npz/.npy file or an image folder")
    is_run = source.is_dir() and ((source / "config.json").is_file() or (source / META).is_file()
                                  or (source / "checkpoints").is_dir())
    if best_of != 1 and not is_run:
        raise SampleError(f"{source} holds finished images; best_of draws new ones, so it needs a run folder",
                          field="best_of")
    if source.suffix in (".npz", ".npy"):
        images, labels = _read_array(source)
        return Samples(_check_shape(images, shape, source), labels)
    if is_run:
        resolve_checkpoint(source)  # a clear error when a run has no checkpoint yet
        return _sample_run(load_generator(source, device), n, seed, reference, prompts, literal, best_of)
    if source.is_dir():
        _check_folder_size(source, shape)
        images, _, _, _ = load_folder(source, shape[-1], shape[0])
        return Samples(images)
    raise FileNotFoundError(f"{source}: use a run folder, an .npz/.npy file or a folder of images")


def _sample_run(loaded, n: int, seed: int, reference: RealSet | None, prompts: PromptSet | None = None,
                literal: bool = False, best_of: int = 1) -> Samples:
    if not loaded.reads_prompts:
        if prompts is not None:
            raise SampleError("prompts need a text-to-image run; this run draws by class", field="prompts")
        images, requested = sample(loaded, n=n, seed=seed, best_of=best_of)
        return Samples(images, requested)
    # a text-to-image run draws the given prompts or the reference's descriptions (cycled to n),
    # or its own grid prompts
    if prompts is None and reference is not None and reference.texts:
        prompts = PromptSet(reference.texts, reference.attributes)
    prompts = prompts or PromptSet(list(loaded.prompts), {})
    if not prompts.texts:
        raise SampleError("a text-to-image run needs descriptions to draw: compare it with a catalogue",
                          field="ref")
    order = np.resize(np.random.default_rng(seed).permutation(len(prompts.texts)), n)
    wanted = {name: [values[i] for i in order] for name, values in prompts.attributes.items()}
    images = generate_each(loaded, [prompts.texts[i] for i in order], seed, literal=literal, best_of=best_of)
    return Samples(images, None, wanted)


def _read_array(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    try:
        data = np.load(path)
    except (OSError, ValueError) as exc:
        raise SampleError(f"{path} is not a readable numpy file ({exc})") from exc
    images = np.asarray(data["images"] if path.suffix == ".npz" else data)
    labels = data["labels"] if path.suffix == ".npz" and "labels" in data else None
    if labels is not None and (labels < 0).any():
        labels = None
    _check_pixels(images, path)
    if images.ndim == 3:
        images = images[:, None]
    elif images.ndim == 4 and images.shape[-1] in (1, 3) and images.shape[1] not in (1, 3):
        images = images.transpose(0, 3, 1, 2)  # (N, H, W, C) as `couturier sample` writes RGB
    return images, labels


def _check_pixels(images: np.ndarray, source: Path) -> None:
    if images.dtype.kind == "f" and np.isnan(images).any():
        raise SampleError(f"{source}: {int(np.isnan(images).sum())} pixel(s) are NaN; "
                          f"the generator diverged or the file is damaged")
    if images.dtype != np.uint8:
        raise SampleError(f"{source}: images must be uint8 (0-255), got {images.dtype}")


def _check_shape(images: np.ndarray, shape: tuple, source: Path) -> np.ndarray:
    if images.ndim != 4 or images.shape[1:] != tuple(shape):
        wanted = "(N, 28, 28) or (N, 1, 28, 28)" if tuple(shape) == (1, 28, 28) else f"(N, {', '.join(map(str, shape))})"
        raise SampleError(f"{source}: expected images shaped {wanted} like the reference, got {images.shape}",
                          field="source")
    return images


def _is_catalogue(path: Path) -> bool:
    if path.is_file():
        return path.suffix in CATALOGUE_TABLES
    return any((path / name).is_file() for name in ("styles.csv", "captions.csv", "captions.jsonl"))


def _check_folder_size(folder: Path, shape: tuple) -> None:
    """Refuse rather than silently resize: metrics of resized images are not comparable."""
    side = shape[-1]
    for path in list_images(folder)[:20]:
        try:
            with Image.open(path) as image:
                size = image.size
        except (OSError, UnidentifiedImageError):
            continue
        if size != (side, side):
            raise SampleError(f"{path} is {size[0]}x{size[1]}; the reference holds {side}x{side} images: "
                              f"sample or resize to {side}x{side} first", field="source")


def save_evaluation(source: str | Path, images: np.ndarray, results: dict, data_dir=None) -> list[Path]:
    """evaluation.json and, when memorisation was checked, nearest_neighbours.png: into the run
    folder for a run, beside the file otherwise (SAMPLES.evaluation.json)."""
    source = Path(source)
    folder = source if source.is_dir() else source.parent
    stem = "" if source.is_dir() else source.stem + "."
    written = [write_text(folder / f"{stem}evaluation.json", json.dumps(results, indent=2))]
    if "closest_pairs" in results:
        train_images, _ = load_fashion_mnist("train", data_dir)
        pairs = results["closest_pairs"]
        samples = images[[i for i, _, _ in pairs]].reshape(len(pairs), 28, 28)
        neighbours = train_images[[j for _, j, _ in pairs]]
        path = folder / f"{stem}nearest_neighbours.png"
        plot_nearest_neighbours(samples, neighbours, [d for _, _, d in pairs],
                                results["memorisation_threshold"], path)
        written.append(path)
    return written
