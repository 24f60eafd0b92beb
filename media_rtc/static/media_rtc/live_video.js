// Live video on a booth page (media_rtc/_booth_live.html): the booth's room for everyone, the
// go-live studio for the booth's staff, and meetings ("Meet the exhibitor") started from here.
// On a meeting page without a booth (media_rtc/meeting_page.html, two visitors) only the meeting.
(function () {
  "use strict";

  var root = document.querySelector("[data-rtc-booth], [data-rtc-meeting-page]");
  var live = window.rakwonLive;
  if (!root || !live || !window.RTCPeerConnection || !window.rakwonRtc || !window.rakwonStudio || !navigator.mediaDevices) {
    return; // no WebRTC here: the section stays hidden
  }
  var booth = root.hasAttribute("data-rtc-booth") ? parseInt(root.getAttribute("data-rtc-booth"), 10) : null;
  var mayPublish = root.getAttribute("data-rtc-may-publish") === "1";
  var rtc = window.rakwonRtc.create(root);
  var text = rtc.text;
  var meeting = null; // the meeting room this tab is in, if any

  function find(selector) {
    return root.querySelector(selector);
  }

  function staffAreLive(state) {
    return state.publishers.some(function (publisher) { return !publisher.test_pattern; });
  }

  // --- The booth's room ----------------------------------------------------------------------

  var meetBox = find("[data-rtc-meet]");
  var lastViewers = 0;
  // Tells the page how the booth's room stands (exhibits/static/exhibits/live_with_slides.js
  // shows the speaker beside the slides, and staff how many watch them).
  function announce(room) {
    root.dispatchEvent(new CustomEvent("rakwon:rtc-state", { bubbles: true, detail: {
      booth: booth,
      players: Object.keys(room.players).length,
      publishing: Boolean(room.publications.camera || room.publications.screen),
      viewers: lastViewers,
    } }));
  }
  var boothRoom = booth === null ? null : rtc.room({ booth: booth }, find("[data-rtc-players]"), {
    onState: function (state, room) {
      var anyone = state.publishers.length > 0;
      find("[data-rtc-idle]").hidden = anyone;
      find("[data-rtc-live-badge]").hidden = !anyone;
      find("[data-rtc-quality]").hidden = Object.keys(room.players).length === 0;
      if (meetBox) meetBox.hidden = !staffAreLive(state) || meeting !== null;
      lastViewers = state.viewers || 0;
      announce(room);
    },
  });

  var started = false;
  function start() {
    if (started) return;
    started = true;
    rtc.configure().then(function () {
      root.hidden = false;
      return boothRoom ? boothRoom.open() : null;
    }).then(enterBookedMeeting).catch(function (failure) {
      if (failure && failure.code === "client.offline") {
        started = false; // not open yet: "open" starts us
        return;
      }
      rtc.showError(failure);
    });
  }
  live.on("open", start);
  start(); // the socket may be open already

  // "Join" on a meeting booked ahead lands here with #meeting=<token> (media_rtc/views.py).
  function enterBookedMeeting() {
    var booked = /^#meeting=([A-Za-z0-9_-]{8,32})$/.exec(window.location.hash);
    if (booked) enterMeeting(booked[1]);
  }

  // --- The staff's studio (studio.js): the camera is shared by the booth and a meeting ------------

  var studioPanel = find("[data-rtc-studio]");
  var studio = window.rakwonStudio.create({
    find: find,
    text: text,
    rtc: rtc,
    room: function () { return boothRoom; },
    selectors: {
      camera: "[data-rtc-camera]", microphone: "[data-rtc-microphone]", preview: "[data-rtc-preview]",
      previewStart: "[data-rtc-preview-start]", go: "[data-rtc-go-live]", mic: "[data-rtc-mic]",
      cam: "[data-rtc-cam]", share: "[data-rtc-share]", end: "[data-rtc-end]", status: "[data-rtc-studio-status]",
    },
    onLive: function () { announce(boothRoom); },
  });

  if (studioPanel) {
    find("[data-rtc-end]").addEventListener("click", function () {
      studio.stopSharing(true);
      var publication = boothRoom.publications.camera;
      (publication ? publication.close(true) : Promise.resolve()).then(function () {
        if (!meeting) studio.closeCamera();
        studio.showLive(false);
        announce(boothRoom);
      });
    });
  }

  // --- Meetings ------------------------------------------------------------------------------

  var meetingPanel = find("[data-rtc-meeting]");

  function localCard(stream) {
    var card = rtc.template.content.firstElementChild.cloneNode(true);
    var video = card.querySelector("video");
    video.muted = true;
    video.srcObject = stream;
    video.play().catch(function () {});
    card.querySelector("[data-rtc-name]").textContent = text("you");
    card.querySelector("[data-rtc-tier]").hidden = true;
    card.querySelector("[data-rtc-mute]").hidden = true;
    card.setAttribute("data-rtc-local", "");
    return card;
  }

  function enterMeeting(token) {
    if (meeting) return;
    var container = find("[data-rtc-meeting-players]");
    meeting = rtc.room({ meeting: token }, container);
    meetingPanel.hidden = false;
    if (meetBox) meetBox.hidden = true;
    meetingPanel.scrollIntoView({ behavior: "smooth", block: "start" });
    var room = meeting;
    room.open().then(function () {
      return studio.openCamera();
    }).then(function (stream) {
      container.insertBefore(localCard(stream), container.firstChild);
      return rtc.publish(room, "camera", stream);
    }).catch(function (failure) {
      rtc.showError(failure && failure.message ? failure : { message: text("no-devices") });
    });
  }

  function leaveMeeting() {
    if (!meeting) return;
    var room = meeting;
    meeting = null;
    rtc.request("rtc.leave", room.data({})).catch(function () {});
    room.close();
    var container = find("[data-rtc-meeting-players]");
    while (container.firstChild) container.removeChild(container.firstChild);
    meetingPanel.hidden = true;
    if (!boothRoom || !boothRoom.publications.camera) studio.closeCamera();
    if (boothRoom) boothRoom.open().catch(rtc.showError);
  }

  find("[data-rtc-meeting-leave]").addEventListener("click", leaveMeeting);
  find("[data-rtc-meeting-mic]").addEventListener("click", function (event) {
    studio.toggleTrack("audio", event.currentTarget, "mic-on", "mic-off");
  });
  find("[data-rtc-meeting-cam]").addEventListener("click", function (event) {
    studio.toggleTrack("video", event.currentTarget, "camera-on", "camera-off");
  });

  // A visitor asks...
  var asked = null;
  if (meetBox) {
    var status = find("[data-rtc-meet-status]");
    var ask = find("[data-rtc-meet-ask]");
    ask.addEventListener("click", function () {
      ask.disabled = true;
      rtc.request("rtc.meeting.request", { booth: booth }).then(function (reply) {
        asked = reply.request;
        status.textContent = text("waiting");
      }, function (failure) {
        ask.disabled = false;
        rtc.showError(failure);
      });
    });
    live.on("rtc.meeting.started", function (started) {
      if (started.booth !== booth || started.request !== asked) return;
      asked = null;
      ask.disabled = false;
      status.textContent = "";
      enterMeeting(started.meeting);
    });
    live.on("rtc.meeting.declined", function (declined) {
      if (declined.booth !== booth || declined.request !== asked) return;
      asked = null;
      ask.disabled = false;
      status.textContent = text("declined");
    });
  }

  // ...and the booth's staff answer.
  if (mayPublish && studioPanel) {
    var list = find("[data-rtc-requests]");
    var none = find("[data-rtc-no-requests]");
    var showNone = function () { none.hidden = list.children.length > 0; };
    var forget = function (token) {
      var item = list.querySelector('[data-request="' + window.CSS.escape(token) + '"]');
      if (item) list.removeChild(item);
      showNone();
    };
    var answer = function (type, token) {
      rtc.request(type, { booth: booth, request: token }).then(function (reply) {
        forget(token);
        if (reply.meeting) enterMeeting(reply.meeting);
      }, function (failure) {
        forget(token);
        rtc.showError(failure);
      });
    };
    live.on("rtc.meeting.requested", function (requested) {
      if (requested.booth !== booth) return;
      var item = document.createElement("li");
      item.setAttribute("data-request", requested.request);
      var words = document.createElement("span");
      words.textContent = text("wants-to-meet").replace("{name}", requested.name); // text, never markup
      var accept = document.createElement("button");
      accept.type = "button";
      accept.textContent = text("accept");
      accept.addEventListener("click", function () { answer("rtc.meeting.accept", requested.request); });
      var decline = document.createElement("button");
      decline.type = "button";
      decline.className = "secondary";
      decline.textContent = text("decline");
      decline.addEventListener("click", function () { answer("rtc.meeting.decline", requested.request); });
      item.appendChild(words);
      item.appendChild(accept);
      item.appendChild(decline);
      list.appendChild(item);
      showNone();
    });
    live.on("rtc.meeting.taken", function (taken) {
      if (taken.booth === booth) forget(taken.request);
    });
  }
})();
