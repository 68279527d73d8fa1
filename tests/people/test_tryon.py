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
    assert result.image.shape == person_photo.shape and result.old_visible < 0.3
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


def test_photos_it_cannot_use_are_one_line_each():
    jersey = _photo("1163")
    with pytest.raises(StyleInputError, match="found no person in the person photo") as caught:
        try_on(np.full((240, 180, 3), 255, np.uint8), jersey)
    assert caught.value.field == "person_photo"
    with pytest.raises(StyleInputError, match="the garment photo shows a person wearing it"):
        try_on(_photo("1575"), _photo("1891"))
    noise = np.random.default_rng(0).integers(0, 256, (240, 180, 3), dtype=np.uint8)
    with pytest.raises(StyleInputError, match="no plain background"):
        try_on(_photo("1575"), noise)


def test_the_command_writes_the_result_and_its_panel(tmp_path, monkeypatch, capsys):
    from conftest import run_cli

    out = tmp_path / "dressed.png"
    code, stdout, err = run_cli(monkeypatch, capsys, "try-on", CATALOGUE / "2095.jpg", CATALOGUE / "1163.jpg",
                                "--out", out, "--size", "240")
    assert code == 0, err
    assert Image.open(out).size == (180, 240) and (tmp_path / "dressed-panel.png").is_file()
    assert "the old garment still shows on" in stdout
    code, _, err = run_cli(monkeypatch, capsys, "try-on", CATALOGUE / "1163.jpg", CATALOGUE / "1163.jpg",
                           "--out", tmp_path / "none.png")
    assert code == 2 and err.count("\n") == 1 and not (tmp_path / "none.png").exists()
