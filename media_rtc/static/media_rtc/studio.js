// The camera and microphone of one who goes live from the browser: the booth staff's studio
// (live_video.js) and a speaker's green room on a stage (stage.js). Choosing the devices, the
// preview only they see, going live, turning the microphone or camera off, sharing the screen.
// Each page names its own controls (`selectors`) and says what going live and ending mean there.
(function () {
  "use strict";

  var VIDEO = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } };

  function constraints(cameraSelect, microphoneSelect) {
    var camera = cameraSelect ? cameraSelect.value : "";
    var microphone = microphoneSelect ? microphoneSelect.value : "";
    var video = Object.assign({}, VIDEO);
    if (camera) video.deviceId = { exact: camera };
    return {
      video: camera === "none" ? false : video,
      audio: microphone ? { deviceId: { exact: microphone } } : true,
    };
  }

  // The browser's cameras and microphones as choices (their names once the person allowed them).
  function fillDevices(cameraSelect, microphoneSelect) {
    return navigator.mediaDevices.enumerateDevices().then(function (devices) {
      [[cameraSelect, "videoinput"], [microphoneSelect, "audioinput"]].forEach(function (pair) {
        var select = pair[0];
        if (!select) return;
        devices.forEach(function (device, index) {
          if (device.kind !== pair[1] || !device.deviceId || device.deviceId === "default") return;
          if (select.querySelector('option[value="' + window.CSS.escape(device.deviceId) + '"]')) return;
          var option = document.createElement("option");
          option.value = device.deviceId;
          option.textContent = device.label || pair[1] + " " + (index + 1);
          select.appendChild(option);
        });
      });
    });
  }

  // options: find(selector), text(key), rtc (rakwonRtc.create's), room() (the room to publish in),
  // selectors {camera, microphone, preview, previewStart, go, mic, cam, share, end, status},
  // onLive() after going live, onShown(isLive) after the controls changed.
  function create(options) {
    var find = options.find, text = options.text, rtc = options.rtc, sel = options.selectors;
    var camera = null; // the camera+microphone stream (a booth's meeting uses it too)
    var share = null;

    function say(message) {
      var status = find(sel.status);
      if (status) status.textContent = message || "";
    }

    function openCamera() {
      if (camera) return Promise.resolve(camera);
      return navigator.mediaDevices.getUserMedia(constraints(find(sel.camera), find(sel.microphone))).then(function (stream) {
        camera = stream;
        var preview = find(sel.preview);
        if (preview) {
          preview.srcObject = stream;
          preview.hidden = stream.getVideoTracks().length === 0;
          preview.play().catch(function () {});
        }
        fillDevices(find(sel.camera), find(sel.microphone)).catch(function () {});
        return stream;
      });
    }

    function closeCamera() {
      if (!camera) return;
      camera.getTracks().forEach(function (track) { track.stop(); });
      camera = null;
      var preview = find(sel.preview);
      if (preview) {
        preview.srcObject = null;
        preview.hidden = true;
      }
    }

    // Turns the camera's audio or video off or on; the button says what pressing it does next.
    function toggleTrack(kind, button, onKey, offKey) {
      var tracks = camera ? (kind === "audio" ? camera.getAudioTracks() : camera.getVideoTracks()) : [];
      tracks.forEach(function (track) { track.enabled = !track.enabled; });
      var on = tracks.length > 0 && tracks[0].enabled;
      button.textContent = on ? text(offKey) : text(onKey);
      button.setAttribute("aria-pressed", on ? "false" : "true");
    }

    function showLive(isLive) {
      if (!find(sel.go)) return;
      find(sel.go).hidden = isLive;
      find(sel.previewStart).hidden = isLive;
      [sel.mic, sel.cam, sel.share, sel.end].forEach(function (selector) { find(selector).hidden = !isLive; });
      find(sel.camera).disabled = isLive;
      find(sel.microphone).disabled = isLive;
      if (options.onShown) options.onShown(isLive);
    }

    // tellServer false: the server already ended the stream (taken off a stage).
    function stopSharing(tellServer) {
      if (!share) return;
      var room = options.room();
      var publication = room && room.publications.screen;
      if (publication) publication.close(tellServer !== false);
      share.getTracks().forEach(function (track) { track.stop(); });
      share = null;
      find(sel.share).textContent = text("share");
    }

    function wire() {
      if (!find(sel.go)) return;
      fillDevices(find(sel.camera), find(sel.microphone)).catch(function () {});
      find(sel.camera).addEventListener("change", closeCamera);
      find(sel.microphone).addEventListener("change", closeCamera);
      find(sel.previewStart).addEventListener("click", function () {
        closeCamera();
        openCamera().catch(function () { say(text("no-devices")); });
      });
      find(sel.go).addEventListener("click", function (event) {
        var button = event.currentTarget;
        button.disabled = true;
        say(text("connecting"));
        openCamera().then(function (stream) {
          return rtc.publish(options.room(), "camera", stream);
        }).then(function () {
          say("");
          showLive(true);
          if (options.onLive) options.onLive();
        }, function (failure) {
          say(failure && failure.message ? failure.message : text("no-devices"));
        }).then(function () { button.disabled = false; });
      });
      find(sel.mic).addEventListener("click", function (event) {
        toggleTrack("audio", event.currentTarget, "mic-on", "mic-off");
      });
      find(sel.cam).addEventListener("click", function (event) {
        toggleTrack("video", event.currentTarget, "camera-on", "camera-off");
      });
      find(sel.share).addEventListener("click", function (event) {
        var button = event.currentTarget;
        if (share) {
          stopSharing(true);
          return;
        }
        if (!navigator.mediaDevices.getDisplayMedia) {
          say(text("no-screen"));
          return;
        }
        navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { max: 15 } }, audio: false }).then(function (stream) {
          share = stream;
          stream.getVideoTracks()[0].addEventListener("ended", function () { stopSharing(true); }); // the browser's own "Stop"
          button.textContent = text("stop-share");
          return rtc.publish(options.room(), "screen", stream);
        }).catch(function (failure) {
          stopSharing(true);
          say(failure && failure.message ? failure.message : text("no-screen"));
        });
      });
    }
    wire();

    return {
      say: say,
      openCamera: openCamera,
      closeCamera: closeCamera,
      toggleTrack: toggleTrack,
      showLive: showLive,
      stopSharing: stopSharing,
      stream: function () { return camera; },
    };
  }

  window.rakwonStudio = { create: create };
})();
