// AdStudio's REST API from a page on another origin: plain JavaScript, no build, no libraries.
// The flow: image URL → POST /api/ideas → pick an idea → POST /api/prompts → POST /api/video
// (with an Idempotency-Key) → poll GET /api/video?taskId=… → GET /api/video/download as a blob.
"use strict";

const FINAL_STATES = new Set(["success", "failed", "unknown"]);
const STORED_BASE = "adstudio.apiBase"; // the base URL is remembered; the token never is
const flow = { idempotencyKey: "", taskId: "", pollTimer: 0, objectUrl: "" };

const $ = (id) => document.getElementById(id);

/** An API answer other than 2xx, carrying the API's own `error` object. */
class ApiError extends Error {
  constructor(status, error) {
    super(error.message || `The API answered HTTP ${status}.`);
    this.status = status;
    this.code = error.code || "";
    this.hint = error.hint || "";
    this.fields = error.fields || null;
  }
}

// ---- Talking to the API -------------------------------------------------------------------

function apiBase() {
  return $("api-base").value.trim().replace(/\/+$/, "");
}

function authHeader() {
  return { Authorization: `Token ${$("token").value.trim()}` };
}

/** fetch() that turns "never got an answer" into an explanation: usually CORS or a wrong URL. */
async function send(url, init) {
  try {
    return await fetch(url, init);
  } catch (networkError) {
    throw new ApiError(0, {
      code: "unreachable",
      message: `Could not reach the API at ${apiBase() || "(no base URL)"}.`,
      hint: `Check the API base URL, and that the server lists this page's origin ` +
        `(${window.location.origin}) in CORS_ALLOWED_ORIGINS.`,
    });
  }
}

/** The `error` object of a failed answer; a Retry-After (an exposed header) becomes the hint. */
async function errorFrom(response) {
  let error = {};
  try {
    error = (await response.json()).error || {};
  } catch (notJson) {
    error = {};
  }
  const retryAfter = response.headers.get("Retry-After");
  if (retryAfter && !error.hint) error.hint = `Try again in ${retryAfter} s.`;
  return new ApiError(response.status, error);
}

/** One JSON call to the API: { status, body } on 2xx, an ApiError otherwise. */
async function callApi(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...authHeader(), ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await send(apiBase() + path, init);
  if (!response.ok) throw await errorFrom(response);
  return { status: response.status, body: await response.json() };
}

/** A fresh Idempotency-Key (crypto.randomUUID needs https; getRandomValues works anywhere). */
function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- Showing things -----------------------------------------------------------------------

function showError(error) {
  $("error-message").textContent = error.message;
  $("error-hint").textContent = error.hint || "";
  $("error-hint").hidden = !error.hint;
  const list = $("error-fields");
  list.replaceChildren(
    ...Object.entries(error.fields || {}).map(([field, message]) => item(`${field}: ${message}`)),
  );
  list.hidden = !list.children.length;
  $("error").hidden = false;
  $("error").scrollIntoView({ block: "nearest" });
}

function clearError() {
  $("error").hidden = true;
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

/** Run one step with its button disabled and its "busy" note shown; errors go to the box. */
async function step(buttonId, busyId, work) {
  const button = $(buttonId);
  button.disabled = true;
  $(busyId).hidden = false;
  clearError();
  try {
    await work();
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
    $(busyId).hidden = true;
  }
}

/** Hide step `id` and the ones after it: a new photo, idea or model makes them stale. */
function hideFrom(id) {
  const order = ["ideas-step", "prompt-step", "video-step"];
  order.slice(order.indexOf(id)).forEach((later) => ($(later).hidden = true));
  stopPolling();
  flow.taskId = ""; // a poll still on its way then sees that its task is no longer shown
}

// ---- 1. Photo → ideas ----------------------------------------------------------------------

async function getIdeas(event) {
  event.preventDefault();
  window.localStorage.setItem(STORED_BASE, apiBase());
  await step("ideas-button", "ideas-busy", async () => {
    hideFrom("ideas-step");
    const imageUrl = $("image-url").value.trim();
    const body = { imageUrl };
    if ($("product-name").value.trim()) body.productName = $("product-name").value.trim();
    const [ideas, models] = await Promise.all([
      callApi("/api/ideas", { method: "POST", body }),
      callApi("/api/models"),
    ]);
    showPhoto(imageUrl);
    showIdeas(ideas.body.ideas, models.body);
  });
}

function showPhoto(url) {
  $("photo").src = url;
  $("photo").hidden = false;
}

function showIdeas(ideas, models) {
  const fieldset = $("ideas");
  fieldset.replaceChildren(fieldset.querySelector("legend"), ...ideas.map(ideaChoice));
  fieldset.querySelector("input").checked = true;
  // Models that need only a photo and a prompt (motion control also needs a reference video).
  const usable = models.filter((model) => model.available && model.media.videos === 0);
  $("model").replaceChildren(...usable.map((m) => new Option(`${m.label} (${m.id})`, m.id)));
  pickSuggestedModel(ideas[0]);
  $("ideas-step").hidden = false;
}

function ideaChoice(idea) {
  const label = document.createElement("label");
  label.className = "idea";
  const input = Object.assign(document.createElement("input"), {
    type: "radio",
    name: "idea",
    value: String(idea.id),
  });
  input.addEventListener("change", () => {
    pickSuggestedModel(idea);
    hideFrom("prompt-step");
  });
  const rank = Object.assign(document.createElement("span"), {
    className: "rank",
    textContent: `#${idea.rank}`,
  });
  const text = document.createElement("span");
  text.append(
    Object.assign(document.createElement("strong"), { textContent: idea.title }),
    Object.assign(document.createElement("small"), { textContent: idea.hook }),
  );
  label.append(input, rank, text);
  return label;
}

function pickSuggestedModel(idea) {
  const select = $("model");
  if ([...select.options].some((option) => option.value === idea.suggestedModel)) {
    select.value = idea.suggestedModel;
  }
}

function chosenIdeaId() {
  return Number($("ideas").querySelector("input:checked").value);
}

// ---- 2. Idea → prompt ----------------------------------------------------------------------

async function writePrompt() {
  await step("prompt-button", "prompt-busy", async () => {
    hideFrom("prompt-step");
    const body = { ideaId: chosenIdeaId(), model: $("model").value };
    const { body: prompt } = await callApi("/api/prompts", { method: "POST", body });
    const textarea = $("prompt");
    textarea.value = prompt.prompt;
    if (prompt.maxChars) textarea.maxLength = prompt.maxChars;
    promptEdited();
    $("prompt-step").hidden = false;
  });
}

/** A changed prompt is a different job: it gets its own Idempotency-Key. */
function promptEdited() {
  flow.idempotencyKey = newIdempotencyKey();
  const textarea = $("prompt");
  const limit = textarea.maxLength > 0 ? ` of ${textarea.maxLength}` : "";
  $("prompt-count").textContent = `${textarea.value.length}${limit} characters.`;
}

// ---- 3. Prompt → job -----------------------------------------------------------------------

const START_NOTES = {
  201: "Kie accepted the job.",
  202: "Recorded: it waits for its turn at Kie, and the server's worker sends it.",
  200: "This job was already started (same Idempotency-Key): following it.",
};

async function startVideo() {
  await step("start-button", "start-busy", async () => {
    hideFrom("video-step");
    const body = { ideaId: chosenIdeaId(), model: $("model").value, prompt: $("prompt").value };
    // The same key again (a double click, a retry after a lost answer) never starts a second job.
    const headers = { "Idempotency-Key": flow.idempotencyKey };
    const { status, body: task } = await callApi("/api/video", { method: "POST", body, headers });
    flow.taskId = task.taskId;
    showTask(task);
    $("video-note").textContent = START_NOTES[status] || "";
    $("video-step").hidden = false;
    followTask(task);
  });
}

// ---- 4. Poll → download --------------------------------------------------------------------

function showTask(task) {
  $("status").textContent = task.status;
  $("status").className = `badge ${task.status}`;
  $("task-id").textContent = task.taskId;
  $("kie-task-id").textContent = task.kieTaskId || "—";
}

function pollSettings() {
  return {
    intervalMs: Math.max(100, Number($("poll-seconds").value) * 1000 || 5000),
    maxPolls: Math.max(1, Math.floor(Number($("poll-max").value)) || 60),
  };
}

function followTask(task) {
  $("poll-again").hidden = true;
  $("polls").textContent = `0 of ${pollSettings().maxPolls}`;
  if (FINAL_STATES.has(task.status)) return finish(task);
  schedulePoll(1);
}

function schedulePoll(attempt) {
  flow.pollTimer = window.setTimeout(() => poll(attempt), pollSettings().intervalMs);
}

function stopPolling() {
  window.clearTimeout(flow.pollTimer);
  flow.pollTimer = 0;
}

/** One GET /api/video; a fixed interval between polls, at most `maxPolls` of them. */
async function poll(attempt) {
  const { maxPolls } = pollSettings();
  $("polls").textContent = `${attempt} of ${maxPolls}`;
  const taskId = flow.taskId;
  try {
    const { body: task } = await callApi(`/api/video?taskId=${encodeURIComponent(taskId)}`);
    if (taskId !== flow.taskId) return; // the page moved on while this poll travelled
    clearError();
    showTask(task);
    if (FINAL_STATES.has(task.status)) return finish(task);
  } catch (error) {
    showError(error);
    // A wrong token, a deleted task, bad input: asking again will not help.
    if (error.status >= 400 && error.status < 500 && error.status !== 429) return giveUp(error);
  }
  if (attempt >= maxPolls) return giveUp();
  schedulePoll(attempt + 1);
}

function giveUp(error) {
  const { maxPolls } = pollSettings();
  $("video-note").textContent = error
    ? "Stopped polling."
    : `Stopped after ${maxPolls} poll${maxPolls === 1 ? "" : "s"}; the job goes on at the ` +
      "server. Check again later.";
  $("poll-again").hidden = false;
}

async function finish(task) {
  if (task.status === "success") return downloadVideo(task);
  const failed = task.status === "failed";
  $("video-note").textContent = failed ? "The video failed." : "The job's fate is unknown.";
  showError({
    message: task.error ? task.error.message : `The task ended ${task.status}.`,
    hint: failed
      ? "Pick another idea or model, or edit the prompt, and start again."
      : "Kie's answer to the start was lost; the job may still run. Ask staff to check it " +
        "in the admin before retrying (POST /api/tasks/{taskId}/retry with confirm: true).",
  });
}

/** A plain <a href> can't send the token: fetch the file, then offer it as an object URL. */
async function downloadVideo(task) {
  const url = task.videoUrl ||
    `${apiBase()}/api/video/download?taskId=${encodeURIComponent(task.taskId)}`;
  $("video-note").textContent = "Done. Downloading the video…";
  try {
    const response = await send(url, { headers: authHeader() });
    if (!response.ok) throw await errorFrom(response);
    const blob = await response.blob();
    offerDownload(blob, fileName(response, task));
  } catch (error) {
    showError(error);
    $("video-note").textContent = "The video is ready, but the download failed.";
  }
}

/** The server's file name, from Content-Disposition (readable here because CORS exposes it). */
function fileName(response, task) {
  const header = response.headers.get("Content-Disposition") || "";
  const match = header.match(/filename="([^"]+)"/);
  return match ? match[1] : `${task.taskId}.mp4`;
}

function offerDownload(blob, name) {
  if (flow.objectUrl) URL.revokeObjectURL(flow.objectUrl);
  flow.objectUrl = URL.createObjectURL(blob);
  const link = $("download-link");
  Object.assign(link, { href: flow.objectUrl, download: name, hidden: false });
  link.textContent = `Download ${name}`;
  link.dataset.bytes = String(blob.size);
  $("download-size").textContent = `${(blob.size / 1024).toFixed(1)} KB`;
  Object.assign($("video"), { src: flow.objectUrl, hidden: false });
  $("video-note").textContent = "Done. The video is ready.";
}

// ---- Start-up ------------------------------------------------------------------------------

function init() {
  const params = new URLSearchParams(window.location.search);
  $("api-base").value = params.get("api") || window.localStorage.getItem(STORED_BASE) || "";
  $("own-origin").textContent = window.location.origin;
  $("ideas-form").addEventListener("submit", getIdeas);
  $("prompt-button").addEventListener("click", writePrompt);
  $("prompt").addEventListener("input", promptEdited);
  $("model").addEventListener("change", () => hideFrom("prompt-step"));
  $("start-button").addEventListener("click", startVideo);
  $("poll-again").addEventListener("click", () => {
    clearError();
    $("poll-again").hidden = true;
    schedulePoll(1);
  });
}

init();
