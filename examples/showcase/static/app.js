"use strict";
// The showcase page: every feature talks to the server with the browser's own APIs.
// With ?selftest=NAME the page checks itself and reports through the chat.
const selftest = new URLSearchParams(location.search).get("selftest");
const seen = { chat: false, sse: false, api: false };
const byId = (id) => document.getElementById(id);
const item = (text) => { const li = document.createElement("li"); li.textContent = text; return li; };

const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  byId("chat-log").append(item(`${message.name}: ${message.text}`));
  if (selftest && message.name === selftest && message.text === "hello") { seen.chat = true; report(); }
};
ws.onopen = () => { if (selftest) { say(selftest, "hello"); } };
function say(name, text) { ws.send(JSON.stringify({ name, text })); }
byId("chat-form").onsubmit = (event) => {
  event.preventDefault();
  say(byId("chat-name").value, byId("chat-text").value);
  byId("chat-text").value = "";
};

const ticks = new EventSource("/events");
ticks.addEventListener("tick", (event) => {
  const data = JSON.parse(event.data);
  byId("tick").textContent = data.n;
  byId("note-count").textContent = data.notes;
  if (selftest) { seen.sse = true; report(); }
});

async function loadNotes() {
  const response = await fetch("/api/notes");
  const data = await response.json();
  byId("notes").replaceChildren(...data.notes.map((note) => item(note.text)));
  return data.notes;
}
byId("note-form").onsubmit = async (event) => {
  event.preventDefault();
  await fetch("/api/notes", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text: byId("note-text").value }),
  });
  byId("note-text").value = "";
  await loadNotes();
};
loadNotes().then((notes) => { if (selftest && notes.length > 0) { seen.api = true; report(); } });

byId("upload-form").onsubmit = async (event) => {
  event.preventDefault();
  const response = await fetch("/upload", { method: "POST", body: new FormData(event.target) });
  byId("upload-result").textContent = JSON.stringify(await response.json(), null, 2);
};

let reported = false;
function report() {
  if (reported || !(seen.chat && seen.sse && seen.api)) { return; }
  reported = true;
  say(selftest, "selftest ok: chat sse api");
}
