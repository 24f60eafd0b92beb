// A conference in the browser (docs/protocol-rtc.md, "Conferences"): this site publishes its camera
// and microphone (rtc.publish), takes a seat (rtc.conference.seat: one connection with a fixed set
// of tracks the server switches to the active speakers), sends a still thumbnail every few seconds
// (rtc.conference.thumbnail), shows the other sites' thumbnails with their speaking and muted state,
// and gives the chair their buttons (rtc.conference.chair). Signalling rides window.rakwonLive.
(function () {
  "use strict";

  var GATHER_TIMEOUT_MS = 2000;
  var root = document.querySelector("[data-conference]");
  var live = window.rakwonLive;
  if (!root || !live || !window.RTCPeerConnection) return;

  var conference = Number(root.getAttribute("data-conference"));
  var isChair = root.getAttribute("data-chair") === "1";
  var videoSlots = Number(root.getAttribute("data-video-slots")) || 4;
  var audioSlots = Number(root.getAttribute("data-audio-slots")) || 3;
  var thumbnailMs = (Number(root.getAttribute("data-thumbnail-seconds")) || 10) * 1000;
  var thumbnailBytes = Number(root.getAttribute("data-thumbnail-bytes")) || 8000;
  var thumbnailUrl = root.getAttribute("data-thumbnail-url");
  var grid = root.querySelector("[data-conference-grid]");
  var siteList = root.querySelector("[data-conference-sites]");
  var errorBox = root.querySelector("[data-conference-error]");
  var mutedBox = root.querySelector("[data-conference-muted]");
  var stateBox = root.querySelector("[data-conference-state]");
  var slotTemplate = root.querySelector("[data-conference-slot-template]");
  var siteTemplate = root.querySelector("[data-conference-site-template]");

  var tab = tabId();
  var iceServers = [];
  var names = {}; // site id -> name (rtc.room / rtc.room.changed)
  var speakers = { video: [], reserve: [], audio: [], speaking: [], muted: [], pinned: null, floor: null };
  // The newest versions seen of the room and of its speakers: a push and a reply can cross on the
  // way, and the older of the two must not undo the newer (docs/protocol-rtc.md, "version").
  var roomVersion = 0, speakersVersion = 0;
  function takeSpeakers(told) {
    if (!told || (told.version || 0) < speakersVersion) return false;
    speakersVersion = told.version || speakersVersion;
    speakers = told;
    return true;
  }
  var siteCards = {}; // site → its card in the list of other sites
  var versions = {}; // site id -> thumbnail version
  var mySite = null;
  var stream = null;
  var publishing = null;
  var seat = null;
  var slots = [];
  var audios = [];
  var timer = null;
  var joinedAs = null; // "camera" or "audio" once joined: a reconnected socket joins again
  var recovering = false; // publishing and taking the seat again after a connection failed
  var rejoinAgain = false;

  function text(key) { return root.getAttribute("data-text-" + key) || ""; }
  function showError(failure) {
    var message = failure && failure.message;
    if (!message && failure && failure.code === "client.offline") message = text("offline");
    errorBox.textContent = message || "";
  }
  function request(type, data) {
    data.tab = tab;
    data.conference = conference;
    return live.request(type, data);
  }
  function tabId() {
    try {
      var id = window.sessionStorage.getItem("rakwon.rtc.tab");
      if (!id) {
        var bytes = new Uint8Array(6);
        window.crypto.getRandomValues(bytes);
        id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
        window.sessionStorage.setItem("rakwon.rtc.tab", id);
      }
      return id;
    } catch (error) {
      return "t" + Math.random().toString(36).slice(2, 12);
    }
  }
  function gatheredOffer(pc) {
    return pc.createOffer().then(function (offer) { return pc.setLocalDescription(offer); }).then(function () {
      return new Promise(function (resolve) {
        if (pc.iceGatheringState === "complete") return resolve();
        var wait = setTimeout(resolve, GATHER_TIMEOUT_MS);
        pc.addEventListener("icegatheringstatechange", function () {
          if (pc.iceGatheringState === "complete") { clearTimeout(wait); resolve(); }
        });
      });
    }).then(function () { return pc.localDescription.sdp; });
  }
  // Offer only what the server forwards (VP8, Opus): seven sections with every codec Chromium
  // knows would not fit in one socket frame (SOCKET_MAX_FRAME_BYTES).
  var FORWARDED = { video: ["video/vp8", "video/rtx"], audio: ["audio/opus"] };
  function onlyForwarded(transceiver, kind) {
    if (!transceiver.setCodecPreferences || !window.RTCRtpReceiver || !RTCRtpReceiver.getCapabilities) return;
    var codecs = RTCRtpReceiver.getCapabilities(kind).codecs.filter(function (codec) {
      return FORWARDED[kind].indexOf(codec.mimeType.toLowerCase()) !== -1;
    });
    try { transceiver.setCodecPreferences(codecs); } catch (error) { /* the whole offer, then */ }
  }
  function has(list, site) { return (list || []).indexOf(site) !== -1; }

  // --- What each of my tracks carries (the server's rule, docs/protocol-rtc.md) -------------------

  function mySlots() {
    var reserve = (speakers.reserve || []).filter(function (s) { return s !== mySite; });
    return (speakers.video || []).map(function (site) { return site === mySite ? (reserve[0] || null) : site; });
  }

  function render() {
    var shown = mySlots();
    slots.forEach(function (slot, index) {
      var site = shown[index] || null;
      slot.card.hidden = !site;
      label(slot.card, site);
      if (site) chairButtons(slot.card, site);
    });
    var inGrid = shown.filter(Boolean);
    var sites = Object.keys(names).filter(function (site) { return inGrid.indexOf(site) === -1 && site !== mySite; });
    showSites(sites);
    var muted = mySite && has(speakers.muted, mySite);
    mutedBox.hidden = !muted;
    mutedBox.textContent = muted ? text("you-muted") : "";
    // Which site this page publishes as, and who is muted: what a support engineer (or a test
    // that failed) reads off the page; both are known to everyone in the room already.
    root.dataset.site = mySite || "";
    root.dataset.video = (speakers.video || []).join(" ");
    root.dataset.muted = (speakers.muted || []).join(" ");
  }

  function label(card, site) {
    card.dataset.site = site || "";
    card.querySelector("[data-name]").textContent = site ? (site === mySite ? text("you") : names[site] || text("site")) : "";
    card.classList.toggle("is-speaking", !!site && has(speakers.speaking, site));
    var badge = card.querySelector("[data-badge]");
    var word = !site ? "" : has(speakers.muted, site) ? text("muted") : speakers.floor === site ? text("floor") :
      speakers.pinned === site ? text("pinned") : has(speakers.speaking, site) ? text("speaking") : "";
    badge.hidden = !word;
    badge.textContent = word;
  }

  // The other sites' cards are kept and updated in place, never made anew on each change: the
  // speakers and thumbnails change every second or so, and a button replaced between a press and
  // its release gets no click (the chair's Mute was lost that way).
  function showSites(sites) {
    Object.keys(siteCards).forEach(function (site) {
      if (sites.indexOf(site) === -1) {
        siteCards[site].remove();
        delete siteCards[site];
      }
    });
    sites.forEach(function (site, index) {
      var card = siteCards[site] || (siteCards[site] = siteTemplate.content.firstElementChild.cloneNode(true));
      fillSiteCard(card, site);
      if (siteList.children[index] !== card) siteList.insertBefore(card, siteList.children[index] || null);
    });
  }

  function fillSiteCard(item, site) {
    label(item, site);
    var image = item.querySelector("img");
    if (versions[site]) {
      var src = thumbnailUrl.replace("SITE", encodeURIComponent(site)) + "?v=" + versions[site];
      if (image.getAttribute("src") !== src) image.src = src;
      image.alt = names[site] || "";
      image.hidden = false;
    } else {
      image.hidden = true;
    }
    chairButtons(item, site);
  }

  // The chair's buttons on a site's card (in the grid or among the thumbnails); a grid card is
  // reused as the speakers change, so each button says what it does now.
  function chairButtons(card, site) {
    if (!isChair) return;
    var buttons = card.querySelector("[data-chair-buttons]");
    buttons.hidden = false;
    chairButton(buttons, "mute", site, has(speakers.muted, site) ? ["unmute", text("unmute")] : ["mute", text("mute")]);
    chairButton(buttons, "floor", site, speakers.floor === site ? ["end_floor", text("end-floor")] : ["floor", text("give-floor")]);
    chairButton(buttons, "pin", site, speakers.pinned === site ? ["unpin", text("unpin")] : ["pin", text("pin")]);
  }

  function chairButton(buttons, slot, site, choice) {
    var button = buttons.querySelector('[data-action="' + slot + '"]');
    button.textContent = choice[1];
    button.onclick = function () {
      request("rtc.conference.chair", { action: choice[0], site: site }).then(function (reply) {
        takeSpeakers(reply.speakers);
        render();
      }, showError);
    };
  }

  function buildGrid() {
    grid.textContent = "";
    slots = [];
    for (var i = 0; i < videoSlots; i++) {
      var card = slotTemplate.content.firstElementChild.cloneNode(true);
      card.hidden = true;
      grid.appendChild(card);
      slots.push({ card: card, video: card.querySelector("video") });
    }
  }

  // --- Publishing, the seat and the thumbnail -----------------------------------------------------

  function publish() {
    var pc = new RTCPeerConnection({ iceServers: iceServers, bundlePolicy: "max-bundle" });
    watchConnection(pc, function () { return publishing; });
    stream.getTracks().forEach(function (track) { pc.addTransceiver(track, { direction: "sendonly", streams: [stream] }); });
    return gatheredOffer(pc).then(function (offer) {
      return request("rtc.publish", { label: "camera", offer: offer });
    }).then(function (reply) {
      mySite = reply.publisher;
      publishing = pc;
      return pc.setRemoteDescription({ type: "answer", sdp: reply.answer });
    });
  }

  function takeSeat(audioOnly) {
    var pc = new RTCPeerConnection({ iceServers: iceServers, bundlePolicy: "max-bundle" });
    watchConnection(pc, function () { return seat; });
    var videos = audioOnly ? 0 : videoSlots;
    for (var v = 0; v < videos; v++) onlyForwarded(pc.addTransceiver("video", { direction: "recvonly" }), "video");
    for (var a = 0; a < audioSlots; a++) onlyForwarded(pc.addTransceiver("audio", { direction: "recvonly" }), "audio");
    pc.addEventListener("track", function (event) {
      var transceivers = pc.getTransceivers();
      var index = transceivers.indexOf(event.transceiver);
      var media = new MediaStream([event.track]);
      if (event.track.kind === "video" && slots[index]) {
        slots[index].video.srcObject = media;
        slots[index].video.play().catch(function () {});
      } else if (event.track.kind === "audio") {
        var audio = new Audio();
        audio.autoplay = true;
        audio.srcObject = media;
        audio.play().catch(function () {});
        audios.push(audio);
      }
    });
    return gatheredOffer(pc).then(function (offer) {
      return request("rtc.conference.seat", { offer: offer, audio_only: audioOnly });
    }).then(function (reply) {
      seat = pc;
      mySite = mySite || reply.site;
      takeSpeakers(reply.speakers);
      versions = reply.thumbnails || {};
      render();
      return pc.setRemoteDescription({ type: "answer", sdp: reply.answer });
    });
  }

  function sendThumbnail() {
    var video = document.createElement("video");
    if (!stream || !stream.getVideoTracks().length) return;
    video.muted = true;
    video.srcObject = stream;
    video.play().then(function () {
      var canvas = document.createElement("canvas");
      canvas.width = 160;
      canvas.height = 90;
      canvas.getContext("2d").drawImage(video, 0, 0, 160, 90);
      var quality = 0.7;
      var data = canvas.toDataURL("image/jpeg", quality);
      while (data.length * 3 / 4 > thumbnailBytes && quality > 0.2) {
        quality -= 0.15;
        data = canvas.toDataURL("image/jpeg", quality);
      }
      video.srcObject = null;
      return request("rtc.conference.thumbnail", { jpeg: data.slice(data.indexOf(",") + 1) });
    }).catch(function () {});
  }

  function join(audioOnly) {
    showError(null);
    stateBox.textContent = text("connecting");
    var wanted = audioOnly ? { audio: true } : { audio: true, video: { width: 320, height: 180, frameRate: 15 } };
    navigator.mediaDevices.getUserMedia(wanted).catch(function (error) {
      stateBox.textContent = "";
      showError({ message: text("no-devices") });
      throw error;
    }).then(function (media) {
      stream = media;
      return publish();
    }).then(function () {
      return takeSeat(audioOnly);
    }).then(function () {
      joinedAs = audioOnly ? "audio" : "camera";
      stateBox.textContent = "";
      root.querySelector("[data-conference-join]").hidden = true;
      root.querySelector("[data-conference-controls]").hidden = false;
      if (!audioOnly) {
        sendThumbnail();
        timer = setInterval(sendThumbnail, thumbnailMs);
      }
    }, function (failure) {
      stateBox.textContent = "";
      if (failure && failure.code) showError(failure);
    });
  }

  // The socket dropped and came back (the server left this tab's site and seat when it closed),
  // or one of this site's connections failed: publish the same camera and take the seat again on
  // new connections (a seat taken again replaces the old one on the server).
  function rejoin() {
    if (recovering) {
      rejoinAgain = true; // once the one under way ends (the socket it used may have gone)
      return Promise.resolve();
    }
    recovering = true;
    [publishing, seat].forEach(function (pc) { if (pc) pc.close(); });
    publishing = seat = null;
    audios.forEach(function (audio) { audio.srcObject = null; });
    audios = [];
    stateBox.textContent = text("connecting");
    return publish().then(function () { return takeSeat(joinedAs === "audio"); }).then(function () {
      stateBox.textContent = "";
    }, function (failure) {
      stateBox.textContent = "";
      showError(failure);
    }).then(function () {
      recovering = false;
      if (rejoinAgain && joinedAs && stream) {
        rejoinAgain = false;
        return rejoin();
      }
      rejoinAgain = false;
    });
  }

  // A connection that fails (a bad link, or the server stopped hearing it and dropped this site)
  // is made again; `current` says whether it is still the one in use.
  function watchConnection(pc, current) {
    pc.addEventListener("connectionstatechange", function () {
      if (pc.connectionState === "failed" && current() === pc && joinedAs && stream) rejoin();
    });
  }

  // The room no longer lists this site although it publishes: the server dropped the camera's
  // connection (it may see it fail before the browser does). Asked again first, since in the
  // scaled set-up a change sent before this site published can arrive after its reply.
  function checkStillPublished() {
    if (!joinedAs || !stream || !publishing || recovering || !mySite || names[mySite] !== undefined) return;
    request("rtc.room", {}).then(function (state) {
      var listed = (state.publishers || []).some(function (publisher) { return publisher.id === mySite; });
      if (!listed && joinedAs && publishing) rejoin();
    }, function () {});
  }

  function leave() {
    joinedAs = null;
    clearInterval(timer);
    request("rtc.leave", {}).catch(function () {});
    [publishing, seat].forEach(function (pc) { if (pc) pc.close(); });
    publishing = seat = null;
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    audios.forEach(function (audio) { audio.srcObject = null; });
    audios = [];
    root.querySelector("[data-conference-join]").hidden = false;
    root.querySelector("[data-conference-controls]").hidden = true;
    buildGrid();
  }

  // --- Wiring ---------------------------------------------------------------------------------

  function describeRoom(state) {
    if ((state.version || 0) < roomVersion) return;
    roomVersion = state.version || roomVersion;
    names = {};
    (state.publishers || []).forEach(function (publisher) { names[publisher.id] = publisher.name; });
    render();
    checkStillPublished();
  }

  // The room is read when the socket opens; if the media side is away for a moment (a busy or
  // restarting media worker: rtc.unavailable), the page says so and asks again by itself.
  var roomRetry = null;
  function loadRoom() {
    clearTimeout(roomRetry);
    request("rtc.config", {}).then(function (reply) {
      iceServers = reply.ice_servers || [];
      return request("rtc.room", {});
    }).then(function (state) {
      showError(null);
      root.hidden = false;
      // Who is seen and heard now, before the next change is pushed: a chair who opens the page
      // finds each site where it stays, not in the list for a moment and then in the grid.
      takeSpeakers(state.speakers);
      describeRoom(state);
      if (joinedAs && stream) rejoin();
    }, function (failure) {
      showError(failure);
      if (failure && (failure.code === "rtc.unavailable" || failure.code === "server.busy")) {
        roomRetry = setTimeout(loadRoom, 3000);
      }
    });
  }
  live.on("open", loadRoom);
  live.on("rtc.room.changed", function (state) { if (state.conference === conference) describeRoom(state); });
  // The media worker that held the room is gone: another takes it, with versions of its own.
  live.on("rtc.worker_lost", function (lost) {
    if (lost.conference !== conference) return;
    roomVersion = speakersVersion = 0;
    loadRoom();
  });
  live.on("rtc.conference.speakers", function (data) {
    if (data.conference !== conference) return;
    if (takeSpeakers(data)) render();
  });
  live.on("rtc.conference.thumbnails", function (data) {
    if (data.conference !== conference) return;
    Object.keys(data.thumbnails || {}).forEach(function (site) { versions[site] = data.thumbnails[site]; });
    render();
  });

  buildGrid();
  root.querySelector("[data-conference-join-camera]").addEventListener("click", function () { join(false); });
  root.querySelector("[data-conference-join-audio]").addEventListener("click", function () { join(true); });
  root.querySelector("[data-conference-leave]").addEventListener("click", leave);
  var mic = root.querySelector("[data-conference-mic]");
  mic.addEventListener("click", function () {
    if (!stream) return;
    var on = !stream.getAudioTracks().every(function (track) { return track.enabled; });
    stream.getAudioTracks().forEach(function (track) { track.enabled = on; });
    mic.textContent = on ? mic.getAttribute("data-text-off") || mic.textContent : mic.getAttribute("data-text-on") || mic.textContent;
  });
})();
