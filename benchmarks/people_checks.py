"""The photos of people `stylize` and `try-on` must refuse or read from afar, for benchmarks/people.py:
the several-people check, try-on's cut-off check, and a person small in a large photo."""
from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from couturier.people import find_garments, find_person
from couturier.people.pose import people_faces
from couturier.style.images import StyleInputError
from couturier.style.masks import iou

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from drawn_garments import MASKS as DRAWN  # noqa: E402  (the outlines and their photos live with the tests)
from drawn_garments import drawn_mask, photo, worn  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "fashion-products" / "images"
UNSEEN_KINDS = ("Tshirts", "Shirts", "Tops", "Kurtas", "Kurtis", "Tunics", "Dresses")  # worn on catalogue photos
COUNTED = 100  # photos of people the several-people and cut-off checks are tried on


def enlarged(picture: Image.Image, side: int = 320) -> Image.Image:
    """A catalogue photo brought to a long side of `side` pixels, as `stylize` is given a photo."""
    return picture.resize((side * picture.width // max(picture.size), side * picture.height // max(picture.size)),
                          Image.Resampling.BICUBIC)


def named_in_tests() -> set[str]:
    """Catalogue photos a test names or an outline was drawn on: looked at while the rules were made."""
    return set(DRAWN) | {key for path in (ROOT / "tests").rglob("*.py") for key in re.findall(r'"(\d{3,5})"', path.read_text())}


def drawn(kinds: tuple[str, ...], seed: int) -> list[str]:
    """The catalogue's photos labelled one of `kinds`, none a test names, in a random order fixed by `seed`."""
    named = named_in_tests()
    ids = [row["id"] for row in csv.DictReader((SHARED.parent / "styles.csv").open())
           if row["articleType"] in kinds and row["id"] not in named and (SHARED / f"{row['id']}.jpg").exists()]
    random.Random(seed).shuffle(ids)
    return ids


def people_counted(count: int = COUNTED, seed: int = 2026, side: int = 80) -> dict:
    """The several-people check (`people_faces`, which `stylize` and `try-on` refuse on) on `count`
    photos of people in UNSEEN_KINDS (drawn at random, the same each run, none a test names) at a
    long side of `side` (80: the catalogue's own 60x80), each alone and in pairs side by side: the
    share of photos counted as one person, none, several (a catalogue photo now and then shows two or
    three men: `several` names them, to look at), and the share of pairs counted as two or more."""
    ids = drawn(UNSEEN_KINDS, seed)
    people: list[tuple[str, np.ndarray]] = []
    for key in ids:
        if len(people) == count:
            break
        picture = np.asarray(enlarged(Image.open(SHARED / f"{key}.jpg").convert("RGB"), side))
        if picture.shape[:2] == (side, side * 3 // 4) and find_person(picture) is not None:
            people.append((key, picture))
    counts = {key: len(people_faces(picture)) for key, picture in people}
    pairs = [np.concatenate([a, b], axis=1) for (_, a), (_, b) in zip(people[::2], people[1::2])]
    share = lambda n: round(sum(c == n for c in counts.values()) / len(counts), 3)  # noqa: E731
    return {"photos": len(counts), "one": share(1), "none": share(0),
            "several": sorted(key for key, c in counts.items() if c > 1),
            "pairs": len(pairs), "pairs_counted_several": round(float(np.mean([len(people_faces(p)) > 1 for p in pairs])), 3)}


def cut_off_refused(count: int = COUNTED, seed: int = 2026) -> dict:
    """`try-on`'s person check (`check_person`) on `count` catalogue people in UNSEEN_KINDS (drawn at
    random, the same each run, none a test names) at 240x320: the share of whole photos taken, and
    of the same photos cut across the torso (a third and two thirds of the way from the neck to the
    hip joints, as the network read the whole photo) refused, as cut off or at all."""
    from couturier.people.tryon import check_person

    def refusal(picture: np.ndarray) -> str | None:
        try:
            check_person(picture)
        except StyleInputError as refused:
            return str(refused)
        return None

    ids = drawn(UNSEEN_KINDS, seed)
    whole, cut = [], {0.3: [], 0.6: []}
    for key in ids:
        if len(whole) == count:
            break
        picture = np.asarray(enlarged(Image.open(SHARED / f"{key}.jpg").convert("RGB")))
        person = find_person(picture)
        if person is None:
            continue
        whole.append((key, refusal(picture)))
        hips = (person.point("left_hip")[1] + person.point("right_hip")[1]) / 2
        for share, refusals in cut.items():
            refusals.append(refusal(picture[:int(person.neck[1] + share * (hips - person.neck[1]))]))
    return {"photos": len(whole), "whole_taken": round(sum(r is None for _, r in whole) / len(whole), 3),
            "whole_refused": {key: refused for key, refused in whole if refused is not None},
            **{f"cut_at_{share}_refused": round(sum(r is not None for r in refusals) / len(refusals), 3)
               for share, refusals in cut.items()},
            **{f"cut_at_{share}_refused_as_cut_off": round(sum(r is not None and "cut off" in r for r in refusals)
                                                           / len(refusals), 3) for share, refusals in cut.items()}}


def small_in_the_photo_iou(scale: float) -> float:
    """Mean IoU of the main garment against the drawn outlines, each catalogue person (240x320) at the
    bottom middle of a white photo `scale` times as tall and 1.6 times as much wider (a figure a half
    or a third of the photo's height, as in a photo of a room); no person found counts 0."""
    scores = []
    for key in worn():
        if "source" in DRAWN[key]:  # the astronaut is no catalogue photo
            continue
        picture = np.asarray(enlarged(Image.fromarray(photo(key))))
        height, width = int(320 * scale), int(240 * scale * 1.6)
        room = np.full((height, width, 3), 255, np.uint8)
        where = (slice(height - 320, height), slice((width - 240) // 2, (width - 240) // 2 + 240))
        room[where] = picture
        person = find_person(room)
        want = np.asarray(Image.fromarray(drawn_mask(key)).resize((240, 320), Image.Resampling.NEAREST))
        garments = find_garments(room, person) if person is not None else None
        scores.append(iou(garments.region(garments.main)[where], want) if garments is not None else 0.0)
    return round(float(np.mean(scores)), 3)


# product photos try-on is given as the garment: what it must take, and what it must refuse
TOPS = ("Tshirts", "Shirts", "Tops", "Dresses", "Sweatshirts", "Sweaters", "Jackets", "Innerwear Vests", "Nightdress",
        "Kurtas", "Kurtis", "Tunics")
FOR_THE_LEGS = ("Jeans", "Trousers", "Track Pants", "Shorts", "Leggings", "Capris", "Skirts", "Briefs", "Trunk", "Boxers",
                "Socks", "Lounge Pants", "Lounge Shorts", "Churidar", "Salwar", "Patiala", "Stockings", "Tights")
NOT_CLOTHING = ("Watches", "Casual Shoes", "Sports Shoes", "Heels", "Handbags", "Sunglasses", "Wallets", "Belts",
                "Earrings", "Deodorant", "Perfume and Body Mist", "Lipstick", "Nail Polish")


def garments_checked(per_kind: int = 25, seed: int = 12) -> dict:
    """`try-on`'s garment check (`check_garment`) on catalogue product photos laid flat (no person
    found, a plain background; up to `per_kind` of each article type, drawn at random, the same each
    run, none a test names) at 240x320: for tops and dresses, clothing for the legs, and accessories
    and cosmetics, the share taken, refused as not clothing, and refused as for the legs; and which
    tops were refused, to look at."""
    from couturier.people.tryon import check_garment

    found: dict[str, dict[str, int]] = {}
    refused_tops: list[str] = []
    counted: dict[str, int] = {}
    kinds = {row["id"]: row["articleType"] for row in csv.DictReader((SHARED.parent / "styles.csv").open())}
    for key in drawn(TOPS + FOR_THE_LEGS + NOT_CLOTHING, seed):
        kind = kinds[key]
        if counted.get(kind, 0) == per_kind:
            continue
        picture = np.asarray(enlarged(Image.open(SHARED / f"{key}.jpg").convert("RGB")))
        if picture.shape[:2] != (320, 240) or find_person(picture) is not None:
            continue
        try:
            check_garment(picture)
            verdict = "taken"
        except StyleInputError as exc:
            message = str(exc)
            verdict = ("no outline" if "plain background" in message else "for the legs" if "upper body" in message
                       else "not clothing" if "not clothing" in message else "other")
        if verdict == "no outline":
            continue
        counted[kind] = counted.get(kind, 0) + 1
        group = "tops" if kind in TOPS else "for the legs" if kind in FOR_THE_LEGS else "not clothing"
        found.setdefault(group, {}).setdefault(verdict, 0)
        found[group][verdict] += 1
        if group == "tops" and verdict != "taken":
            refused_tops.append(key)
    return {group: {"photos": sum(v.values()), **{k: round(n / sum(v.values()), 3) for k, n in v.items()}}
            for group, v in found.items()} | {"tops_refused": refused_tops}
