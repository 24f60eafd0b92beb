// Booth editor, files page. Two enhancements; without JavaScript the page still works (it
// refreshes itself while files are processed, and uploads go through the ordinary form).
// 1. Progress: polls progress.json for the files being processed, moves their progress bars,
//    and swaps in the server's finished entry (result or reason for failure) when one is done.
// 2. Voice note: records the microphone with MediaRecorder and uploads it as an audio file.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- 1. Progress of processing ------------------------------------------------------------
  var list = document.getElementById("asset-list");
  if (list && list.getAttribute("data-progress-url") && window.fetch) {
    var url = list.getAttribute("data-progress-url");
    var watching = (list.getAttribute("data-watching") || "").split(",").filter(Boolean);
    var failures = 0;

    var show = function (entry) {
      var item = document.getElementById("asset-" + entry.id);
      if (!item) return;
      if (entry.settled && entry.html) {
        var holder = document.createElement("ol");
        holder.innerHTML = entry.html.trim();
        if (holder.firstElementChild) item.replaceWith(holder.firstElementChild);
        return;
      }
      var bar = item.querySelector("progress");
      var percent = item.querySelector("[data-role=percent]");
      var status = item.querySelector("[data-role=status]");
      if (bar) bar.value = entry.percent;
      if (percent) percent.textContent = entry.percent + " %";
      if (status) status.textContent = entry.status_label;
    };

    var poll = function () {
      var query = "?ids=" + encodeURIComponent(watching.join(","));
      fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          data.assets.forEach(show);
          var done = data.assets.filter(function (a) { return a.settled; }).map(function (a) { return String(a.id); });
          var gone = (data.removed || []).map(String);
          watching = watching.filter(function (id) { return done.indexOf(id) === -1 && gone.indexOf(id) === -1; });
          if (watching.length) window.setTimeout(poll, 1500);
        })
        .catch(function () {
          // A poor link drops a request now and then: back off, then keep trying.
          failures += 1;
          window.setTimeout(poll, Math.min(30000, 1500 * Math.pow(2, failures)));
        });
    };
    if (watching.length) window.setTimeout(poll, 1000);
  }

  // --- 2. Voice note ----------------------------------------------------------------------------
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
