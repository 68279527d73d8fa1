"""A trained run's directions: its samples to judge, its directions named, and the file saved with it.

A run's samples are its latent and what conditions it: noise z with classes spread evenly for a
class-conditional run; for a text-to-image run, the noise and the words' coordinates, the rest of
the words' embedding held (directions/latent.py; its grid's descriptions unless prompts are given).
Each direction moves one part: the noise, or a text run's words. The file records the run's id, so
a file found for one run is refused by another.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from couturier import sampling
from couturier.directions import latent
from couturier.directions.judges import Judges
from couturier.directions.methods import BEST, Direction, embedded, find
from couturier.directions.moves import attribute_direction, move, name_directions, walk
from couturier.errors import ConfigError

MAX_STRENGTH = 5.0  # z's standard deviation is 1: beyond 5 the pictures leave what G was trained on
ATTRIBUTE_SAMPLES = 512  # latents the SVM of an attribute direction is fitted on
SPREAD_SAMPLES = 512  # a text run's looks that each judge's spread is measured over
GANSPACE_SAMPLES = 2000  # latents whose early activations GANSpace's PCA is fitted on


@dataclass
class Samples:
    z: torch.Tensor  # (N, latent): the noise, and for a text run the words' coordinates (directions/latent.py)
    y: torch.Tensor | None  # classes, the rest of the words' embeddings, or None


def samples(loaded, n: int, seed: int, prompts: tuple[str, ...] = ()) -> Samples:
    """n latents from `seed` and what conditions them (see the module's docstring)."""
    return condition(loaded, sampling.latents(n, loaded.config.model.z_dim, seed), prompts)


def condition(loaded, z: torch.Tensor, prompts: tuple[str, ...] = ()) -> Samples:
    """The noise z with what conditions it: classes spread evenly, or the words of `prompts` (a text
    run's grid descriptions when none are given), one after another."""
    n = len(z)
    if loaded.reads_prompts:
        prompts = tuple(prompts) or loaded.prompts
        if not prompts:
            raise ConfigError("this run saved no descriptions; give the words to draw", field="prompt")
        return _with_words(loaded, z, sampling.encode_prompts(loaded, [prompts[i % len(prompts)] for i in range(n)]))
    if prompts:
        raise ConfigError("descriptions need a text-to-image run; this one draws by class or noise", field="prompt")
    return Samples(z, torch.arange(n) % len(loaded.class_names) if loaded.conditional else None)


def varied(loaded, n: int, seed: int, prompts: tuple[str, ...] = ()) -> Samples:
    """Samples whose words vary too, for fitting what moves the words: a text run's catalogue looks
    drawn at random, in the catalogue's words; other runs' samples as `samples` draws them."""
    words = latent.steerable(loaded).words
    if words is None:
        return samples(loaded, n, seed, prompts)
    looks = loaded.model.grounder.embeddings
    picked = np.random.default_rng(seed).integers(0, len(looks), n)
    return _with_words(loaded, sampling.latents(n, loaded.config.model.z_dim, seed), torch.as_tensor(looks[picked]))


def _with_words(loaded, z: torch.Tensor, text: torch.Tensor) -> Samples:
    words = latent.steerable(loaded).words
    if words is None:  # a run saved before its looks: only the noise is steered
        return Samples(z, text)
    u, rest = words.split(text.float())
    return Samples(torch.cat([z, u], dim=1), rest)


def of_class(loaded, judge: str, y: torch.Tensor | None, n: int) -> torch.Tensor | None:
    """A class-conditional run's labels for a class judge ("p(dress)"): all of that class, so that
    the direction found and measured is within it; y unchanged otherwise."""
    if not loaded.conditional or not judge.startswith("p(") or "=" in judge:
        return y
    return torch.full((n,), loaded.class_index(judge[2:-1]), dtype=torch.long)


def judge_named(spec: str, judges: Judges) -> str:
    """The judge an --attribute/--keep names: class=NAME (Fashion-MNIST's classifier) or
    COLUMN=VALUE (a catalogue's attribute classifier, e.g. baseColour=Black)."""
    key, _, value = (part.strip() for part in spec.partition("="))
    if not key or not value:
        raise ConfigError(f"{spec!r}: name an attribute as NAME=VALUE, e.g. class=Dress or baseColour=Black",
                          field="attribute")
    if key == "class":
        known = [name[2:-1] for name in judges.names if name.startswith("p(") and "=" not in name]
    else:
        known = [name[2:-1].partition("=")[2] for name in judges.names if name.startswith(f"p({key}=")]
    if not known:
        columns = sorted({n[2:].partition("=")[0] for n in judges.names if "=" in n})
        has = ("class" if any(n.startswith("p(") and "=" not in n for n in judges.names)
               else ", ".join(columns))
        if not has:
            raise ConfigError(f"{spec!r}: this run's judges know no {key!r}: an attribute classifier of its catalogue "
                              "judges colour, article type and gender", field="classifier")
        raise ConfigError(f"{spec!r}: this run's judges know no {key!r}; they know {has}", field="attribute")
    match = next((v for v in known if v.lower() == value.lower()), None)
    if match is None:
        raise ConfigError(f"{spec!r}: no {key} {value!r}; choose from {', '.join(known)}", field="attribute")
    return f"p({match})" if key == "class" else f"p({key}={match})"


def judged_spread(loaded, judges: Judges, seed: int) -> np.ndarray | None:
    """Each judge's spread over a text run's pictures of its catalogue's looks: the unit of a
    direction's effect when the drawn samples hold their words (few descriptions vary few judges, and
    a judge none of them moves would name every direction). None for other runs: the drawn samples'
    own spread."""
    steered = latent.steerable(loaded)
    if steered.words is None:
        return None
    looks = varied(loaded, SPREAD_SAMPLES, seed + 3)
    return judges.score(move(steered.generator, looks.z, looks.y, [])).std(1)


def named_directions(loaded, method: str, k: int, drawn: Samples, judges: Judges, seed: int,
                     spread: np.ndarray | None = None) -> list[Direction]:
    """The run's k strongest directions by `method` in each part of its latent (the noise; a text
    run's words too), each named by the judges on `drawn` (effects over `spread`, `judged_spread`)."""
    steered = latent.steerable(loaded)
    sampled = method == "ganspace" or (method == "best" and "ganspace" in {BEST[s] for s in steered.spaces})
    fitted_on = varied(loaded, GANSPACE_SAMPLES, seed + 2) if sampled else drawn
    found = [d for space in steered.spaces.values()
             for d in find(method, steered.generator, min(k, _width(space)), fitted_on.z, fitted_on.y, space)]
    return name_directions(steered.generator, found, drawn.z, drawn.y, judges, spread)


def random_directions(loaded, k: int, drawn: Samples, judges: Judges, seed: int,
                      spread: np.ndarray | None = None) -> list[Direction]:
    """k random unit directions in each part of the latent, judged the same way: what "a direction"
    does by chance."""
    steered = latent.steerable(loaded)
    rng = np.random.default_rng(seed)
    chance = []
    for space in steered.spaces.values():
        vectors = rng.normal(size=(k, _width(space))).astype(np.float32)
        unit = embedded(vectors / np.linalg.norm(vectors, axis=1, keepdims=True), space, steered.dim)
        chance += [Direction(v, 0.0, space=space.name) for v in unit]
    return name_directions(steered.generator, chance, drawn.z, drawn.y, judges, spread)


def ids(found: list[Direction]) -> list[tuple[str, Direction]]:
    """Each direction's id: the method that found it and its rank in its space ("sefa-1",
    "ganspace-words-1")."""
    ranks: dict[tuple[str, str], int] = {}
    named = []
    for direction in found:
        key = (direction.method, direction.space)
        ranks[key] = ranks.get(key, 0) + 1
        part = "" if direction.space == "noise" else f"{direction.space}-"
        named.append((f"{direction.method}-{part}{ranks[key]}", direction))
    return named


def _width(space) -> int:
    return space.columns.stop - space.columns.start


def attribute_directions(loaded, attributes: list[str], kept: list[str], judges: Judges, drawn: Samples,
                         seed: int, prompts: tuple[str, ...] = (), spread: np.ndarray | None = None
                         ) -> list[tuple[str, Direction]]:
    """(id, Direction) per attribute (InterFaceGAN), each orthogonal to the kept ones' directions,
    and named and measured on `drawn` (on samples of its class when the run is class-conditional).
    A text run's are fitted in its words, over its catalogue's looks: they decide what the judges see."""
    steered = latent.steerable(loaded)
    fit = varied(loaded, ATTRIBUTE_SAMPLES, seed + 1, prompts)

    def fitted(spec: str, keep=()) -> np.ndarray:
        judge = judge_named(spec, judges)
        return attribute_direction(steered.generator, fit.z, of_class(loaded, judge, fit.y, len(fit.z)),
                                   judges.one(judge), keep, steered.steered)

    held = [fitted(spec) for spec in kept]
    out = []
    for spec in attributes:
        judge = judge_named(spec, judges)
        direction = Direction(fitted(spec, held), 0.0, attribute=spec.strip(), space=steered.steered.name)
        name_directions(steered.generator, [direction], drawn.z, of_class(loaded, judge, drawn.y, len(drawn.z)),
                        judges, spread)
        direction.name, direction.effect = f"more {judge}", abs(direction.effects[judge])
        out.append((f"attr-{spec.partition('=')[2].strip().lower().replace(' ', '-')}", direction))
    return out


def record(loaded, run: str, method: str, found: list[tuple[str, Direction]], chance: list[Direction]) -> dict:
    """What directions.json holds."""
    by_space = {space: [d for d in chance if d.space == space] for space in dict.fromkeys(d.space for d in chance)}
    return {"run": str(run), "run_id": loaded.run_id, "step": loaded.step, "method": method,
            "max_strength": MAX_STRENGTH,
            "random_directions": {space: {"effect": round(float(np.mean([d.effect for d in some])), 3),
                                          "entanglement": round(float(np.mean([d.entanglement for d in some])), 3)}
                                  for space, some in by_space.items()},
            "directions": [{"id": i, "name": d.name, "space": d.space, "effect": round(d.effect, 3),
                            "entanglement": round(d.entanglement, 3), "strength": round(d.strength, 4),
                            **({"attribute": d.attribute} if d.attribute else {}),
                            "effects": d.effects, "vector": np.round(d.vector, 6).tolist()} for i, d in found]}


def load_directions(path: Path, loaded) -> list[tuple[str, Direction]]:
    """(id, Direction) from a directions.json written for this run (a folder: its directions.json)."""
    if path.is_dir():
        path = path / "directions.json"
    if not path.is_file():
        raise ConfigError(f"{path} does not exist; find the run's directions first", field="directions")
    try:
        saved = json.loads(path.read_text())
        found = [(d["id"], Direction(np.asarray(d["vector"], dtype=np.float32), float(d.get("strength", 0.0)),
                                     d["name"], float(d["effect"]), float(d.get("entanglement", 0.0)),
                                     d.get("effects"), d.get("attribute", ""), d.get("space", "noise")))
                 for d in saved["directions"]]
    except (ValueError, KeyError, TypeError):
        raise ConfigError(f"{path} is not a directions file (directions.json)", field="directions") from None
    theirs = saved.get("run_id")
    if theirs != loaded.run_id or any(len(d.vector) != latent.steerable(loaded).dim for _, d in found):
        raise ConfigError(f"{path} was found for another run (run id {theirs}, this run's is {loaded.run_id}); "
                          "find this run's own directions", field="directions")
    return found


def read_directions(path: Path, loaded) -> dict[str, np.ndarray]:
    """id -> vector (an attribute's direction also under its attribute, "baseColour=Black"), from a
    directions.json written for this run."""
    found = load_directions(path, loaded)
    vectors = {key: d.vector for key, d in found}
    vectors.update({d.attribute: d.vector for _, d in found if d.attribute})
    return vectors


def edit(loaded, vectors: dict[str, np.ndarray], moves: dict[str, float], seed: int = 0,
         prompt: str | None = None, walks: dict[str, float] | None = None, judges: Judges | None = None
         ) -> np.ndarray:
    """Sample `seed` (of `prompt` for a text run) as drawn and moved by {direction id: strength},
    then walked up (or down) each judge in `walks` ({"class=Dress": 2.0}, needs `judges`):
    uint8 (2, C, H, W). `vectors` is what read_directions gives.

        loaded = sampling.load_generator("runs/sngan")
        before, after = edit(loaded, read_directions(Path("runs/sngan/directions"), loaded), {"sefa-2": 2.0}, seed=3)
    """
    from couturier.data.images import to_uint8

    chosen = parse_moves([f"{key}={value}" for key, value in moves.items()], vectors)
    strengths = {spec: _strength(f"{spec}={amount}", amount, "walk") for spec, amount in (walks or {}).items()}
    climbs = [(climbable(spec, judges), strength) for spec, strength in strengths.items()]
    steered = latent.steerable(loaded)
    drawn = samples(loaded, 1, seed, (prompt,) if prompt else ())
    z = drawn.z
    for vector, strength in chosen:
        z = z + strength * torch.as_tensor(vector)
    for log_probability, strength in climbs:
        z = walk(steered.generator, z, drawn.y, log_probability, strength, steered.steered)
    pictures = [move(steered.generator, drawn.z, drawn.y, []), move(steered.generator, z, drawn.y, [])]
    return np.concatenate([to_uint8(p) for p in pictures])


def climbable(spec: str, judges: Judges | None):
    """The differentiable log-probability of the judge an attribute names, for a walk."""
    if judges is None:
        raise ConfigError(f"{spec!r}: a walk needs the run's judges", field="walk")
    name = judge_named(spec, judges)
    if name not in judges.gradients:
        raise ConfigError(f"{spec!r}: {name} is not a probability a walk can climb", field="walk")
    return judges.gradients[name]


def _strength(spec: str, amount, field: str = "direction") -> float:
    try:
        strength = float(amount)
    except ValueError:
        raise ConfigError(f"{spec!r}: give NAME=STRENGTH, e.g. +2", field=field) from None
    if not -MAX_STRENGTH <= strength <= MAX_STRENGTH:
        raise ConfigError(f"{spec!r}: the strength must be between -{MAX_STRENGTH:g} and {MAX_STRENGTH:g}",
                          field=field)
    return strength


def parse_moves(moves: list[str], known: dict[str, np.ndarray]) -> list[tuple[np.ndarray, float]]:
    """ID=STRENGTH strings -> (vector, strength), checked against the known ids and the range."""
    chosen = []
    for spec in moves:
        name, _, amount = spec.rpartition("=")
        if not name:
            raise ConfigError(f"{spec!r}: give ID=STRENGTH, e.g. {spec}=+2", field="direction")
        if name not in known:
            raise ConfigError(f"no direction {name!r}; choose from {', '.join(known)}", field="direction")
        try:
            float(amount)
        except ValueError:
            raise ConfigError(f"{spec!r}: give ID=STRENGTH, e.g. {name}=+2", field="direction") from None
        chosen.append((known[name], _strength(spec, amount)))
    return chosen
