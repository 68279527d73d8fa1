"""Garments on people, found two ways and judged against outlines drawn by hand.

    python benchmarks/people.py          # 5 minutes; docs/people/masks.png, stylize-{worn,unseen,uncovered}.png, results.json
    (try-on: benchmarks/try_on.py)

For every photo in tests/style/garment_masks.json that a person wears (the hand-drawn garment only:
no face, hair, arms or hands; 30 catalogue photos and scikit-image's astronaut): the intersection
over union with the hand-drawn mask of the colour rules (couturier/style/masks.py: background, skin
chroma, head, GrabCut) and of the pose network's garments (couturier/people/: MediaPipe's person
mask and keypoints, less head, hair and skin, edges snapped), on the photos the garment rules were
tuned on, on those held out then looked at, and on the fresh ones (tests/drawn_garments.py), and how much of each mask lies on the face and hair; then, on worn white T-shirts on
white with no hand-drawn outline, the share of the chest (between shoulders and hips) each method
covers. Time per photo for the pose network. Then the fabric on each drawn worn garment as
`stylize` drapes it by default (`--steps 0`, at 240x320, a checked swatch): the face and hair and
the background around the person changed (mean absolute difference, 0-255; at most 2 wanted) and
the share of the drawn garment the fabric covers (all of it, less its outline's pixels, and two pixels in),
and each patch two pixels in that it leaves bare, zoomed, to be judged by eye (`stylize-uncovered.png`).
Last, the same on 24 worn tops and dresses of the catalogue that nobody drew (a fixed draw), to look at;
where the top ends by the catalogue's labels (`by_label`); the several-people check on catalogue
people alone and side by side (`people_counted`); try-on's check of a person cut off above the
thighs on whole catalogue photos and the same cut across the torso (`cut_off_refused`); and the
drawn garments' IoU with the person a half and a third of a large photo's height
(`small_in_the_photo_iou`; these three in benchmarks/people_checks.py).
"""
from __future__ import annotations

import csv
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from couturier import style
from couturier.fileio import write_text
from couturier.people import find_garments, find_person
from couturier.style.images import StyleInputError
from couturier.style.masks import garment_mask, iou
from couturier.viz import new_figure, save_figure

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from drawn_garments import MASKS as DRAWN  # noqa: E402  (the outlines and their photos live with the tests)
from drawn_garments import FRESH, TUNED_ON, drawn_mask, photo, worn  # noqa: E402
from people_checks import (SHARED, UNSEEN_KINDS, cut_off_refused, drawn, enlarged, people_counted,  # noqa: E402
                           small_in_the_photo_iou)

WHITE_ON_WHITE = ("1575", "1849", "1865", "1868", "1891")  # men in white T-shirts on white; no outline drawn
DOCS = ROOT / "docs" / "people"
ENLARGED = (320, 512)  # long sides the catalogue photos are also measured at
UNSEEN = 24  # people in the panel of photos nobody drew
PATCH = 2  # pixels of a 60x80 catalogue photo: the least uncovered patch shown, beyond the outline's own uncertainty
LABELLED = 200  # photos of each label check (T-shirts; dresses and kurtas): the catalogue's label says where the top ends
KINDS = {"white on white": ("on white",), "skin-coloured": ("skin-coloured",),
         "kurtas and the astronaut's suit": ("kurta", "astronaut")}


def masks(key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, object, object, float]:
    """(photo, colour rules' mask, pose garments' mask, person, garments, seconds of the pose part)."""
    picture = photo(key) if key in DRAWN else np.asarray(Image.open(SHARED / f"{key}.jpg").convert("RGB"))
    try:
        rules = garment_mask(style.from_pil(Image.fromarray(picture)))[0, 0].numpy() > 0.5
    except StyleInputError:  # no plain background (the astronaut): the colour rules find nothing
        rules = np.zeros(picture.shape[:2], bool)
    start = time.perf_counter()
    person = find_person(picture)
    garments = find_garments(picture, person) if person is not None else None
    seconds = time.perf_counter() - start
    pose = garments.region(garments.main) if garments is not None else np.zeros(picture.shape[:2], bool)
    return picture, rules, pose, person, garments, seconds


def enlarged_iou(side: int) -> float:
    """Mean IoU of the pose network's garment on the drawn catalogue photos enlarged (bicubic) to a
    long side of `side` pixels, against their outlines enlarged alike."""
    scores = []
    for key in worn():
        if "source" in DRAWN[key]:  # the astronaut is 512 px already
            continue
        small = Image.fromarray(photo(key))
        size = (side * small.width // max(small.size), side * small.height // max(small.size))
        picture = np.asarray(small.resize(size, Image.Resampling.BICUBIC))
        garments = find_garments(picture, find_person(picture))
        want = np.asarray(Image.fromarray(drawn_mask(key)).resize(size, Image.Resampling.NEAREST))
        scores.append(iou(garments.region(garments.main), want))
    return round(float(np.mean(scores)), 3)


def chest(person) -> np.ndarray:
    box = np.zeros(person.mask.shape, bool)
    hips = (person.point("left_hip") + person.point("right_hip")) / 2
    box[int(person.neck[1]) + 3:int(hips[1]), int(person.point("right_shoulder")[0]) + 2:
        int(person.point("left_shoulder")[0]) - 1] = True
    return box


def main() -> None:
    find_person(np.zeros((64, 64, 3), np.uint8))  # the network's first call builds it: not timed
    rows, pictures = [], []
    for key in worn():
        picture, rules, pose, person, garments, seconds = masks(key)
        want = drawn_mask(key)
        rows.append({"photo": key, "garment": DRAWN[key]["garment"], "tuned_on": key in TUNED_ON, "fresh": key in FRESH,
                     "iou_colour_rules": round(iou(rules, want), 3),
                     "iou_pose": round(iou(pose, want), 3),
                     "head_in_colour_rules": round(float(rules[garments.head].mean()), 3),
                     "head_in_pose": round(float(pose[garments.head].mean()), 3), "seconds": round(seconds, 3)})
        pictures.append((key, picture, rules, pose, want))
    white = []
    for key in WHITE_ON_WHITE:
        picture, rules, pose, person, garments, seconds = masks(key)
        box = chest(person)
        white.append({"photo": key, "chest_in_colour_rules": round(float(rules[box].mean()), 3),
                      "chest_in_pose": round(float(pose[box].mean()), 3), "seconds": round(seconds, 3)})
        pictures.append((key, picture, rules, pose, None))
    mean = lambda name, chosen: round(float(np.mean([r[name] for r in chosen])), 3)  # noqa: E731
    tuned, fresh = [r for r in rows if r["tuned_on"]], [r for r in rows if r["fresh"]]
    held_out = [r for r in rows if not r["tuned_on"] and not r["fresh"]]
    summary = {"drawn_worn": len(rows), "mean_iou_colour_rules": mean("iou_colour_rules", rows),
               "mean_iou_pose": mean("iou_pose", rows), "median_iou_pose": round(float(np.median([r["iou_pose"] for r in rows])), 3),
               "photos_at_the_bar_pose": sum(r["iou_pose"] >= 0.85 for r in rows),  # the IoU bar, 0.85
               "tuned_on": len(tuned), "mean_iou_pose_tuned_on": mean("iou_pose", tuned),
               "mean_iou_colour_rules_tuned_on": mean("iou_colour_rules", tuned),
               "held_out": len(held_out), "mean_iou_pose_held_out": mean("iou_pose", held_out),
               "mean_iou_colour_rules_held_out": mean("iou_colour_rules", held_out),
               "fresh": len(fresh), "mean_iou_pose_fresh": mean("iou_pose", fresh),
               "mean_iou_colour_rules_fresh": mean("iou_colour_rules", fresh),
               "face_in_pose": round(float(max(r["head_in_pose"] for r in rows)), 3),
               "white_on_white_chest_colour_rules": round(float(np.mean([w["chest_in_colour_rules"] for w in white])), 3),
               "white_on_white_chest_pose": round(float(np.mean([w["chest_in_pose"] for w in white])), 3),
               "median_seconds_pose": round(float(np.median([r["seconds"] for r in rows + white])), 3)}
    for side in ENLARGED:  # photos of any size: the catalogue photos enlarged, as stylize and try-on see them
        summary[f"mean_iou_pose_at_{side}px"] = enlarged_iou(side)
    for kind, words in KINDS.items():  # the hard cases the issue names, by the drawn garment's description
        chosen = [r for r in rows if any(w in r["garment"] for w in words)]
        summary[f"by kind: {kind}"] = {"photos": len(chosen), "mean_iou_colour_rules": mean("iou_colour_rules", chosen),
                                       "mean_iou_pose": mean("iou_pose", chosen)}
    DOCS.mkdir(parents=True, exist_ok=True)
    write_text(DOCS / "results.json", json.dumps({"date": time.strftime("%Y-%m-%d"), "summary": summary,
                                                  "drawn": rows, "white_on_white": white}, indent=2))
    panel(pictures, DOCS / "masks.png")
    draped, pairs, patches = drape_rows()
    drape_panel(pairs[::2], DOCS / "stylize-worn.png")  # every other person: 16, enough to judge by eye
    patches_panel(patches, DOCS / "stylize-uncovered.png")
    unseen, tried, refused = unseen_pairs()
    drape_panel(unseen, DOCS / "stylize-unseen.png",
                title="stylize by default on catalogue photos nobody drew an outline for: the photo, then the fabric")
    summary["unseen"] = {"photos_tried": tried, "people_found": len(unseen), "refused": refused}
    summary["t_shirts_by_label"] = t_shirts_by_label()
    summary["long_garments_by_label"] = long_garments_by_label()
    summary["people_counted"] = {f"{side}px": people_counted(side=side) for side in (80, 320)}
    summary["cut_off_refused"] = cut_off_refused()
    summary["small_in_the_photo_iou"] = {f"{scale}x": small_in_the_photo_iou(scale) for scale in (2.0, 3.0)}
    summary["stylize_worn"] = {k: {"mean": round(float(np.mean([r[k] for r in draped])), 3),
                                   "max": round(float(np.max([r[k] for r in draped])), 3),
                                   "min": round(float(np.min([r[k] for r in draped])), 3)}
                               for k in ("head_change", "background_change", "garment_covered", "inside_covered",
                                         "core_covered")}
    summary["stylize_worn"]["uncovered_patches"] = {"patches": len(patches), "photos": len({p[0] for p in patches}),
                                                    "pixels": sum(p[1] for p in patches)}
    write_text(DOCS / "results.json", json.dumps({"date": time.strftime("%Y-%m-%d"), "summary": summary,
                                                  "drawn": rows, "white_on_white": white, "stylize_worn": draped},
                                                 indent=2))
    print(json.dumps(summary, indent=2))


def checked_swatch() -> torch.Tensor:
    """A blue and yellow check: where it lies, and where it does not, shows at a glance."""
    lines = (np.arange(48) // 6) % 2
    check = np.where((lines[:, None] ^ lines[None, :])[..., None] == 1, [40, 60, 170], [235, 200, 60])
    return style.from_pil(Image.fromarray(check.astype(np.uint8)))


def unseen_pairs(count: int = UNSEEN, seed: int = 0) -> tuple[list[tuple[str, np.ndarray, np.ndarray]], int, dict]:
    """(photo, before, after) of the default `stylize --steps 0` on `count` catalogue photos of worn
    tops and dresses with no outline drawn (drawn at random, the same each run), how many photos
    were tried for them (the pose network finds no person on a garment laid flat), and those
    `stylize` refused, with its one line."""
    rows = [row for row in csv.DictReader((SHARED.parent / "styles.csv").open())
            if row["articleType"] in UNSEEN_KINDS and row["id"] not in DRAWN and (SHARED / f"{row['id']}.jpg").exists()]
    random.Random(seed).shuffle(rows)
    swatch, pairs, tried, refused = checked_swatch(), [], 0, {}
    for row in rows:
        if len(pairs) == count:
            break
        tried += 1
        picture = enlarged(Image.open(SHARED / f"{row['id']}.jpg").convert("RGB"))
        content = style.from_pil(picture)
        try:
            region, how = style.garment_region(content)
        except StyleInputError as exc:  # several people
            refused[row["id"]] = str(exc)
            continue
        if "pose network" not in how:
            continue
        after = np.asarray(style.to_pil(style.drape_fabric(content, swatch, region).picture))
        pairs.append((row["id"], np.asarray(picture), after))
    return pairs, tried, refused


def t_shirts_by_label(count: int = LABELLED, seed: int = 2026) -> dict:
    """The catalogue's labels as a check where nobody drew, on photos of people in T-shirts (articleType
    Tshirts): is the T-shirt the main garment, covering the rows just above the hip joints (a
    T-shirt's hem hangs about there), with the lower garment covering the rows a third of a torso
    below them (no T-shirt reaches so far)? Read wrong: a top cut at its print or its light, or one
    piece with the jeans."""
    return by_label(("Tshirts",), count, seed, lambda garments, rows: garments.main == "upper" and
                    garments.upper[rows(-0.2, -0.05)].mean() > 0.8 and garments.lower[rows(0.25, 0.35)].mean() > 0.5)


def long_garments_by_label(count: int = LABELLED, seed: int = 2026) -> dict:
    """The same check on photos of dresses and kurtas (articleType Dresses, Kurtas): does the main
    garment cover the body's middle from above the hip joints to a third of a torso below them (a
    skirt, a kurta's lower half)? Read wrong: the garment cut at a print, a belt or the light (a
    colour-blocked dress reads as a top over a skirt: nothing in its pixels says otherwise)."""
    return by_label(("Dresses", "Kurtas"), count, seed, lambda garments, rows: (
        garments.region(garments.main)[rows(-0.2, -0.05) | rows(0.15, 0.3)].mean() > 0.8))


def by_label(kinds: tuple[str, ...], count: int, seed: int, read_right) -> dict:
    """`count` photos of people labelled one of `kinds` (drawn at random, the same each run, none a
    test names) whose photo goes on a third of a torso below the hip joints, at 240x320 as `stylize`
    sees them; `read_right(garments, rows)` judges each, rows(first, last) being the body's middle
    from `first` to `last` torso lengths below the hip joints."""
    from couturier.people.garments import _body

    ids = drawn(kinds, seed)
    checked, wrong = 0, []
    for key in ids:
        if checked == count:
            break
        picture = np.asarray(enlarged(Image.open(SHARED / f"{key}.jpg").convert("RGB")))
        person = find_person(picture)
        if person is None:
            continue
        body = _body(person, picture.shape[:2])
        if body.hips[1] + 0.35 * body.torso >= picture.shape[0]:  # cut at the hips: no lower garment to tell
            continue
        checked += 1
        left, right = body.shoulders
        inset = 0.25 * (right[0] - left[0])
        middle = (body.columns > left[0] + inset) & (body.columns < right[0] - inset) & (person.mask > 0.5)
        rows = lambda first, last: middle & (body.rows > body.hips[1] + first * body.torso) & \
            (body.rows < body.hips[1] + last * body.torso)  # noqa: E731
        if not read_right(find_garments(picture, person), rows):
            wrong.append(key)
    return {"photos": checked, "read_right": round(1 - len(wrong) / max(checked, 1), 3), "read_wrong": wrong}


def drape_rows(side: int = 320) -> tuple[list[dict], list[tuple[str, np.ndarray, np.ndarray]], list]:
    """The default `stylize --steps 0` on each drawn worn garment: what changed outside it, and how
    much of it the fabric covers; each (photo, before, after) to look at; and each patch of the
    garment's core the fabric left uncovered (`uncovered_patches`)."""
    from scipy import ndimage

    swatch = checked_swatch()
    rows, pairs, patches = [], [], []
    for key in worn():
        picture = enlarged(Image.fromarray(photo(key)), side)
        content = style.from_pil(picture)
        region, how = style.garment_region(content)
        draped = style.drape_fabric(content, swatch, region)
        before = np.asarray(picture).astype(np.float32)
        after = np.asarray(style.to_pil(draped.picture)).astype(np.float32)
        changed = np.abs(after - before).mean(axis=2)
        person = find_person(np.asarray(picture))
        garments = find_garments(np.asarray(picture), person)
        around = ~ndimage.binary_dilation(person.mask > 0.5, iterations=side // 40)
        drawn = drawn_mask(key)
        want = np.asarray(Image.fromarray(drawn).resize(picture.size, Image.Resampling.NEAREST))
        # the outline's own edge pixels are half wall or half arm: the garment's inside is the rest
        inside = np.asarray(Image.fromarray(ndimage.binary_erosion(drawn)).resize(picture.size, Image.Resampling.NEAREST))
        # two pixels of the photo in: where an outline drawn at 60x80 can no longer be a pixel off
        core = np.asarray(Image.fromarray(ndimage.binary_erosion(drawn, iterations=2)).resize(picture.size,
                                                                                             Image.Resampling.NEAREST))
        covered = draped.mask[0, 0].numpy() > 0.5 if draped.mask is not None else np.ones_like(want)
        rows.append({"photo": key, "how": how, "head_change": round(float(changed[garments.head].mean()), 2),
                     "background_change": round(float(changed[around].mean()), 2),
                     "garment_covered": round(float(covered[want].mean()), 3),
                     "inside_covered": round(float(covered[inside].mean()), 3),
                     "core_covered": round(float(covered[core].mean()), 3)})
        pairs.append((key, before.astype(np.uint8), after.astype(np.uint8)))
        patches += uncovered_patches(key, before.astype(np.uint8), after.astype(np.uint8), core & ~covered,
                                     (side / 80) ** 2)
    return rows, pairs, sorted(patches, key=lambda patch: -patch[1])


def uncovered_patches(key: str, before: np.ndarray, after: np.ndarray, missed: np.ndarray,
                      scale: float, around: int = 28) -> list[tuple[str, int, np.ndarray, np.ndarray, np.ndarray]]:
    """Each patch of `missed` (the drawn garment's core the fabric left uncovered) of at least PATCH
    pixels of a 60x80 catalogue photo (`scale`: enlarged pixels to one of them): (photo, its
    size in enlarged pixels, and crops `around` pixels each side of it: the photo, the fabric, the
    patch in red). A number cannot say whether a patch is garment the rules missed or skin or wall an
    outline drawn on a 60x80 photo took in; a look at the crop can."""
    from scipy import ndimage

    labels, count = ndimage.label(missed)
    found = []
    for index in range(1, count + 1):
        patch = labels == index
        if patch.sum() < PATCH * scale:
            continue
        rows, columns = np.nonzero(patch)
        top = int(np.clip(rows.mean() - around, 0, max(before.shape[0] - 2 * around, 0)))
        left = int(np.clip(columns.mean() - around, 0, max(before.shape[1] - 2 * around, 0)))
        window = (slice(top, top + 2 * around), slice(left, left + 2 * around))
        marked = before.copy()
        marked[patch] = (255, 0, 0)
        found.append((key, int(patch.sum()), before[window], after[window], marked[window]))
    return found


def patches_panel(patches, path: Path, per_row: int = 4) -> None:
    """Each uncovered patch as three crops side by side (photo, fabric, the patch in red), `per_row`
    patches to a row, the largest first."""
    rows = max(1, -(-len(patches) // per_row))
    fig, axes = new_figure(rows, 3 * per_row, (1.1 * 3 * per_row, 1.35 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for number, (key, size, *crops) in enumerate(patches):
        row, column = divmod(number, per_row)
        for index, crop in enumerate(crops):
            axes[row][3 * column + index].imshow(crop)
        axes[row][3 * column].set_title(f"{key}: {size} px", fontsize=7, loc="left")
    save_figure(fig, path, "what stylize left uncovered inside the drawn garments (two pixels in): photo, fabric, the patch")
    Image.open(path).convert("RGB").quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)


def drape_panel(pairs, path: Path, per_row: int = 8,
                title: str = "stylize by default on people: the photo, then a checked fabric on the garment found") -> None:
    """Blocks of `per_row` people, two rows each: the photo, and the fabric `stylize` put on it."""
    blocks = [pairs[i:i + per_row] for i in range(0, len(pairs), per_row)]
    fig, axes = new_figure(2 * len(blocks), per_row, (1.3 * per_row, 3.8 * len(blocks)), squeeze=False)
    for block, chunk in enumerate(blocks):
        for column in range(per_row):
            for row in range(2):
                ax = axes[2 * block + row][column]
                ax.axis("off")
                if column < len(chunk):
                    ax.imshow(chunk[column][1 + row])
                    ax.set_title(chunk[column][0] if row == 0 else "", fontsize=7)
    save_figure(fig, path, title)
    Image.open(path).convert("RGB").quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)


def panel(pictures, path: Path, per_row: int = 10) -> None:
    """Blocks of `per_row` photos, three rows each: drawn by hand, the colour rules, the pose network."""
    blocks = [pictures[i:i + per_row] for i in range(0, len(pictures), per_row)]
    fig, axes = new_figure(3 * len(blocks), per_row, (1.3 * per_row, 5.6 * len(blocks)), squeeze=False)
    for block, chunk in enumerate(blocks):
        for column in range(per_row):
            for row, label in enumerate(("drawn", "colour rules", "pose network")):
                ax = axes[3 * block + row][column]
                ax.axis("off")
                if column >= len(chunk):
                    continue
                key, picture, rules, pose, want = chunk[column]
                mask = (want, rules, pose)[row]
                shown = picture.astype(np.float32) / 255
                if mask is not None:
                    shown = np.where(mask[..., None], 0.35 * shown + 0.65 * np.array([0.1, 0.75, 0.9]), shown)
                ax.imshow(shown)
                if column == 0:
                    ax.set_title(f"{label}: {key}" if row == 0 else label, fontsize=7, loc="left")
                elif row == 0:
                    ax.set_title(key, fontsize=7)
    save_figure(fig, path, "The garment on a person: drawn by hand, the colour rules, the pose network")
    # 256 colours are plenty to look at and keep the picture small in the repository
    Image.open(path).convert("RGB").quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)


if __name__ == "__main__":
    main()
