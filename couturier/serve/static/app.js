// The designer's page: plain JavaScript over the REST API, no build step, no network beyond this server.
"use strict";
// The token comes in the URL's fragment (/#token=T): browsers never send a fragment to the server,
// so it cannot end up in an access log. Requests carry it in the Authorization header.
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const headers = token ? { Authorization: `Bearer ${token}` } : {};
const $ = (id) => document.getElementById(id);
let models = [];

function status(text) { $("status").textContent = text; }

async function call(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...headers, ...(options.headers || {}) } });
  if (!response.ok) {
    let detail = response.statusText;
    try { const body = await response.json(); detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail); } catch (e) { /* not JSON */ }
    throw new Error(detail);
  }
  return response;
}

function show(container, images, onPick, onSteer) {
  container.replaceChildren();
  images.forEach((src, i) => {
    const figure = document.createElement("figure");
    const img = document.createElement("img");
    img.src = src; img.alt = `image ${i + 1}`; img.tabIndex = 0;
    if (onPick) {
      img.title = "variations of this one";
      img.addEventListener("click", () => onPick(i));
      img.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onPick(i); } });
    }
    const link = document.createElement("a");
    link.href = src; link.download = `couturier-${i + 1}.png`; link.textContent = "download";
    figure.append(img, link);
    if (onSteer) {
      const button = document.createElement("button");
      button.type = "button"; button.textContent = "steer"; button.className = "steer-this";
      button.title = "move this one with the sliders below";
      button.addEventListener("click", () => onSteer(i));
      figure.append(button);
    }
    container.append(figure);
  });
}

function currentModel() { return models.find((m) => m.name === $("model").value); }

function chooseModel() {
  const model = currentModel();
  if (!model) return;
  const text = model.task === "text2image";
  $("prompt-field").hidden = !text;
  $("class-field").hidden = text || model.classes.length === 0;
  $("class").replaceChildren(new Option("all", ""), ...model.classes.map((c) => new Option(c, c)));
  // the shortest of the run's own descriptions as the example: one that reads at a glance
  const examples = [...model.example_prompts].sort((a, b) => a.length - b.length);
  if (text && examples.length) $("prompt").placeholder = examples[0];
  $("model-info").textContent = `${model.model}, ${model.image_size}px, step ${model.step}` +
    (model.metrics && model.metrics.fid !== undefined ? `, FID ${model.metrics.fid.toFixed(1)}` : "");
}

// Steering: sliders for the model's named directions (GET /directions), each change redrawn by POST /edit.
// What is steered: image `index` of the grid drawn with `seed` (its class or the description it was drawn from).
let steering = { seed: 0, index: 0, label: null, prompt: null };

async function loadDirections() {
  const model = currentModel();
  $("steer").hidden = true;
  if (!model) return;
  steering = { seed: Number($("steer-seed").value), index: 0, label: null, prompt: null };
  try {
    const found = await (await call(`/directions?model=${encodeURIComponent(model.name)}`)).json();
    $("sliders").replaceChildren(...found.directions.map((d) => {
      const label = document.createElement("label");
      const slider = document.createElement("input");
      Object.assign(slider, { type: "range", min: -found.max_strength, max: found.max_strength, step: 0.5, value: 0 });
      slider.dataset.direction = d.id;
      slider.addEventListener("change", steer);
      label.append(`${d.name}${d.space === "words" ? " (the words)" : ""} `, slider);
      return label;
    }));
    $("steer").hidden = false;
    steer();
  } catch (error) { status(`error: ${error.message}`); }
}

function steerPicked(seed, index, label, prompt) {
  steering = { seed, index, label, prompt };
  $("steer-seed").value = seed;
  for (const slider of $("sliders").querySelectorAll("input")) slider.value = 0;
  $("steer").scrollIntoView({ block: "nearest" });
  steer();
}

async function steer() {
  const model = currentModel();
  const moves = {};
  for (const slider of $("sliders").querySelectorAll("input")) if (Number(slider.value)) moves[slider.dataset.direction] = Number(slider.value);
  const body = { model: model.name, seed: steering.seed, index: steering.index, moves };
  if (model.task === "text2image") body.prompt = steering.prompt || $("prompt").value.trim() || $("prompt").placeholder;
  else if (steering.label) body.class = steering.label;
  try {
    const blob = await (await call("/edit", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) })).blob();
    show($("steered"), [URL.createObjectURL(blob)], null);
    if (Object.keys(moves).length) status(`moved along ${Object.keys(moves).join(", ")}`);
  } catch (error) { status(`error: ${error.message}`); }
}

function request(extra) {
  const model = currentModel();
  const body = { model: model.name, format: "json", ...extra };
  if (model.task === "text2image") body.prompt = $("prompt").value.trim() || $("prompt").placeholder;
  else if ($("class").value) body.class = $("class").value;
  return body;
}

async function postJSON(path, body) {
  const response = await call(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const data = await response.json();
  return data.images.map((b64) => `data:image/png;base64,${b64}`);
}

async function generate(event) {
  if (event) event.preventDefault();
  const button = $("generate");
  button.disabled = true; status("generating…");
  const n = Number($("n").value), seed = Number($("seed").value);
  try {
    const response = await call("/generate", { method: "POST", headers: { "Content-Type": "application/json" },
                                              body: JSON.stringify(request({ n, seed })) });
    const data = await response.json();
    const images = data.images.map((b64) => `data:image/png;base64,${b64}`);
    const text = currentModel().task === "text2image";
    const drawnWith = text ? request({}).prompt : null;
    show($("results"), images, (i) => variations(seed, i, data.labels ? data.labels[i] : null),
         (i) => steerPicked(seed, i, !text && data.labels ? data.labels[i] : null, drawnWith));
    status(`${images.length} image(s)`);
  } catch (error) { status(`error: ${error.message}`); }
  finally { button.disabled = false; }
}

async function variations(seed, index, label) {
  status("variations…");
  try {
    const body = request({ seed, index, n: 8, spread: 0.5 });
    if (label) body.class = label;
    const images = await postJSON("/variations", body);
    $("variations-title").hidden = false;
    show($("variations"), images, null);
    status(`variations of image ${index + 1}`);
  } catch (error) { status(`error: ${error.message}`); }
}

async function upload(event, path, target) {
  event.preventDefault();
  const form = event.target, button = form.querySelector("button");
  const data = new FormData(form);
  for (const box of form.querySelectorAll("input[type=checkbox]")) data.set(box.name, box.checked ? "true" : "false");
  for (const input of form.querySelectorAll("input[type=file]")) if (!input.files.length) data.delete(input.name);
  for (const input of form.querySelectorAll("input:not([type])")) if (!input.value.trim()) data.delete(input.name);
  if (form.dataset.model) { data.set("model", form.dataset.model); delete form.dataset.model; }
  button.disabled = true; status("working…");
  try {
    const blob = await (await call(path, { method: "POST", body: data })).blob();
    show(target, [URL.createObjectURL(blob)], null);
    status("done");
  } catch (error) { status(`error: ${error.message}`); }
  finally { button.disabled = false; }
}

async function forecastTrends(event) {
  event.preventDefault();
  const form = event.target, button = form.querySelector("button");
  const data = new FormData(form);
  const model = currentModel();
  if ($("trends-draw").checked && model && model.task === "text2image") data.set("model", model.name);
  button.disabled = true; status("forecasting…");
  try {
    const report = await (await call("/trends", { method: "POST", body: data })).json();
    $("trends-verdicts").replaceChildren(...report.summary.map((g) => {
      const item = document.createElement("li");
      const top = g.top.map((t) => `${t.value} ${(t.share * 100).toFixed(1)}%`).join(", ");
      item.textContent = `${g.group || "all"}: ${top}. ${g.verdict}`;
      return item;
    }));
    const pictures = [`data:image/png;base64,${report.forecast_png}`];
    if (report.collection_png) pictures.push(`data:image/png;base64,${report.collection_png}`);
    show($("trends"), pictures, null);
    status("forecast done");
  } catch (error) { status(`error: ${error.message}`); }
  finally { button.disabled = false; }
}

async function start() {
  try {
    const listed = await (await call("/models")).json();
    const damaged = listed.filter((m) => m.damaged);
    models = listed.filter((m) => !m.damaged);
    if (damaged.length) status(`skipped ${damaged.map((m) => `${m.name} (${m.damaged})`).join("; ")}`);
  } catch (error) { status(`error: ${error.message}`); return; }
  $("model").replaceChildren(...models.map((m) => new Option(`${m.name} (${m.task})`, m.name)));
  if (!models.length) { status("no trained runs found; train one with `couturier train`"); return; }
  chooseModel();
  generate(null);  // a first result, for the example, before anyone clicks
  loadDirections();
}

$("model").addEventListener("change", () => { chooseModel(); loadDirections(); });
$("steer-seed").addEventListener("change", () => steerPicked(Number($("steer-seed").value), 0, null, null));
$("generate-form").addEventListener("submit", generate);
$("stylize-form").addEventListener("submit", (e) => upload(e, "/stylize", $("stylized")));
$("texture-form").addEventListener("submit", (e) => upload(e, "/texture", $("fabric")));
$("tryon-form").addEventListener("submit", (e) => {
  const form = e.target, model = currentModel();
  if (!form.garment.files.length && form.prompt.value.trim()) {
    if (!model || model.task !== "text2image") { e.preventDefault(); status("choose a text model above to draw the garment"); return; }
    form.dataset.model = model.name;
  }
  upload(e, "/try-on", $("dressed"));
});
$("trends-form").addEventListener("submit", forecastTrends);
start();
