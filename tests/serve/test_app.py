"""The REST API through FastAPI's test client, its OpenAPI schema fuzzed, and the page in headless Chromium."""
from __future__ import annotations

import base64
import io
import json
import shutil
import socket
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import schemathesis
from conftest import fabric_picture, garment_picture, run_cli, text_bomb_png, tiny_config
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from PIL import Image
from schemathesis.checks import positive_data_acceptance

from couturier.serve.app import Limits, create_app
from couturier.train import Trainer

CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "data" / "fashion-products" / "images"


@pytest.fixture(scope="module")
def runs(tmp_path_factory, fmnist_slice, catalogue):
    """Two tiny trained runs: a class-conditional dcgan and a text-to-image model."""
    root = tmp_path_factory.mktemp("runs")
    Trainer(tiny_config("dcgan", conditional=True, steps=2), root / "dcgan", dataset=fmnist_slice).fit(progress=False)
    cfg = tiny_config("text2image", steps=2, batch_size=8,
                      data={"dataset": str(catalogue), "resolution": 32, "channels": 3})
    Trainer(cfg, root / "text").fit(progress=False)
    (root / "not-a-run").mkdir()
    return root


@pytest.fixture(scope="module")
def client(runs):
    return TestClient(create_app(runs, limits=Limits(max_n=32, timeout_s=60)))


def png_pixels(content: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(content)))


def png_size(content: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(content)).size


def test_health_and_models(client, runs):
    assert client.get("/health").json() == {"status": "ok"}
    models = {m["name"]: m for m in client.get("/models").json()}
    assert set(models) == {"dcgan", "text"} and models["dcgan"]["damaged"] is None
    assert models["dcgan"]["classes"][9].lower() == "ankle boot" and models["dcgan"]["image_size"] == 28
    assert models["text"]["task"] == "text2image" and models["text"]["step"] == 2


def test_a_damaged_run_is_listed_as_damaged_without_hiding_the_others(runs, tmp_path):
    import shutil

    copy = tmp_path / "runs"
    shutil.copytree(runs, copy)
    meta = next((copy / "dcgan" / "checkpoints").glob("step-*")) / "meta.json"
    for checkpoint in (copy / "dcgan" / "checkpoints").glob("step-*"):
        (checkpoint / "meta.json").write_bytes(b"\xff not json")
    assert meta.read_bytes().startswith(b"\xff")
    listed = {m["name"]: m for m in TestClient(create_app(copy)).get("/models").json()}
    assert set(listed) == {"dcgan", "text"} and listed["text"]["damaged"] is None
    assert "unreadable or corrupt" in listed["dcgan"]["damaged"]


def test_generate_in_three_formats(client):
    grid = client.post("/generate", json={"model": "dcgan", "n": 4, "class": "trouser", "seed": 3})
    assert grid.status_code == 200 and grid.headers["content-type"] == "image/png"
    again = client.post("/generate", json={"model": "dcgan", "n": 4, "class": "trouser", "seed": 3})
    assert grid.content == again.content  # a seed repeats exactly
    archive = client.post("/generate", json={"model": "dcgan", "n": 3}, headers={"Accept": "application/zip"})
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert archive.headers["content-type"] == "application/zip" and len(names) == 3
    data = client.post("/generate", json={"model": "dcgan", "n": 2, "format": "json"}).json()
    assert png_size(base64.b64decode(data["images"][0])) == (28, 28) and len(data["labels"]) == 2
    text = client.post("/generate", json={"model": "text", "prompts": ["Red Dresses for Women", "Blue Boots"],
                                          "n": 3, "format": "json"}).json()
    assert len(text["images"]) == 6 and png_size(base64.b64decode(text["images"][0])) == (32, 32)
    # each image is labelled with how its prompt was read: as written, or as a catalogue look
    assert text["labels"][0] == "Red Dresses for Women" and text["labels"][3] != "Blue Boots"
    # and the readings say how sure they are of each value inferred, with the runners-up
    written, read = text["readings"]
    assert written["inferred"] == {} and written["text"] == "Red Dresses for Women"
    assert set(read["inferred"]) == set(read["confidence"]) and all(0 <= v <= 1 for v in read["confidence"].values())
    assert read["text"] == text["labels"][3] and isinstance(read["unsure"], bool) and len(read["alternatives"]) <= 2
    literal = client.post("/generate", json={"model": "text", "prompts": ["Blue Boots"], "n": 1, "literal": True,
                                             "format": "json"}).json()
    assert literal["labels"] == ["Blue Boots"]
    # best_of keeps D's favourite of several draws: other pictures, as many of them
    raw, best = (client.post("/generate", json={"model": "text", "prompts": ["Red Dresses for Women"], "n": 2,
                                                "best_of": k, "format": "json"}).json() for k in (1, 4))
    assert len(best["images"]) == 2 and best["images"] != raw["images"]


def test_variations_start_from_the_picked_image(client):
    grid = client.post("/generate", json={"model": "dcgan", "n": 4, "seed": 7, "class": "bag",
                                          "format": "json"}).json()
    near = client.post("/variations", json={"model": "dcgan", "seed": 7, "index": 2, "n": 4, "class": "bag",
                                            "format": "json"}).json()
    assert near["images"][0] == grid["images"][2]
    assert len(set(near["images"])) == 4
    walk = client.post("/interpolate", json={"model": "text", "prompt_a": "red dress", "prompt_b": "black boots",
                                             "steps": 4, "format": "json"}).json()
    assert len(walk["images"]) == 4


def test_bad_requests_are_4xx_with_a_message(client):
    cases = [
        ({"model": "nope", "n": 2}, 404, "unknown model"),
        ({"model": "../dcgan", "n": 2}, 404, "unknown model"),
        ({"model": "not-a-run", "n": 2}, 404, "unknown model"),
        ({"model": "dcgan", "n": 2, "class": "cape"}, 400, "valid classes"),
        ({"model": "dcgan", "n": 1000}, 422, "less than or equal to 32"),  # the limit is in the schema
        ({"model": "dcgan", "n": 2, "truncation": 1e-30}, 422, "greater than or equal to 0.1"),
        ({"model": "dcgan", "n": 2, "best_of": 17}, 422, "less than or equal to 16"),
        ({"model": "text", "n": 2, "prompt": ""}, 422, ""),
        ({"model": "dcgan", "n": 2, "prompt": "red dress"}, 400, "not trained on descriptions"),
        ({"model": "dcgan", "n": 2, "colour": "red"}, 422, ""),
    ]
    for body, status, words in cases:
        response = client.post("/generate", json=body)
        assert response.status_code == status, (body, response.text)
        problem = response.json()  # one shape for every refusal, schema violations too
        assert problem.keys() == {"detail", "field"} and isinstance(problem["detail"], str), problem
        assert words in problem["detail"] and "\n" not in problem["detail"], body
    assert client.post("/generate", json={"model": "dcgan", "n": 1000}).json() == {
        "detail": "n: Input should be less than or equal to 32 (got 1000)", "field": "n"}
    assert client.post("/generate", json={"model": "dcgan", "colour": "red"}).json()["field"] == "colour"
    broken = client.post("/generate", content=b"{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.json().keys() == {"detail", "field"}
    assert client.get("/no-such-route").json() == {"detail": "Not Found", "field": None}
    schema = client.get("/openapi.json").json()
    assert schema["paths"]["/generate"]["post"]["responses"]["422"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/Problem"}
    # the library's refusals name the request field they are about, and no command-line flag
    refused = client.post("/generate", json={"model": "dcgan", "n": 2, "class": "cape"}).json()
    assert refused["field"] == "class" and "--" not in refused["detail"]
    refused = client.post("/generate", json={"model": "text", "n": 2}).json()
    assert refused["field"] == "model" and "descriptions" in refused["detail"] and "--" not in refused["detail"]


def test_body_size_cap_and_token(runs):
    small = TestClient(create_app(runs, limits=Limits(max_body_bytes=1000)))
    assert small.post("/generate", json={"model": "dcgan", "prompt": "x" * 2000}).status_code == 413
    guarded = TestClient(create_app(runs, token="s3cret"))
    assert guarded.get("/health").status_code == 200
    assert guarded.get("/models").status_code == 401 and guarded.get("/").status_code == 200  # the page: no data
    assert guarded.get("/models", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert guarded.get("/models?token=s3cret").status_code == 401  # never from a URL: URLs are logged
    assert guarded.post("/generate?token=s3cret", json={"model": "dcgan", "n": 1}).status_code == 401
    assert guarded.get("/models", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_concurrent_first_requests_load_a_model_once(runs, monkeypatch):
    import couturier.serve.models as serve_models

    loads = []
    real = serve_models.load_generator

    def counting(*args, **kwargs):
        loads.append(args[0])
        time.sleep(0.2)  # widen the window in which a second load could start
        return real(*args, **kwargs)

    monkeypatch.setattr(serve_models, "load_generator", counting)
    client = TestClient(create_app(runs))
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        client.post("/generate", json={"model": "dcgan", "n": 2}).status_code)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 6 and len(loads) == 1


def _upload(image: Image.Image, name: str = "../../etc/passwd") -> tuple[str, bytes, str]:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return name, buffer.getvalue(), "image/png"


def test_stylize_and_texture_uploads(client):
    shirt = Image.new("RGB", (48, 48), "white")
    shirt.paste((150, 20, 30), (12, 8, 36, 44))
    rng = np.random.default_rng(0)
    fabric = Image.fromarray((rng.random((32, 32, 3)) * 255).astype(np.uint8))
    response = client.post("/stylize", files={"content": _upload(shirt), "style": _upload(fabric)},
                           data={"size": "48", "fast": "true", "auto_mask": "true"})
    assert response.status_code == 200, response.text
    result = np.asarray(Image.open(io.BytesIO(response.content)))
    assert result.shape == (48, 48, 3) and (result[0, 0] == 255).all()  # background kept
    assert response.headers["x-couturier-garment"] == "the colour rules (no person in the photo)"
    assert "x-couturier-note" not in response.headers  # a swatch, no person in it
    named = client.post("/stylize", files={"content": _upload(shirt), "style": _upload(fabric)},
                        data={"size": "48", "garment": "lower"})
    assert named.status_code == 400 and named.json()["field"] == "garment"
    response = client.post("/stylize", files={"content": _upload(shirt), "style": _upload(fabric)},
                           data={"size": "32", "fast": "false", "steps": "2"})
    assert response.status_code == 200 and png_size(response.content) == (32, 32)
    response = client.post("/texture", files={"swatch": _upload(fabric)}, data={"size": "64", "steps": "2"})
    assert response.status_code == 200 and png_size(response.content) == (64, 64)
    periodic = client.post("/texture", files={"swatch": _upload(fabric)},
                           data={"size": "64", "steps": "2", "spectrum_weight": "10"})
    assert periodic.status_code == 200 and periodic.content != response.content
    bad = client.post("/stylize", files={"content": ("x.png", b"not an image", "image/png"),
                                         "style": _upload(fabric)}, data={"size": "32"})
    assert bad.status_code == 415 and "content: " in bad.json()["detail"]
    assert client.post("/texture", files={"swatch": _upload(fabric)}, data={"size": "5000"}).status_code == 422
    assert client.post("/texture", files={"swatch": _upload(fabric)},
                       data={"size": "50", "tileable": "true"}).status_code == 400


def test_openapi_schema_fuzzed(runs):
    """Random valid and invalid requests for every route, naming the real models (a pinned or random
    name only ever reaches the 404): never a 5xx, never a hang, responses as documented. Schema-valid
    requests may still be refused (a class the model lacks), so that one check is off."""
    from hypothesis import strategies as st

    app = create_app(runs, limits=Limits(max_n=8, max_side=64, max_steps=3, timeout_s=30))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/generate", "/variations", "/interpolate", "/stylize", "/texture",
                                              "/try-on"}
    names = st.sampled_from(["dcgan", "text", "nope"])
    for operation in operations:
        @given(case=operation.as_strategy(), name=names)
        @settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def check(case, name):
            if isinstance(case.body, dict) and "model" in case.body:
                case.body["model"] = name
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("chromedriver") is None, reason="needs chromium-driver (scripts/test.sh installs it)")
def test_page_in_headless_chromium(runs, tmp_path, trending):
    import uvicorn
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(runs), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(shutil.which("chromedriver")))
    try:
        driver.get(f"http://127.0.0.1:{port}/")
        # a picture redrawn while it is read is read again, not an error
        wait = WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#model option"))
        # a first result before any click: the first model's, 16 images
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results img")) == 16)
        wait.until(lambda d: d.find_element(By.ID, "generate").is_enabled())
        driver.find_element(By.ID, "n").clear()
        driver.find_element(By.ID, "n").send_keys("8")
        driver.find_element(By.ID, "generate").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results img")) == 8)
        first = driver.find_element(By.CSS_SELECTOR, "#results img")
        first.send_keys(Keys.ENTER)  # the keyboard path to variations
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#variations img")) == 8)
        shot = tmp_path / "page.png"
        driver.save_screenshot(str(shot))
        status = driver.find_element(By.ID, "status").text
        # steer the first model's sample with a slider: the picture is redrawn moved
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sliders input") and
                   d.find_elements(By.CSS_SELECTOR, "#steered img"))
        before = driver.find_element(By.CSS_SELECTOR, "#steered img").get_attribute("src")
        slider = driver.find_element(By.CSS_SELECTOR, "#sliders input")
        driver.execute_script("arguments[0].value = 3; arguments[0].dispatchEvent(new Event('change'));", slider)
        wait.until(lambda d: d.find_element(By.ID, "status").text.startswith("moved along sefa-1"))
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#steered img").get_attribute("src") != before)
        # pick another garment of the grid to steer: the sliders go back to 0 and it is drawn as it is
        before = driver.find_element(By.CSS_SELECTOR, "#steered img").get_attribute("src")
        driver.find_elements(By.CSS_SELECTOR, "#results .steer-this")[2].click()
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#steered img").get_attribute("src") != before)
        assert driver.find_element(By.CSS_SELECTOR, "#sliders input").get_attribute("value") == "0"
        # a text model: no category menu; a short example of its own as the placeholder, drawn as is
        Select(driver.find_element(By.ID, "model")).select_by_value("text")
        prompt = driver.find_element(By.ID, "prompt")
        assert not driver.find_element(By.ID, "class-field").is_displayed() and prompt.is_displayed()
        example = prompt.get_attribute("placeholder")
        assert prompt.get_attribute("value") == "" and 0 < len(example) <= 60, example
        driver.find_element(By.ID, "generate").click()
        wait.until(lambda d: d.find_element(By.ID, "status").text == "8 image(s)")
        # try a garment on: a person and a product photo uploaded, the dressed person shown
        if CATALOGUE.is_dir():
            driver.find_element(By.CSS_SELECTOR, "#tryon-form input[name=person]").send_keys(str(CATALOGUE / "1575.jpg"))
            driver.find_element(By.CSS_SELECTOR, "#tryon-form input[name=garment]").send_keys(str(CATALOGUE / "1163.jpg"))
            driver.find_element(By.CSS_SELECTOR, "#tryon-form button").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#dressed img"))
            # ... or one described, drawn by the text model chosen above (2 steps: it may draw no garment yet)
            garment = driver.find_element(By.CSS_SELECTOR, "#tryon-form input[name=garment]")
            driver.execute_script("arguments[0].value = '';", garment)
            driver.find_element(By.CSS_SELECTOR, "#tryon-form input[name=prompt]").send_keys("Red Dresses for Women")
            driver.find_element(By.CSS_SELECTOR, "#tryon-form button").click()
            wait.until(lambda d: d.find_element(By.ID, "status").text not in ("working…", "done"))
            described = driver.find_element(By.ID, "status").text
            assert described == "done" or described.startswith("error: the garment photo") or \
                described.startswith("error: found no garment"), described
        # next season: upload a sales history, see the verdicts and the forecast plot
        driver.find_element(By.CSS_SELECTOR, "#trends-form input[name=catalogue]").send_keys(str(trending))
        driver.find_element(By.CSS_SELECTOR, "#trends-form button").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#trends img"))
        verdicts = [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#trends-verdicts li")]
    finally:
        driver.quit()
        server.should_exit = True
        thread.join(timeout=10)
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=np.float32)
    assert pixels.std() > 10  # not a blank page
    assert status.startswith("variations of image 1"), status
    assert [v.split(":")[0] for v in verdicts] == ["Men", "Women"] and "multinomial (error" in verdicts[0]



def test_the_time_limit_stops_the_work_itself(runs, monkeypatch):
    """A worker thread cannot be killed: the library's loops check the request's deadline and stop."""
    from couturier import style as styling

    finished = threading.Event()
    real = styling.stylize

    def watched(*args, **kwargs):
        try:
            return real(*args, **kwargs)
        finally:
            finished.set()

    monkeypatch.setattr(styling, "stylize", watched)
    slow = TestClient(create_app(runs, limits=Limits(timeout_s=0.5)))
    files = {"content": _upload(garment_picture(64)), "style": _upload(fabric_picture(48))}
    response = slow.post("/stylize", files=files, data={"size": "256", "fast": "false", "steps": "300"})
    assert response.status_code == 503 and "took over 0.5 s" in response.json()["detail"]
    assert finished.wait(20)  # the optimisation stopped, rather than running its 300 steps


def test_hostile_requests_get_4xx_not_500(client):
    shirt = Image.new("RGB", (64, 64), "white")
    files = {"content": ("a.png", text_bomb_png(), "image/png"), "style": _upload(shirt)}
    bomb = client.post("/stylize", files=files, data={"size": "64"})
    assert bomb.status_code == 415 and "not a readable image" in bomb.json()["detail"]
    thin = client.post("/stylize", files={"content": _upload(Image.new("RGB", (10, 2000))), "style": _upload(shirt)},
                       data={"size": "512"})
    assert thin.status_code == 400 and "at least 32" in thin.json()["detail"]
    for raw in (b'{"model": "dcgan", "n": 2, "truncation": NaN}', b'{"model": "dcgan", "seed": 1e400}',
                b'{"model": "dcgan", "n": Infinity}'):
        response = client.post("/generate", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 422 and response.json()["detail"], raw
    walk = client.post("/interpolate", json={"model": "text"})
    assert walk.status_code == 400 and walk.json()["field"] == "prompt_a"


def test_trends_forecasts_an_uploaded_table_and_draws_it(client, trending):
    files = {"catalogue": ("sales.csv", trending.read_bytes(), "text/csv")}
    response = client.post("/trends", files=files, data={"attribute": "baseColour", "by": "gender", "model": "text",
                                                         "looks": "2", "per_look": "2"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert {g["group"] for g in report["summary"]} == {"Men", "Women"}
    assert base64.b64decode(report["forecast_png"]).startswith(b"\x89PNG")
    assert len(report["collection"]) == 4 and base64.b64decode(report["collection_png"]).startswith(b"\x89PNG")
    bad = client.post("/trends", files=files, data={"attribute": "colour"})
    assert bad.status_code == 400 and "columns found" in bad.json()["detail"]
    assert bad.json()["field"] == "attribute"



@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
def test_try_on_dresses_the_person_and_refuses_a_photo_without_one(client):
    person, garment = (CATALOGUE / "1575.jpg").read_bytes(), (CATALOGUE / "1163.jpg").read_bytes()
    response = client.post("/try-on", files={"person": ("p.jpg", person, "image/jpeg"),
                                             "garment": ("g.jpg", garment, "image/jpeg")}, data={"size": "160"})
    assert response.status_code == 200, response.text
    assert png_size(response.content) == (120, 160) and 0 <= float(response.headers["x-couturier-old-garment"]) < 0.5
    nobody = client.post("/try-on", files={"person": ("p.jpg", garment, "image/jpeg"),
                                           "garment": ("g.jpg", garment, "image/jpeg")}, data={"size": "160"})
    assert nobody.status_code == 400 and nobody.json()["field"] == "person_photo"
    described = client.post("/try-on", files={"person": ("p.jpg", person, "image/jpeg")},
                            data={"size": "160", "prompt": "Red Dresses for Women", "model": "text"})
    # two training steps draw no garment yet: refused as a garment photo would be, or worn
    assert described.status_code == 200 or described.json()["field"] == "garment_photo", described.text
    neither = client.post("/try-on", files={"person": ("p.jpg", person, "image/jpeg")}, data={"size": "160"})
    assert neither.status_code == 400 and neither.json()["field"] == "garment"
    no_model = client.post("/try-on", files={"person": ("p.jpg", person, "image/jpeg")},
                           data={"size": "160", "prompt": "a red dress"})
    assert no_model.status_code == 400 and no_model.json()["field"] == "model"


def test_the_directions_saved_with_a_run_are_the_ones_served(runs, tmp_path, monkeypatch, capsys):
    """`couturier directions` names a run's directions by its judges (attributes too): the page's
    sliders are then those; a file found for another run is passed over for the run's own."""
    served = tmp_path / "served"
    shutil.copytree(runs / "dcgan", served / "dcgan")
    code, _, err = run_cli(monkeypatch, capsys, "directions", served / "dcgan", "--k", "2", "--n", "8",
                           "--attribute", "class=Dress")
    assert code == 0, err
    client = TestClient(create_app(served))
    named = client.get("/directions", params={"model": "dcgan"}).json()["directions"]
    assert [d["id"] for d in named] == ["sefa-1", "sefa-2", "attr-dress"] and named[2]["name"] == "more p(dress)"
    as_drawn = client.post("/edit", json={"model": "dcgan", "seed": 3, "class": "dress"}).content
    moved = client.post("/edit", json={"model": "dcgan", "seed": 3, "class": "dress", "moves": {"attr-dress": 3}})
    assert moved.status_code == 200 and moved.content != as_drawn
    saved = served / "dcgan" / "directions" / "directions.json"
    saved.write_text(json.dumps({**json.loads(saved.read_text()), "run_id": "another run"}))
    named = client.get("/directions", params={"model": "dcgan"}).json()["directions"]
    assert [d["id"] for d in named] == [f"sefa-{i}" for i in range(1, 6)]


def test_directions_are_named_and_edit_moves_a_sample_along_them(client):
    listed = client.get("/directions", params={"model": "dcgan"})
    assert listed.status_code == 200, listed.text
    named = listed.json()["directions"]
    assert [d["id"] for d in named][:2] == ["sefa-1", "sefa-2"] and all(d["name"] for d in named)
    drawn = client.post("/edit", json={"model": "dcgan", "seed": 3})
    moved = client.post("/edit", json={"model": "dcgan", "seed": 3, "moves": {"sefa-1": 3}})
    assert drawn.status_code == moved.status_code == 200 and png_size(moved.content) == (28, 28)
    assert drawn.content != moved.content
    assert client.post("/edit", json={"model": "dcgan", "seed": 3}).content == drawn.content  # the same sample
    unknown = client.post("/edit", json={"model": "dcgan", "moves": {"sefa-9": 1}})
    assert unknown.status_code == 400 and unknown.json()["field"] == "moves" and "sefa-1" in unknown.json()["detail"]
    too_far = client.post("/edit", json={"model": "dcgan", "moves": {"sefa-1": 9}})
    assert too_far.status_code == 422 and too_far.json()["field"]
    # a picture picked from a grid: image 2 of the coats drawn with seed 5 is the one steered
    grid = client.post("/generate", json={"model": "dcgan", "seed": 5, "n": 4, "class": "coat", "format": "json"})
    picked = client.post("/edit", json={"model": "dcgan", "seed": 5, "index": 2, "class": "coat"})
    assert picked.status_code == 200, picked.text
    assert np.array_equal(png_pixels(picked.content), png_pixels(base64.b64decode(grid.json()["images"][2])))
    text = client.get("/directions", params={"model": "text"})
    spaces = {d["id"]: d["space"] for d in text.json()["directions"]}
    assert text.status_code == 200 and spaces["sefa-1"] == "noise" and spaces["ganspace-words-1"] == "words"
    as_drawn = client.post("/edit", json={"model": "text", "prompt": "red dress"}).content
    for key in ("sefa-1", "ganspace-words-1"):  # the noise moved, the words held; then the words moved
        worded = client.post("/edit", json={"model": "text", "prompt": "red dress", "moves": {key: -4}})
        assert worded.status_code == 200 and worded.content != as_drawn
    wordless = client.post("/edit", json={"model": "text", "moves": {"sefa-1": 1}})
    assert wordless.status_code == 400 and wordless.json()["field"] == "prompt"


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
def test_stylize_with_a_photo_of_a_person_as_the_fabric_says_so_in_a_header(client):
    person = (CATALOGUE / "2126.jpg").read_bytes()
    response = client.post("/stylize", files={"content": ("c.jpg", (CATALOGUE / "1575.jpg").read_bytes(), "image/jpeg"),
                                              "style": ("s.jpg", person, "image/jpeg")}, data={"size": "80"})
    assert response.status_code == 200, response.text
    assert response.headers["x-couturier-note"].startswith("STYLE is a photo of a person")
    assert "fabric_scale=0" in response.headers["x-couturier-note"]  # the form field, not the CLI's flag


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="../shared not beside the repo")
def test_stylize_on_a_photo_of_two_people_is_a_400_that_says_so(client):
    two = (CATALOGUE / "14066.jpg").read_bytes()
    response = client.post("/stylize", files={"content": ("c.jpg", two, "image/jpeg"),
                                              "style": ("s.jpg", (CATALOGUE / "1163.jpg").read_bytes(), "image/jpeg")},
                           data={"size": "320"})
    assert response.status_code == 400 and response.json()["detail"].startswith("the photo shows 2 people")
