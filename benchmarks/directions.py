"""Named latent directions judged (`couturier directions`, `couturier edit`).

    python benchmarks/directions.py --config configs/directions/sngan-60min.toml   # a minute or two

A config names a trained run (trained from its own config, named in the file's comment) and what to
judge. For each method (SeFa, GANSpace): the seconds to find the directions (SeFa: its one
eigendecomposition; GANSpace: the early layer over its samples and the PCA), the top k directions
with their names, effect (the naming judge's change per unit step over its spread across samples)
and entanglement (the other judges' mean |change| per unit step over their spreads), against
random unit directions judged the same way. Per attribute direction (InterFaceGAN): the share of
held-out samples whose judge's score never falls along it from 0 to +3 (by more than 0.01) and the
share that ends higher, and the same for the walk up the judge's gradient; with a kept attribute, how far the kept one moves with and without the
projection. The seconds to edit one picture. Writes docs/directions/NAME.json and, where the
config says `panel = true`, SeFa's panel docs/directions/NAME-sefa.png (through `couturier
directions`, as a user draws it).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import numpy as np
from PIL import Image

from couturier import directions as steer
from couturier import sampling
from couturier.directions import latent, runs
from couturier.fileio import write_text

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "directions"
HELD_OUT_SEED = 1000  # the samples the monotonicity is measured on: not those the SVM was fitted on


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="configs/directions/NAME.toml")
    args = parser.parse_args()
    config = tomllib.loads(Path(args.config).read_text())
    name = Path(args.config).stem
    loaded = sampling.load_generator(config["run"])
    steered = latent.steerable(loaded)
    classifier = config.get("classifier") or None
    judges = steer.judges_for(loaded.config.data.channels, _classifier(classifier))
    prompts = tuple(config.get("prompts", ()))
    drawn = runs.samples(loaded, config["n"], config["seed"], prompts)
    spread = runs.judged_spread(loaded, judges, config["seed"])
    report = {"run": config["run"], "step": loaded.step, "n": config["n"], "methods": {}}
    fitted_on = runs.varied(loaded, runs.GANSPACE_SAMPLES, config["seed"] + 2, prompts)  # drawn before the clock
    for method in ("sefa", "ganspace"):
        for space in steered.spaces.values():
            start = time.perf_counter()  # SeFa: its eigendecomposition; GANSpace: the early layer and the PCA
            found = steer.find(method, steered.generator, config["k"], fitted_on.z, fitted_on.y, space)
            seconds = time.perf_counter() - start
            steer.name_directions(steered.generator, found, drawn.z, drawn.y, judges, spread)
            report["methods"][_key(method, space.name)] = {"seconds": round(seconds, 4), **_summary(found)}
    chance = runs.random_directions(loaded, config["k"], drawn, judges, config["seed"], spread)
    for space in steered.spaces:
        report[_key("random", space)] = _summary([d for d in chance if d.space == space])
    report["attributes"] = [_attribute(loaded, judges, spec, keep, config, prompts, spread)
                            for spec, keep in config.get("attributes", [])]
    report["edit_seconds"] = _edit_seconds(loaded, found[0].vector, prompts)  # the last space's strongest
    DOCS.mkdir(parents=True, exist_ok=True)
    write_text(DOCS / f"{name}.json", json.dumps(report, indent=2))
    if config.get("panel"):  # only the panels the docs pages show
        _panel(config, "sefa", name, classifier, prompts)
    _print(report)


def _classifier(path):
    if not path:
        return None
    from couturier.metrics.attributes import load_attribute_judge

    return load_attribute_judge(Path(path))


def _key(method: str, space: str) -> str:
    return method if space == "noise" else f"{method}-{space}"


def _summary(found) -> dict:
    return {"directions": [{"name": d.name, "effect": round(d.effect, 3), "entanglement": round(d.entanglement, 3)}
                           for d in found],
            "effect": round(float(np.mean([d.effect for d in found])), 3),
            "entanglement": round(float(np.mean([d.entanglement for d in found])), 3)}


def _attribute(loaded, judges, spec: str, keep: str, config: dict, prompts, spread) -> dict:
    """One InterFaceGAN direction: fitted on one set of samples, measured on another."""
    judge = runs.judge_named(spec, judges)
    steered = latent.steerable(loaded)
    space, generator = steered.steered, steered.generator
    fit = runs.varied(loaded, runs.ATTRIBUTE_SAMPLES, config["seed"] + 1, prompts)
    held = runs.samples(loaded, config["monotone_n"], HELD_OUT_SEED, prompts)
    fit_y, held_y = (runs.of_class(loaded, judge, s.y, len(s.z)) for s in (fit, held))
    score = judges.one(judge)
    vector = steer.attribute_direction(generator, fit.z, fit_y, score, space=space)
    never_falls, rises = steer.monotone_share(generator, held.z, held_y, score, vector=vector)
    direction = steer.Direction(vector, 0.0)
    steer.name_directions(generator, [direction], held.z, held_y, judges, spread)
    entry = {"attribute": spec, "judge": judge, "space": space.name, "never_falls": round(never_falls, 3),
             "rises": round(rises, 3), "effect": round(direction.effects[judge], 3),
             "entanglement": round(float(np.mean([abs(v) for k, v in direction.effects.items() if k != judge])), 3),
             "score_at_0": round(float(score(steer.move(generator, held.z, held_y, [])).mean()), 3),
             "score_at_3": round(float(score(steer.move(generator, held.z, held_y, [(vector, 3.0)])).mean()), 3)}
    if judge in judges.gradients:  # the walk up the judge's gradient, the same distance
        climb = judges.gradients[judge]
        never_falls, rises = steer.monotone_share(generator, held.z, held_y, score, log_probability=climb,
                                                  space=space)
        walked = steer.walk(generator, held.z, held_y, climb, 3.0, space)
        entry.update({"walk_never_falls": round(never_falls, 3), "walk_rises": round(rises, 3),
                      "walk_score_at_3": round(float(score(steer.move(generator, walked, held_y, [])).mean()), 3)})
    if keep:
        kept = runs.judge_named(keep, judges)
        kept_vector = steer.attribute_direction(generator, fit.z, fit_y, judges.one(kept), space=space)
        held_still = steer.Direction(steer.attribute_direction(generator, fit.z, fit_y, score, [kept_vector], space),
                                     0.0)
        steer.name_directions(generator, [held_still], held.z, held_y, judges, spread)
        entry.update({"kept": keep, "kept_moves": round(direction.effects[kept], 3),
                      "kept_moves_when_held": round(held_still.effects[kept], 3),
                      "effect_when_held": round(held_still.effects[judge], 3)})
    return entry


def _edit_seconds(loaded, vector, prompts) -> float:
    """Median seconds to draw one sample moved along a direction (what /edit does per slider move)."""
    drawn = runs.samples(loaded, 1, 3, prompts[:1])
    generator = latent.steerable(loaded).generator
    times = []
    for _ in range(21):
        start = time.perf_counter()
        steer.move(generator, drawn.z, drawn.y, [(vector, 2.0)])
        times.append(time.perf_counter() - start)
    return round(float(np.median(times)), 4)


def _panel(config: dict, method: str, name: str, classifier, prompts) -> None:
    """The panel as `couturier directions` draws it, into docs/."""
    out = DOCS / f"{name}-{method}"
    command = [sys.executable, "-m", "couturier", "directions", config["run"], "--out", str(out), "--k",
               str(config["k"]), "--n", str(config["n"]), "--method", method, "--seed", str(config["seed"]), "--force"]
    command += ["--classifier", classifier] if classifier else []
    for spec, _ in config.get("attributes", []) if method == "sefa" else []:
        command += ["--attribute", spec]
    for prompt in prompts:
        command += ["--prompt", prompt]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    (out / "directions.png").replace(DOCS / f"{name}-{method}.png")
    # 256 colours are plenty to look at and keep the picture small in the repository
    picture = Image.open(DOCS / f"{name}-{method}.png").convert("RGB")
    picture.quantize(256, dither=Image.Dither.NONE).save(DOCS / f"{name}-{method}.png", optimize=True)
    (out / "directions.json").unlink()
    out.rmdir()


def _print(report: dict) -> None:
    for method, found in report["methods"].items():
        print(f"{method}: {found['seconds']:.3f} s; effect {found['effect']:.2f}, entanglement "
              f"{found['entanglement']:.2f}")
        for d in found["directions"]:
            print(f"  {d['name']}: {d['effect']:.2f} (others {d['entanglement']:.2f})")
    for key in (k for k in report if k.startswith("random")):
        print(f"{key}: effect {report[key]['effect']:.2f}, entanglement {report[key]['entanglement']:.2f}")
    for a in report["attributes"]:
        print(f"{a['attribute']} ({a['space']}): p {a['score_at_0']:.2f} -> {a['score_at_3']:.2f}, never falls {a['never_falls']:.0%}, "
              f"rises {a['rises']:.0%}, effect {a['effect']:.2f}"
              + (f"; walk: p -> {a['walk_score_at_3']:.2f}, never falls {a['walk_never_falls']:.0%}, rises "
                 f"{a['walk_rises']:.0%}" if "walk_rises" in a else "")
              + (f"; {a['kept']} moves {a['kept_moves']:.2f} -> {a['kept_moves_when_held']:.2f} held"
                 if "kept" in a else ""))
    print(f"edit: {report['edit_seconds'] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
