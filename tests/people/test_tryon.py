"""people/tryon.py and `couturier try-on`: a product photo's garment put on a person."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from couturier.people import find_garments, find_person, try_on
from couturier.style.images import StyleInputError

CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "data" / "fashion-products" / "images"
pytestmark = pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")


def _photo(key: str, side: int = 240) -> np.ndarray:
    image = Image.open(CATALOGUE / f"{key}.jpg").convert("RGB")
    return np.asarray(image.resize((side * 3 // 4, side), Image.Resampling.BICUBIC))


def test_the_person_wears_the_product_and_keeps_face_and_background():
    person_photo, jersey = _photo("1575"), _photo("1163")  # a man in a white T-shirt; a blue jersey laid flat
    result = try_on(person_photo, jersey)
    assert result.image.shape == person_photo.shape and result.old_visible < 0.3 and result.alignment < 0.2
    person = find_person(person_photo)
    garments = find_garments(person_photo, person)
    changed = np.abs(result.image.astype(np.float32) - person_photo).mean(axis=2)
    around = ~ndimage.binary_dilation(person.mask > 0.5, iterations=6)
    assert changed[garments.head].mean() <= 2.0 and changed[around].mean() <= 2.0  # face, hair, background
    hips = (person.point("left_hip") + person.point("right_hip")) / 2
    chest = result.image[int(person.neck[1]) + 10:int(hips[1]), int(person.point("right_shoulder")[0]) + 5:
                         int(person.point("left_shoulder")[0]) - 5].reshape(-1, 3).astype(np.float32)
    red, _, blue = chest.mean(axis=0)
    assert blue > red + 60  # the white chest is now the jersey's blue


def test_each_sleeve_is_turned_along_its_upper_arm_and_the_torso_keeps_the_garments_proportions():
    from couturier.people.product import landmarks, outline
    from couturier.people.tryon import placements

    person = find_person(_photo("1575"))
    product = landmarks(outline(_photo("1909")))  # a T-shirt laid flat, its sleeves out to the sides
    maps, sent = placements(product, person)
    assert set(maps) == {"torso", "left", "right"}
    elbows = sorted((person.point("left_elbow"), person.point("right_elbow")), key=lambda p: p[0])
    for side, elbow in zip(("left", "right"), elbows):
        seam = sent[f"{side}_shoulder"]
        sleeve, arm = sent[f"{side}_sleeve"] - seam, elbow - seam
        assert np.dot(sleeve, arm) / np.linalg.norm(sleeve) / np.linalg.norm(arm) > 0.99  # along the arm
    flat = np.linalg.norm(product.marks["hem"] - product.marks["neck"]) / np.linalg.norm(
        product.marks["right_shoulder"] - product.marks["left_shoulder"])
    worn = np.linalg.norm(sent["hem"] - sent["neck"]) / np.linalg.norm(sent["right_shoulder"] - sent["left_shoulder"])
    assert abs(worn - flat) < 0.01 * flat  # sheared only as far as the body's axis leans from square


def test_a_garment_hangs_along_the_body_when_the_shoulders_tilt():
    """One hip out tilts the shoulders; the garment hangs from them to below the hips' middle, where
    a similarity from the shoulders alone swung its hem sideways."""
    from couturier.people.pose import Person
    from couturier.people.product import landmarks, outline
    from couturier.people.tryon import placements

    product = landmarks(outline(_photo("1909")))
    points = {"left_shoulder": (140.0, 70.0, 1.0), "right_shoulder": (60.0, 90.0, 1.0),  # tilted by 14 degrees
              "left_hip": (115.0, 210.0, 1.0), "right_hip": (75.0, 210.0, 1.0),
              "left_elbow": (150.0, 140.0, 1.0), "right_elbow": (50.0, 160.0, 1.0)}
    person = Person(points, np.zeros((320, 200), np.float32), 1.0)
    _, sent = placements(product, person)
    hips = np.array([95.0, 210.0])
    down = (hips - person.neck) / np.linalg.norm(hips - person.neck)
    off_axis = sent["hem"] - person.neck - ((sent["hem"] - person.neck) @ down) * down
    assert np.linalg.norm(off_axis) < 0.02 * np.linalg.norm(hips - person.neck)
    assert abs(sent["left_shoulder"][1] - sent["right_shoulder"][1]) > 10  # the shoulders keep the person's tilt


def test_a_top_ends_where_the_persons_own_top_ended_but_is_never_lengthened_or_squashed():
    from couturier.people.product import landmarks, outline
    from couturier.people.tryon import SHORTEST_FIT, placements

    person = find_person(_photo("1575"))
    product = landmarks(outline(_photo("1909")))
    _, free = placements(product, person)
    seams = (free["left_shoulder"], free["right_shoulder"])
    reach = free["hem"][1] - (seams[0][1] + seams[1][1]) / 2
    maps, fitted = placements(product, person, hem_row=free["hem"][1] - 0.2 * reach)
    assert abs(fitted["hem"][1] - (free["hem"][1] - 0.2 * reach)) < 1.0  # on the old top's hem
    for name in ("left_shoulder", "right_shoulder"):
        assert np.allclose(fitted[name], free[name], atol=1e-6)  # the shoulders as before
    for side in ("left", "right"):  # each sleeve shortened with the body, as far as it ran down it, still along the arm
        seam = free[f"{side}_shoulder"]
        was, now = free[f"{side}_sleeve"] - seam, fitted[f"{side}_sleeve"] - seam
        assert 0.8 * np.linalg.norm(was) < np.linalg.norm(now) < 0.97 * np.linalg.norm(was)
        assert np.dot(was, now) / np.linalg.norm(was) / np.linalg.norm(now) > 0.999
    assert abs(fitted["hem"][0] - free["hem"][0]) < 0.05 * reach  # shortened down the body, not across
    _, longer = placements(product, person, hem_row=free["hem"][1] + 0.5 * reach)
    assert np.allclose(longer["hem"], free["hem"])  # never lengthened
    _, short = placements(product, person, hem_row=free["hem"][1] - 0.9 * reach)
    assert short["hem"][1] - free["hem"][1] == pytest.approx((SHORTEST_FIT - 1) * reach, rel=0.05)


def test_a_top_running_on_below_the_photo_is_fitted_to_its_bottom_edge():
    """A man whose T-shirt goes on below the photo (the jeans a few rows at the bottom): the new
    T-shirt had kept the product photo's length, and its sleeves theirs, down to his elbows."""
    from couturier.people.product import landmarks, outline
    from couturier.people.tryon import _own_hem, placements

    person_photo = _photo("1529")
    person = find_person(person_photo)
    hem = _own_hem(find_garments(person_photo, person))
    assert hem is not None and hem >= person_photo.shape[0] - 2
    product = landmarks(outline(_photo("1909")))
    _, free = placements(product, person)
    _, fitted = placements(product, person, hem)
    assert free["hem"][1] > person_photo.shape[0] and fitted["hem"][1] < free["hem"][1]
    for side in ("left", "right"):
        seam = free[f"{side}_shoulder"]
        assert np.linalg.norm(fitted[f"{side}_sleeve"] - seam) < 0.95 * np.linalg.norm(free[f"{side}_sleeve"] - seam)


def test_the_old_garment_left_uncovered_is_inpainted_not_left_showing():
    person_photo = _photo("2126")  # a long-sleeved checked shirt; the new T-shirt leaves its forearms
    result = try_on(person_photo, _photo("1909"))
    assert 0.0 < result.old_visible < 0.5 and result.outside < 0.2
    garments = find_garments(person_photo, find_person(person_photo))
    changed = np.abs(result.image.astype(np.float32) - person_photo).mean(axis=2)
    assert changed[garments.upper].mean() > 30  # covered or inpainted, the checks are gone


def test_bare_upper_arms_stay_bare_under_a_garment_without_sleeves():
    """A woman in a tank top given a shirt laid flat with its sleeves folded behind it: the shirt's
    body hangs behind her arms, and her upper arms below the shoulders' caps stay as they were
    (the body, cut only at her outline, had covered them to the elbows)."""
    from couturier.people.garments import near_arms
    from couturier.people.tryon import ARMPIT

    person_photo = _photo("2555")
    result = try_on(person_photo, _photo("12364"))
    person = find_person(person_photo)
    garments = find_garments(person_photo, person)
    elbows = max(person.point("left_elbow")[1], person.point("right_elbow")[1])
    rows = np.arange(person_photo.shape[0])[:, None]
    upper_arms = near_arms(person, garments.skin, ARMPIT) & (rows < elbows)
    assert upper_arms.sum() > 300 and result.region[upper_arms].mean() < 0.05
    assert result.region[garments.upper].mean() > 0.7  # the tank top itself is dressed


@pytest.mark.parametrize("garment", ["1909", "2291"])
def test_the_placed_garment_is_one_piece_with_no_scraps_floating_on_the_arms(garment):
    """The garment cut at the person's outline and at the forearms' skin had left a sleeve's tip or
    an edge's sliver as islands beside the hands."""
    result = try_on(_photo("2095"), _photo(garment))
    _, pieces = ndimage.label(result.region)
    assert pieces == 1


@pytest.mark.parametrize("garment", ["1163", "1909"])  # a jersey, a T-shirt
def test_a_sleeve_on_an_arm_held_out_to_the_hip_stays_sewn_to_the_body(garment):
    """Turned about its seam to follow an arm bent out to the hip, a sleeve had swung away from the
    body: a wedge of skin at the armpit, and a line of it where body and sleeve had each been
    trimmed, left the sleeve an island on the arm."""
    person_photo = _photo("44644")  # her left hand on her hip
    result = try_on(person_photo, _photo(garment))
    person = find_person(person_photo)
    pieces, _ = ndimage.label(result.region)
    main = np.argmax(np.bincount(pieces[pieces > 0]))
    shoulder, elbow = person.point("left_shoulder"), person.point("left_elbow")
    on_arm = [pieces[int(round(y)), int(round(x))] for x, y in (shoulder + t * (elbow - shoulder)
                                                                for t in np.linspace(0.2, 0.6, 9))]
    assert sum(piece > 0 for piece in on_arm) >= 5 and all(piece == main for piece in on_arm if piece > 0)


@pytest.mark.parametrize("key", ["2126", "18746"])  # a checked shirt's long sleeves; a black top's sheer ones
def test_long_sleeves_a_short_sleeved_garment_leaves_become_bare_forearms(key):
    """Inpainted from around them, the old long sleeves below a T-shirt's had become smears of their
    own colour and the wall: ghost sleeves. They are the person's own skin now."""
    from couturier.style.light import chroma_of

    person_photo = _photo(key)
    result = try_on(person_photo, _photo("1909"))
    person = find_person(person_photo)
    garments = find_garments(person_photo, person)
    rows = np.arange(person_photo.shape[0])[:, None]
    below_elbows = rows > max(person.point("left_elbow")[1], person.point("right_elbow")[1])
    forearms = garments.upper & ~result.region & below_elbows
    hands = garments.skin & below_elbows
    distance = np.linalg.norm(chroma_of(result.image)[forearms] - np.median(chroma_of(person_photo)[hands], axis=0),
                              axis=-1)
    assert forearms.sum() > 300 and (distance < 10).mean() > 0.9


def test_photos_it_cannot_use_are_one_line_each():
    jersey = _photo("1163")
    with pytest.raises(StyleInputError, match="found no person in the person photo") as caught:
        try_on(np.full((240, 180, 3), 255, np.uint8), jersey)
    assert caught.value.field == "person_photo"
    with pytest.raises(StyleInputError, match="the person photo shows 2 faces"):
        try_on(np.concatenate([_photo("1575"), _photo("2095")], axis=1), jersey)
    with pytest.raises(StyleInputError, match="cut off above the hips"):
        try_on(_photo("1575")[:100], jersey)
    grey = np.repeat(_photo("2095").mean(axis=2, keepdims=True).astype(np.uint8), 3, axis=2)
    with pytest.raises(StyleInputError, match="greyscale: bare arms cannot be told from sleeves"):
        try_on(grey, jersey)
    with pytest.raises(StyleInputError, match="the garment photo shows a person wearing it"):
        try_on(_photo("1575"), _photo("1891"))
    with pytest.raises(StyleInputError, match="looks like a watch or clock, not clothing") as caught:
        try_on(_photo("1575"), _photo("4694"))
    assert caught.value.field == "garment_photo"
    with pytest.raises(StyleInputError, match="looks like trousers or shorts; try-on dresses the upper body"):
        try_on(_photo("1575"), _photo("17946"))
    noise = np.random.default_rng(0).integers(0, 256, (240, 180, 3), dtype=np.uint8)
    with pytest.raises(StyleInputError, match="no plain background"):
        try_on(_photo("1575"), noise)


@pytest.mark.parametrize("key", ["2095", "1575"])
def test_a_person_cut_off_above_the_thighs_is_refused(key):
    """Cut at the chest or the belly, a catalogue photo gets a whole body from the network, squeezed
    into it (the hips at the bottom edge, or knees just under the hips); down to the thighs, as
    shot, it is taken."""
    from couturier.people.tryon import check_person

    photo = _photo(key)
    person = check_person(photo)
    hips = (person.point("left_hip")[1] + person.point("right_hip")[1]) / 2
    for share in (0.3, 0.6):
        cut = photo[:int(person.neck[1] + share * (hips - person.neck[1]))]
        with pytest.raises(StyleInputError, match="cut off above the hips"):
            check_person(cut)


def test_a_portrait_that_is_no_catalogue_shot_is_refused_as_cut_off():
    """matplotlib's sample portrait of Grace Hopper (a US Navy photo, public domain), cut at the
    chest: the network puts her hips and knees inside the photo, a body half as long as hers."""
    from matplotlib import cbook

    from couturier.people.tryon import check_person

    portrait = np.asarray(Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)).convert("RGB"))
    assert find_person(portrait) is not None
    with pytest.raises(StyleInputError, match="cut off above the hips"):
        check_person(portrait)


def test_the_command_writes_the_result_and_its_panel(tmp_path, monkeypatch, capsys):
    from conftest import run_cli

    out = tmp_path / "dressed.png"
    code, stdout, err = run_cli(monkeypatch, capsys, "try-on", CATALOGUE / "2095.jpg", CATALOGUE / "1163.jpg",
                                "--out", out, "--size", "240")
    assert code == 0, err
    assert Image.open(out).size == (180, 240) and (tmp_path / "dressed-panel.png").is_file()
    assert "of the old one uncovered (inpainted)" in stdout and "fell outside the person" in stdout
    code, _, err = run_cli(monkeypatch, capsys, "try-on", CATALOGUE / "1163.jpg", CATALOGUE / "1163.jpg",
                           "--out", tmp_path / "none.png")
    assert code == 2 and err.count("\n") == 1 and not (tmp_path / "none.png").exists()


def test_a_garment_drawn_from_words_by_a_text_run_is_what_try_on_dresses_with(text_run, tmp_path, monkeypatch,
                                                                              capsys):
    """`--prompt` with `--run`: the run's drawing of the words, enlarged, is the garment photo; the
    seed picks the drawing. A 4-step run draws no garment yet: the command refuses it in one line."""
    from conftest import run_cli

    from couturier import sampling
    from couturier.people.words import garment_from_words

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    run = text_run
    loaded = sampling.load_generator(run)
    first, again, other = (garment_from_words(loaded, "Red Dresses for Women", seed, 96) for seed in (1, 1, 2))
    assert first.shape == (96, 96, 3) and np.array_equal(first, again) and not np.array_equal(first, other)
    drawn = sampling.generate(loaded, ["Red Dresses for Women"], n=1, seed=1)[0]
    small = np.asarray(Image.fromarray(first).resize((32, 32), Image.Resampling.BOX)).astype(np.float32)
    assert np.abs(small - np.moveaxis(drawn, 0, -1)).mean() < 12  # the run's drawing, enlarged
    out = tmp_path / "dressed.png"
    code, stdout, err = run_cli(monkeypatch, capsys, "try-on", CATALOGUE / "2095.jpg", "--prompt",
                                "Red Dresses for Women", "--run", run, "--out", out, "--size", "240", "--no-panel")
    assert (code == 0 and out.is_file()) or (code == 2 and err.count("\n") == 1 and "garment" in err
                                             and not out.exists()), err
    code, _, err = run_cli(monkeypatch, capsys, "try-on", CATALOGUE / "2095.jpg", "--prompt", "a red dress",
                           "--out", out)
    assert code == 2 and "--prompt needs --run" in err
    code, _, err = run_cli(monkeypatch, capsys, "try-on", CATALOGUE / "2095.jpg", "--out", out)
    assert code == 2 and "give a GARMENT photo or --prompt with --run" in err


def test_the_alignment_error_is_the_hem_centres_distance_from_the_bodys_in_torso_lengths():
    from couturier.people.pose import Person
    from couturier.people.tryon import alignment

    points = {"left_shoulder": (60.0, 40.0, 1.0), "right_shoulder": (100.0, 40.0, 1.0),
              "left_hip": (65.0, 140.0, 1.0), "right_hip": (95.0, 140.0, 1.0)}
    person = Person(points, np.zeros((200, 160), np.float32), 1.0)  # neck (80, 40), hips (80, 140): torso 100
    assert alignment({"hem": np.array([80.0, 150.0])}, person, 150.0) == 0.0
    assert np.isclose(alignment({"hem": np.array([86.0, 158.0])}, person, 150.0), 0.1)  # 6 across, 8 down
    assert np.isclose(alignment({"hem": np.array([86.0, 190.0])}, person, None), 0.06)  # a dress: across only
    # a top that runs on below the photo (its last row the bottom edge): wrong only when shorter
    assert alignment({"hem": np.array([80.0, 230.0])}, person, 199.0) == 0.0
    assert np.isclose(alignment({"hem": np.array([80.0, 189.0])}, person, 199.0), 0.1)
