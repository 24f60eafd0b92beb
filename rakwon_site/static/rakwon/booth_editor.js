// Booth editor, files page: a voice note recorded with MediaRecorder and uploaded as an audio
// file (the files' processing progress is rakwon/asset_progress.js). Without JavaScript the
// section stays hidden and uploads go through the ordinary form.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- Voice note ----------------------------------------------------------------------------
  var box = document.getElementById("voice-note");
  if (!box || !window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.fetch) {
    return; // the section stays hidden: a sound file can still be uploaded with the form
  }
  var texts = {};
  var template = box.querySelector("template[data-role=texts]");
  if (template) {
    Array.prototype.forEach.call(template.content.querySelectorAll("[data-key]"), function (span) {
      texts[span.getAttribute("data-key")] = span.textContent;
    });
  }
  var button = function (action) { return box.querySelector("[data-action=" + action + "]"); };
  var preview = box.querySelector("[data-role=preview]");
  var message = box.querySelector("[data-role=message]");
  var timer = box.querySelector("[data-role=timer]");
  var title = document.getElementById("voice-title");
  var maxSeconds = 600;
  var recorder = null;
  var chunks = [];
  var recording = null;
  var started = 0;
  var ticking = null;

  var say = function (key) { message.textContent = texts[key] || ""; };
  var mimeType = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"].filter(function (type) {
    return MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(type);
  })[0] || "";
  var extension = function (type) {
    if (type.indexOf("ogg") !== -1) return "ogg";
    if (type.indexOf("mp4") !== -1) return "m4a";
    return "webm";
  };
  var showResult = function (visible) {
    preview.hidden = !visible;
    button("upload").hidden = !visible;
    button("discard").hidden = !visible;
  };
  var tick = function () {
    var seconds = Math.floor((Date.now() - started) / 1000);
    timer.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    if (seconds >= maxSeconds && recorder && recorder.state === "recording") {
      say("too_long");
      recorder.stop();
    }
  };

  box.hidden = false;
  button("record").addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      chunks = [];
      recorder = mimeType ? new MediaRecorder(stream, { mimeType: mimeType }) : new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) chunks.push(event.data);
      });
      recorder.addEventListener("stop", function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        window.clearInterval(ticking);
        timer.classList.remove("recording");
        recording = new Blob(chunks, { type: recorder.mimeType || mimeType || "audio/webm" });
        if (preview.src) URL.revokeObjectURL(preview.src);
        preview.src = URL.createObjectURL(recording);
        showResult(true);
        button("record").disabled = false;
        button("stop").disabled = true;
        if (message.textContent === texts.recording) message.textContent = "";
      });
      recorder.start(1000);
      started = Date.now();
      ticking = window.setInterval(tick, 250);
      timer.classList.add("recording");
      showResult(false);
      button("record").disabled = true;
      button("stop").disabled = false;
      button("stop").focus();
      say("recording");
    }).catch(function () { say("denied"); });
  });
  button("stop").addEventListener("click", function () {
    if (recorder && recorder.state === "recording") recorder.stop();
  });
  button("discard").addEventListener("click", function () {
    recording = null;
    showResult(false);
    timer.textContent = "0:00";
    button("record").focus();
  });
  button("upload").addEventListener("click", function () {
    if (!recording) return;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken());
    data.append("kind", "audio");
    // The upload form's box for the title in the event's first language (title_en, title_ko…).
    data.append(box.getAttribute("data-title-field") || "title", title.value);
    data.append("voice_note", "1");
    data.append("file", recording, "voice-note." + extension(recording.type));
    button("upload").disabled = true;
    say("uploading");
    fetch(box.getAttribute("data-upload-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok) {
          message.textContent = (result.body.errors || []).join(" ") || texts.failed;
          button("upload").disabled = false;
          return;
        }
        // The new entry (with its progress) is rendered by the server.
        window.location.assign(window.location.pathname + "#asset-" + result.body.asset_id);
        window.location.reload();
      })
      .catch(function () {
        say("failed");
        button("upload").disabled = false;
      });
  });
})();
