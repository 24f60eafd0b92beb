// A session's stage on its page (exhibits/public/session.html, [data-stage-live]): the audience's
// player (the speakers as a grid, the one speaking large, or the one the viewer chose), the green room for speakers and
// for attendees a moderator brought on (devices, preview, then "Go on air", mute, camera off,
// screen, leave the stage), raising a hand, and the moderators' list of raised hands.
// Signalling and players are rtc_room.js's; hands are the "stage.*" frames (docs/protocol.md).
// Without JavaScript the page's plain forms raise hands and bring people on stage.
(function () {
  "use strict";

  // live.js may come later in the page than this script (both deferred): then start once every
  // deferred script ran, which is before DOMContentLoaded.
  if (window.rakwonLive) stage();
  else document.addEventListener("DOMContentLoaded", stage);

  function stage() {
    var root = document.querySelector("[data-stage-live]");
    var live = window.rakwonLive;
    if (!root || !live) return;
    var session = parseInt(root.getAttribute("data-stage-live"), 10);
    var statusBadge = root.querySelector("[data-stage-status]");
    var handBox = root.querySelector("[data-stage-hand-box]");
    var handsBox = root.querySelector("[data-stage-hands]");
    var video = root.querySelector("[data-stage-video]");
    var hasRtc = !!(window.RTCPeerConnection && window.rakwonRtc && navigator.mediaDevices);
    var rtc = hasRtc ? window.rakwonRtc.create(root) : null;

    function text(key) {
      return root.getAttribute("data-text-" + key) || "";
    }

    function find(selector) {
      return root.querySelector(selector);
    }

    // --- Starts in…, live, ended: the server said when; the page follows without a reload. -------

    var rendered = Date.now();
    var startsIn = parseFloat(root.getAttribute("data-stage-starts-in")) * 1000;
    var endsIn = parseFloat(root.getAttribute("data-stage-ends-in")) * 1000;
    var onAir = false;

    function showStatus() {
      var elapsed = Date.now() - rendered;
      var status = elapsed < startsIn ? "upcoming" : elapsed < endsIn ? "live" : "ended";
      if (onAir) status = "live";
      statusBadge.setAttribute("data-status", status);
      if (status === "upcoming") {
        var minutes = Math.max(1, Math.round((startsIn - elapsed) / 60000));
        statusBadge.textContent = minutes >= 120
          ? text("starts-in-hours").replace("{n}", Math.round(minutes / 60))
          : text("starts-in-minutes").replace("{n}", minutes);
      } else {
        statusBadge.textContent = text(status);
      }
    }
    showStatus();
    setInterval(showStatus, 30000);

    // --- The audience's player: grid, or the active speaker large ------------------------------

    var players = find("[data-rtc-players]");
    var layout = find("[data-stage-layout]");
    var chosen = null; // the publisher id a viewer chose to see large ("chosen" layout)
    var speaking = null; // the publisher id heard loudest lately ("speaking" layout)

    function applyLayout() {
      if (!players) return;
      var mode = layout ? layout.value : "grid";
      players.setAttribute("data-layout", mode === "grid" ? "grid" : "speaker");
      var cards = Array.prototype.slice.call(players.children);
      var wanted = mode === "chosen" ? chosen : speaking;
      var large = cards.filter(function (card) { return card.getAttribute("data-publisher") === wanted; })[0];
      cards.forEach(function (card) {
        var isLarge = mode !== "grid" && card === (large || cards[0]);
        card.classList.toggle("stage-active", isLarge);
        card.classList.toggle("stage-speaking", card.getAttribute("data-publisher") === speaking);
      });
    }
    if (layout) layout.addEventListener("change", applyLayout);
    if (players) {
      players.addEventListener("click", function (event) {
        var card = event.target.closest(".rtc-player");
        if (!card || event.target.closest("button")) return;
        chosen = card.getAttribute("data-publisher");
        if (layout) layout.value = "chosen"; // the page says it: the viewer's choice, not the voice
        applyLayout();
      });
    }

    // Who is speaking, from the browser's own measure of each speaker's received sound (getStats'
    // audioLevel, or an analyser on the received track where the browser reports none): nothing
    // is sent or decoded on the server for it. Each level is held and decays slowly (speech
    // has pauses), and a new voice takes the large place only after it has been the loudest for
    // about a second and clearly louder than the one shown, so a cough does not flap it.
    var SPEAKING_LEVEL = 0.05; // a peak of about -26 dBov: above room noise, below speech
    var MEASURE_MS = 300;
    var loudness = {};
    var leader = { id: null, since: 0 };

    var listening = null; // one AudioContext for every speaker's meter, made when first needed

    // The loudness of what the page heard from a player lately (the peak of the last third of a
    // second, 0..1), from an analyser on its received sound; the player's own <video> plays it,
    // the analyser only listens. Its window spans the time between two measures, so no syllable
    // falls between them.
    function heard(player) {
      var stream = player.video && player.video.srcObject;
      var track = stream && stream.getAudioTracks()[0];
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!track || !Context) return 0;
      if (!listening) listening = new Context();
      if (listening.state === "suspended") listening.resume().catch(function () {});
      if (!player.voiceMeter || player.voiceMeter.track !== track) {
        var analyser = listening.createAnalyser();
        analyser.fftSize = 16384; // about 0.34 s at 48 kHz, longer than MEASURE_MS
        listening.createMediaStreamSource(new MediaStream([track])).connect(analyser);
        player.voiceMeter = { track: track, analyser: analyser, samples: new Float32Array(analyser.fftSize) };
      }
      var meter = player.voiceMeter;
      meter.analyser.getFloatTimeDomainData(meter.samples);
      var peak = 0;
      for (var i = 0; i < meter.samples.length; i++) peak = Math.max(peak, Math.abs(meter.samples[i]));
      return peak;
    }

    function measureVoices() {
      if (!room || !players || document.hidden) return;
      var ids = Object.keys(room.players);
      Promise.all(ids.map(function (id) {
        var player = room.players[id];
        var now = 0;
        try { now = heard(player); } catch (error) { now = 0; }
        if (!player.pc || !player.pc.getStats) return Promise.resolve([id, now]);
        return player.pc.getStats().then(function (report) {
          var level = now;
          report.forEach(function (stat) {
            if (stat.type === "inbound-rtp" && stat.kind === "audio" && stat.audioLevel > level) level = stat.audioLevel;
          });
          return [id, level];
        }, function () { return [id, now]; });
      })).then(function (levels) {
        var loudest = null;
        levels.forEach(function (pair) {
          var held = Math.max(pair[1], (loudness[pair[0]] || 0) * 0.85);
          loudness[pair[0]] = held;
          if (held >= SPEAKING_LEVEL && (loudest === null || held > loudness[loudest])) loudest = pair[0];
        });
        var now = Date.now();
        if (loudest && loudest !== leader.id) leader = { id: loudest, since: now };
        var shown = speaking && room.players[speaking] ? loudness[speaking] || 0 : 0;
        if (leader.id && leader.id !== speaking && room.players[leader.id] && now - leader.since >= 900 &&
            loudness[leader.id] > shown * 1.5) {
          speaking = leader.id;
          applyLayout();
        }
      });
    }
    setInterval(measureVoices, MEASURE_MS);

    var room = null;
    var mayPublish = root.getAttribute("data-stage-may-speak") === "1";

    // Tells the page how the stage's room stands (exhibits/static/exhibits/live_with_slides.js
    // shows the speakers beside the presented page, and speakers how many watch them).
    function announce(state, theRoom) {
      var publications = theRoom.publications || {};
      root.dispatchEvent(new CustomEvent("rakwon:rtc-state", { bubbles: true, detail: {
        session: session,
        players: Object.keys(theRoom.players).length,
        publishing: Boolean(publications.camera || publications.screen),
        viewers: state.viewers || 0,
      } }));
    }

    function onState(state, theRoom) {
      onAir = state.publishers.length > 0;
      announce(state, theRoom);
      find("[data-stage-idle]").hidden = onAir;
      Object.keys(theRoom.players).forEach(function (id) {
        theRoom.players[id].card.setAttribute("data-publisher", id);
      });
      find("[data-rtc-quality]").hidden = Object.keys(theRoom.players).length === 0;
      if (state.may_publish !== undefined) setMayPublish(state.may_publish);
      showStatus();
      applyLayout();
    }

    // --- The green room -----------------------------------------------------------------------------

    var greenRoom = find("[data-stage-green-room]");
    var studio = greenRoom && rtc && window.rakwonStudio ? window.rakwonStudio.create({
      find: find,
      text: text,
      rtc: rtc,
      room: function () { return room; },
      selectors: {
        camera: "[data-stage-camera]", microphone: "[data-stage-microphone]", preview: "[data-stage-preview]",
        previewStart: "[data-stage-preview-start]", go: "[data-stage-go]", mic: "[data-stage-mic]",
        cam: "[data-stage-cam]", share: "[data-stage-share]", end: "[data-stage-leave]",
        status: "[data-stage-green-status]",
      },
      onShown: function (isOn) { greenRoom.setAttribute("data-on-air", isOn ? "1" : "0"); },
    }) : null;

    function say(message) {
      find("[data-stage-green-status]").textContent = message || "";
    }

    function setMayPublish(may) {
      mayPublish = may;
      if (greenRoom) greenRoom.hidden = !may || !rtc;
      if (!may && room) stopPublishing(false);
    }

    // tellServer false: the server already ended our streams (taken off the stage).
    function stopPublishing(tellServer) {
      if (!studio || !room) return;
      studio.stopSharing(tellServer);
      var publication = room.publications.camera;
      if (publication) publication.close(tellServer);
      studio.closeCamera();
      studio.showLive(false);
    }

    if (studio) {
      find("[data-stage-leave]").addEventListener("click", function () {
        stopPublishing(true);
      });
    }

    // --- Raised hands ---------------------------------------------------------------------------

    var hand = "none";

    function showHand(state) {
      hand = state;
      if (!handBox) return;
      var raise = handBox.querySelector("[data-stage-hand-raise]");
      var lower = handBox.querySelector("[data-stage-hand-lower]");
      if (raise) raise.hidden = state !== "none";
      if (lower) lower.hidden = state !== "raised";
      handBox.querySelector("[data-stage-hand-state]").textContent =
        state === "raised" ? text("hand-raised") : state === "on_stage" ? text("hand-on-stage") : "";
    }

    if (handBox) {
      handBox.addEventListener("submit", function (event) {
        event.preventDefault(); // the socket does what the form would
        var raised = event.target.querySelector('[name="raised"]').value === "1";
        live.request("stage.hand", { session: session, raised: raised }).then(function (reply) {
          showHand(reply.hand);
        }, function (failure) {
          handBox.querySelector("[data-stage-hand-state]").textContent = (failure && failure.message) || text("offline");
        });
      });
    }

    function handButton(label, type, id) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = type === "stage.take_off" ? "danger" : "";
      button.textContent = label;
      button.addEventListener("click", function () {
        button.disabled = true;
        live.request(type, { session: session, hand: id }).catch(function (failure) {
          button.disabled = false;
          find("[data-stage-hands-error]").textContent = (failure && failure.message) || text("offline");
        });
      });
      return button;
    }

    function showHands(hands) {
      if (!handsBox) return;
      var list = handsBox.querySelector("[data-stage-hands-list]");
      while (list.firstChild) list.removeChild(list.firstChild);
      hands.forEach(function (raised) {
        var item = document.createElement("li");
        item.setAttribute("data-hand", raised.id);
        var name = document.createElement("span");
        name.textContent = raised.name + (raised.on_stage ? " · " + text("hand-on-stage-short") : ""); // text, never markup
        item.appendChild(name);
        item.appendChild(raised.on_stage
          ? handButton(text("take-off"), "stage.take_off", raised.id)
          : handButton(text("bring-on"), "stage.bring_on", raised.id));
        list.appendChild(item);
      });
      handsBox.querySelector("[data-stage-no-hands]").hidden = hands.length > 0;
    }

    function showRaised(count) {
      var counter = find("[data-stage-raised]");
      if (counter) counter.textContent = text("raised-count").replace("{n}", count);
    }

    live.on("stage.hands", function (pushed) {
      if (pushed.session === session) showHands(pushed.hands);
    });
    live.on("stage.raised", function (pushed) {
      if (pushed.session === session) showRaised(pushed.raised);
    });
    live.on("stage.you", function (pushed) {
      if (pushed.session !== session) return;
      showHand(pushed.hand);
      setMayPublish(pushed.on_stage);
      if (pushed.on_stage && greenRoom) {
        say(text("brought-on"));
        greenRoom.scrollIntoView({ behavior: "smooth", block: "start" });
      }
    });

    // --- Starting -------------------------------------------------------------------------------

    function join() {
      return live.request("stage.join", { session: session }).then(function (state) {
        showHand(state.hand);
        showRaised(state.raised);
        if (state.hands) showHands(state.hands);
        setMayPublish(state.on_stage);
        root.setAttribute("data-stage-joined", "1");
      });
    }

    var started = false;
    function start() {
      if (started) return;
      started = true;
      var media = Promise.resolve();
      if (rtc) {
        video.hidden = false;
        room = rtc.room({ stage: session }, players, { onState: onState });
        media = rtc.configure().then(function () { return room.open(); });
      }
      Promise.all([join(), media]).catch(function (failure) {
        if (failure && failure.code === "client.offline") {
          started = false; // "open" starts us again
          if (room) room.close();
          return;
        }
        if (rtc) rtc.showError(failure);
      });
    }
    live.on("open", start);
    live.on("resume", function () { join().catch(function () {}); });
    start();
  }
})();
