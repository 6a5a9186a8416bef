"use strict";
// The talkface page: a portrait, a voice (microphone or file), controls,
// a live preview over a WebSocket and file jobs over HTTP.

const $ = (id) => document.getElementById(id);
const FRAME_HEADER_BYTES = 12;  // uint32 index, float32 time, float32 delay
const CHUNK_SECONDS = 0.02;     // audio goes up in 20 ms chunks

const state = {
  photoFile: null,
  portraitId: null,
  audioFile: null,
  controls: { emotion: "neutral", emotion_intensity: 0.6, gaze: "camera", head_distance: 1.0, motion_intensity: 1.0 },
  live: null,
  info: null,
};
// Read by the page's end-to-end test.
window.talkface = { frames: 0, state };

const screen = $("screen");
const paint = screen.getContext("2d");

function show(element, message, kind = "") {
  element.textContent = message;
  element.className = element.className.replace(/\b(error|ok)\b/g, "").trim() + (kind ? " " + kind : "");
}

async function errorOf(response) {
  try { return (await response.json()).error || response.statusText; } catch { return response.statusText; }
}

// --- portrait -------------------------------------------------------------

async function choosePortrait(file) {
  if (!file) return;
  stopLive();
  state.photoFile = file;
  state.portraitId = null;
  const url = URL.createObjectURL(file);
  $("portrait-thumb").src = url;
  $("portrait-thumb").hidden = false;
  $("portrait-text").innerHTML = `<strong>${escapeHtml(file.name)}</strong><br><small>Click to choose another</small>`;
  show($("portrait-status"), "Finding the face…");
  const image = new Image();
  image.onload = () => { drawCover(image); $("placeholder").hidden = true; };
  image.src = url;
  const form = new FormData();
  form.append("photo", file);
  const response = await fetch("/api/portraits", { method: "POST", body: form });
  if (!response.ok) {
    show($("portrait-status"), await errorOf(response), "error");
    updateButtons();
    return;
  }
  const answer = await response.json();
  state.portraitId = answer.portrait;
  show($("portrait-status"), answer.faces > 1 ? `Ready: the largest of ${answer.faces} faces will talk` : "Ready: face found", "ok");
  updateButtons();
}

function drawCover(image) {
  const scale = Math.max(screen.width / image.width, screen.height / image.height);
  const w = image.width * scale, h = image.height * scale;
  paint.drawImage(image, (screen.width - w) / 2, (screen.height - h) / 3, w, h);
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

$("portrait-input").addEventListener("change", (e) => choosePortrait(e.target.files[0]));
const drop = $("portrait-drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  choosePortrait(e.dataTransfer.files[0]);
});

// --- voice tabs -----------------------------------------------------------

for (const [tab, body] of [["tab-mic", "body-mic"], ["tab-file", "body-file"]]) {
  $(tab).addEventListener("click", () => {
    for (const [other, otherBody] of [["tab-mic", "body-mic"], ["tab-file", "body-file"]]) {
      $(other).classList.toggle("active", other === tab);
      $(other).setAttribute("aria-selected", String(other === tab));
      $(otherBody).hidden = otherBody !== body;
    }
  });
}

$("audio-input").addEventListener("change", (e) => {
  state.audioFile = e.target.files[0] || null;
  $("audio-name").textContent = state.audioFile ? state.audioFile.name : "Choose a recording";
  updateButtons();
});

function updateButtons() {
  const ready = Boolean(state.portraitId);
  const live = Boolean(state.live);
  $("mic-button").disabled = !ready || (live && state.live.kind !== "mic");
  $("preview-button").disabled = !ready || !state.audioFile || (live && state.live.kind !== "file");
  $("render-button").disabled = !state.photoFile || !ready || !state.audioFile;
  $("mic-label").textContent = live && state.live.kind === "mic" ? "Stop" : "Start talking";
  $("mic-button").classList.toggle("recording", live && state.live.kind === "mic");
  $("preview-button").textContent = live && state.live.kind === "file" ? "Stop preview" : "Play live preview";
}

// --- live sessions --------------------------------------------------------

$("mic-button").addEventListener("click", () => (state.live ? stopLive() : startLive("mic")));
$("preview-button").addEventListener("click", () => (state.live ? stopLive() : startLive("file")));

async function startLive(kind) {
  const live = { kind, frames: [], sent: 0, started: false, closed: false };
  state.live = live;
  updateButtons();
  show($("notice"), kind === "mic" ? "Starting the microphone…" : "Starting the preview…");
  try {
    live.audio = new AudioContext();
    await live.audio.resume();  // a context made outside the click's own task may start suspended
    await live.audio.audioWorklet.addModule("/static/capture.js");
    live.capture = new AudioWorkletNode(live.audio, "pcm-capture");
    const silent = live.audio.createGain();
    silent.gain.value = 0;
    live.capture.connect(silent).connect(live.audio.destination);
    if (kind === "mic") {
      live.stream = await navigator.mediaDevices.getUserMedia(
        { audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 } });
      live.source = live.audio.createMediaStreamSource(live.stream);
    } else {
      const sound = await live.audio.decodeAudioData(await state.audioFile.arrayBuffer());
      live.source = live.audio.createBufferSource();
      live.source.buffer = sound;
      // The face is a fifth of a second behind the sound: the sound waits for it.
      const delay = live.audio.createDelay(1.0);
      delay.delayTime.value = (state.info ? state.info.lookahead_ms : 120) / 1000 + 0.08;
      live.source.connect(delay).connect(live.audio.destination);
      live.source.onended = () => { if (state.live === live) stopLive(); };
    }
    live.source.connect(live.capture);
  } catch (error) {
    show($("notice"), kind === "mic" ? `Microphone unavailable: ${error.message}` : `Cannot play that file: ${error.message}`, "error");
    closeLive(live);
    return;
  }
  const chunk = Math.round(live.audio.sampleRate * CHUNK_SECONDS);
  let pending = new Float32Array(0);
  live.capture.port.onmessage = (event) => {
    if (!live.started || live.closed) return;
    const merged = new Float32Array(pending.length + event.data.length);
    merged.set(pending);
    merged.set(event.data, pending.length);
    pending = merged;
    while (pending.length >= chunk) {
      const pcm = new Int16Array(chunk);
      for (let i = 0; i < chunk; i++) pcm[i] = Math.max(-1, Math.min(1, pending[i])) * 32767;
      live.socket.send(pcm.buffer);
      live.sent += 1;
      pending = pending.slice(chunk);
    }
  };

  const scheme = location.protocol === "https:" ? "wss" : "ws";
  live.socket = new WebSocket(`${scheme}://${location.host}/api/live`);
  live.socket.binaryType = "arraybuffer";
  live.socket.onopen = () => live.socket.send(JSON.stringify({
    type: "start", portrait: state.portraitId, sample_rate: live.audio.sampleRate, controls: state.controls }));
  live.socket.onmessage = (event) => onLiveMessage(live, event.data);
  live.socket.onclose = () => {
    if (state.live === live) {
      if (!live.ended) show($("notice"), live.error || "The connection closed.", live.error ? "error" : "");
      closeLive(live);
    }
  };
}

function onLiveMessage(live, data) {
  if (typeof data !== "string") return drawFrame(live, data);
  const message = JSON.parse(data);
  if (message.type === "started") {
    live.started = true;
    if (live.kind === "file") live.source.start();
    $("chip-live").hidden = false;
    show($("notice"), live.kind === "mic" ? "Live: speak and watch." : "Live preview of your recording.");
  } else if (message.type === "notice") {
    const full = state.info || { fps: 25, size: 512 };
    show($("notice"), message.fps >= full.fps && message.size >= full.size ? "Back to full quality."
      : `This computer is busy: drawing ${message.size}×${message.size} at ${message.fps.toFixed(1)} frames a second, to stay in time with the voice.`);
  } else if (message.type === "error") {
    live.error = message.error;
    show($("notice"), message.error, "error");
  } else if (message.type === "end") {
    live.ended = true;
    show($("notice"), "Done.");
    closeLive(live);
  }
}

async function drawFrame(live, buffer) {
  const view = new DataView(buffer);
  const delay = view.getFloat32(8, true);
  const bitmap = await createImageBitmap(new Blob([buffer.slice(FRAME_HEADER_BYTES)], { type: "image/jpeg" }));
  paint.drawImage(bitmap, 0, 0, screen.width, screen.height);
  bitmap.close();
  $("placeholder").hidden = true;
  window.talkface.frames += 1;
  if (live.closed) return;  // a last frame decoded after the session ended
  const now = performance.now();
  live.frames.push(now);
  while (live.frames.length && now - live.frames[0] > 1000) live.frames.shift();
  const lookahead = state.info ? state.info.lookahead_ms : 120;
  $("chip-fps").hidden = $("chip-latency").hidden = false;
  $("chip-fps").textContent = `${live.frames.length} fps`;
  $("chip-latency").textContent = `${Math.round(lookahead + delay * 1000)} ms behind`;
}

function stopLive() {
  const live = state.live;
  if (!live) return;
  if (live.socket && live.socket.readyState === WebSocket.OPEN && live.started) {
    live.socket.send(JSON.stringify({ type: "stop" }));
    live.started = false;  // no more audio; the last frames still come
    stopSources(live);
    show($("notice"), "Finishing…");
    setTimeout(() => closeLive(live), 3000);
  } else {
    closeLive(live);
  }
}

function stopSources(live) {
  if (live.stream) live.stream.getTracks().forEach((track) => track.stop());
  if (live.kind === "file" && live.source && live.started) { try { live.source.stop(); } catch { /* ended already */ } }
}

function closeLive(live) {
  if (live.closed) return;
  live.closed = true;
  stopSources(live);
  if (live.socket && live.socket.readyState <= WebSocket.OPEN) live.socket.close();
  if (live.audio) live.audio.close();
  if (state.live === live) state.live = null;
  $("chip-live").hidden = $("chip-fps").hidden = $("chip-latency").hidden = true;
  updateButtons();
}

// --- controls -------------------------------------------------------------

let controlsTimer = null;
function setControl(name, value) {
  state.controls[name] = value;
  clearTimeout(controlsTimer);
  // Sliders send many values; the face follows the last one.
  controlsTimer = setTimeout(() => {
    const live = state.live;
    if (live && live.started && live.socket.readyState === WebSocket.OPEN) {
      live.socket.send(JSON.stringify({ type: "controls", controls: state.controls }));
    }
  }, 150);
}

for (const group of ["emotion", "gaze"]) {
  $(group).addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    for (const other of $(group).children) other.classList.toggle("on", other === button);
    setControl(group, button.dataset.value);
  });
}
for (const [id, name] of [["emotion-intensity", "emotion_intensity"], ["head-distance", "head_distance"],
                          ["motion-intensity", "motion_intensity"]]) {
  $(id).addEventListener("input", (event) => {
    const value = Number(event.target.value);
    $(`${id}-value`).textContent = value.toFixed(2);
    setControl(name, value);
  });
}

// --- file jobs ------------------------------------------------------------

$("render-button").addEventListener("click", async () => {
  const form = new FormData();
  form.append("photo", state.photoFile);
  form.append("audio", state.audioFile);
  for (const [name, value] of Object.entries(state.controls)) form.append(name, String(value));
  $("render-button").disabled = true;
  $("job-progress").hidden = false;
  setProgress(0, "Uploading…");
  const response = await fetch("/api/jobs", { method: "POST", body: form });
  if (!response.ok) {
    setProgress(0, await errorOf(response));
    $("job-progress").classList.add("failed");
    updateButtons();
    return;
  }
  let job = await response.json();
  while (job.state !== "done" && job.state !== "failed") {
    setProgress(job.progress, job.state === "rendering" ? `Rendering… ${Math.round(job.progress * 100)} %` : "Listening to the audio…");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const poll = await fetch(`/api/jobs/${job.id}`);
    if (!poll.ok) { job = { state: "failed", error: await errorOf(poll) }; break; }
    job = await poll.json();
  }
  updateButtons();
  if (job.state === "failed") {
    setProgress(0, job.error);
    return;
  }
  setProgress(1, "Done");
  $("result").hidden = false;
  $("result-video").src = job.video;
  $("download").href = job.video;
});

function setProgress(share, text) {
  $("job-bar").style.width = `${Math.round(share * 100)}%`;
  $("job-text").textContent = text;
}

// --- verify ---------------------------------------------------------------

$("verify-input").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const result = $("verify-result");
  result.hidden = false;
  result.textContent = "Checking…";
  const form = new FormData();
  form.append("video", file);
  const response = await fetch("/api/verify", { method: "POST", body: form });
  result.textContent = response.ok ? (await response.json()).summary : await errorOf(response);
});

// --- start ----------------------------------------------------------------

fetch("/api/info").then((r) => r.json()).then((info) => {
  state.info = info;
  $("version").textContent = info.version;
});
updateButtons();
