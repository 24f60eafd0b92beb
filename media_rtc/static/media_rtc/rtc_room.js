// Live video rooms in the browser: signalling over the live socket (window.rakwonLive), one
// RTCPeerConnection per publisher watched (recvonly) and one per stream published (sendonly).
// Offers are not trickled: we wait for ICE gathering (at most GATHER_TIMEOUT_MS), send the whole
// offer and apply the whole answer from the ok reply. Used by live_video.js:
//   var rtc = rakwonRtc.create(root);            root carries data-text-* strings
//   var room = rtc.room({booth: 12}, container, {onState: fn});  room.open(); room.close();
//   rtc.publish(room, "camera", stream)  -> Promise of a Publication {close(), pc}
(function () {
  "use strict";

  var GATHER_TIMEOUT_MS = 2000;
  var RETRY_MS = 3000;
  var STANDARD_VIDEO_BPS = 800000; // the standard tier's promise (media_rtc/tiers.py)

  function newTabId() {
    var bytes = new Uint8Array(6);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // One id per tab, kept across socket reconnects and reloads, so a re-sent offer replaces its
  // old peer on the server instead of leaving a ghost that fills the room.
  function tabId() {
    try {
      var id = window.sessionStorage.getItem("rakwon.rtc.tab");
      if (!id) {
        id = newTabId();
        window.sessionStorage.setItem("rakwon.rtc.tab", id);
      }
      return id;
    } catch (error) {
      return newTabId();
    }
  }

  function gatheredOffer(pc) {
    return pc.createOffer().then(function (offer) {
      return pc.setLocalDescription(offer);
    }).then(function () {
      return new Promise(function (resolve) {
        if (pc.iceGatheringState === "complete") {
          resolve();
          return;
        }
        var timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
        pc.addEventListener("icegatheringstatechange", function () {
          if (pc.iceGatheringState === "complete") {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    }).then(function () {
      return pc.localDescription.sdp;
    });
  }

  function capVideoBitrate(pc) {
    pc.getSenders().forEach(function (sender) {
      if (!sender.track || sender.track.kind !== "video" || !sender.getParameters) return;
      var parameters = sender.getParameters();
      if (!parameters.encodings || !parameters.encodings.length) parameters.encodings = [{}];
      parameters.encodings[0].maxBitrate = STANDARD_VIDEO_BPS;
      sender.setParameters(parameters).catch(function () {});
    });
  }

  function create(root) {
    var live = window.rakwonLive;
    var tab = tabId();
    var config = { iceServers: [] };
    var rooms = [];
    var errorBox = root.querySelector("[data-rtc-error]");
    var template = root.querySelector("[data-rtc-player-template]");
    var quality = root.querySelector("[data-rtc-quality-choice]");

    function text(key) {
      return root.getAttribute("data-text-" + key) || "";
    }

    function showError(failure) {
      if (!errorBox) return;
      var message = failure && failure.message;
      if (!message && failure && failure.code === "client.offline") message = text("offline");
      errorBox.textContent = message || "";
    }

    function request(type, data) {
      data.tab = tab;
      return live.request(type, data);
    }

    function isOwn(publisherId) {
      var member = publisherId.split(":")[0];
      return member.slice(-(tab.length + 1)) === "-" + tab;
    }

    function configure() {
      return request("rtc.config", {}).then(function (reply) {
        config = { iceServers: reply.ice_servers || [] };
      });
    }

    // --- A player: watching one publisher -----------------------------------------------------

    function Player(room, publisher) {
      this.room = room;
      this.id = publisher.id;
      this.closed = false;
      this.card = template.content.firstElementChild.cloneNode(true);
      this.video = this.card.querySelector("video");
      this.badge = this.card.querySelector("[data-rtc-tier]");
      this.state = this.card.querySelector("[data-rtc-state]");
      this.muteButton = this.card.querySelector("[data-rtc-mute]");
      var choice = quality ? quality.value : "auto";
      this.auto = choice === "auto";
      this.tier = this.auto ? window.rakwonTierPicker.initial() : choice;
      this.describe(publisher);
      this.wire();
      room.container.appendChild(this.card);
      this.connect();
    }

    Player.prototype.describe = function (publisher) {
      var name = publisher.test_pattern ? text("test-pattern") : publisher.name || text("staff");
      if (publisher.label === "screen") name += " · " + text("screen");
      this.card.querySelector("[data-rtc-name]").textContent = name; // text, never markup
      this.showTier();
    };

    Player.prototype.wire = function () {
      var self = this;
      this.muteButton.addEventListener("click", function () {
        self.video.muted = !self.video.muted;
        self.showMute();
        self.video.play().catch(function () {});
      });
      this.card.querySelector("[data-rtc-fullscreen]").addEventListener("click", function () {
        if (self.card.requestFullscreen) self.card.requestFullscreen().catch(function () {});
        else if (self.video.webkitEnterFullscreen) self.video.webkitEnterFullscreen(); // iPhone
      });
    };

    Player.prototype.showMute = function () {
      this.muteButton.textContent = this.video.muted ? text("unmute") : text("mute");
      this.muteButton.setAttribute("aria-pressed", this.video.muted ? "true" : "false");
    };

    Player.prototype.showTier = function () {
      this.badge.textContent = text(this.tier) + (this.auto ? " · " + text("auto") : "");
      this.badge.setAttribute("data-tier", this.tier);
      this.card.setAttribute("data-tier", this.tier);
    };

    Player.prototype.play = function () {
      var self = this;
      // Browsers refuse sound that starts on its own: start muted, the visitor unmutes.
      this.video.play().catch(function () {
        self.video.muted = true;
        self.video.play().catch(function () {});
      }).then(function () { self.showMute(); });
    };

    Player.prototype.connect = function () {
      var self = this;
      if (this.closed) return;
      if (this.pc) this.pc.close();
      if (this.picker) this.picker.stop();
      var pc = (this.pc = new RTCPeerConnection(config));
      var stream = new MediaStream();
      pc.addTransceiver("audio", { direction: "recvonly" });
      pc.addTransceiver("video", { direction: "recvonly" });
      pc.ontrack = function (event) {
        stream.addTrack(event.track);
        self.video.srcObject = stream;
        self.play();
      };
      pc.onconnectionstatechange = function () {
        if (pc !== self.pc) return;
        if (pc.connectionState === "connected") self.state.textContent = "";
        if (pc.connectionState === "failed" || pc.connectionState === "closed") self.retry();
      };
      this.state.textContent = text("connecting");
      gatheredOffer(pc).then(function (offer) {
        return request("rtc.watch", self.room.data({ publisher: self.id, offer: offer, tier: self.tier }));
      }).then(function (reply) {
        if (pc !== self.pc) return undefined;
        return pc.setRemoteDescription({ type: "answer", sdp: reply.answer }).then(function () {
          self.picker = window.rakwonTierPicker.create(pc, self.tier, function (tier) {
            if (self.auto) self.setTier(tier);
          });
        });
      }).catch(function (failure) {
        showError(failure);
        if (failure && failure.code === "client.offline") self.retry();
      });
    };

    Player.prototype.retry = function () {
      var self = this;
      if (this.closed || this.retrying) return;
      this.retrying = true;
      this.state.textContent = text("reconnecting");
      setTimeout(function () {
        self.retrying = false;
        self.connect();
      }, RETRY_MS);
    };

    Player.prototype.setTier = function (tier) {
      var self = this;
      return request("rtc.tier", this.room.data({ publisher: this.id, tier: tier })).then(function () {
        self.tier = tier;
        if (self.picker) self.picker.set(tier);
        self.showTier();
      }, showError);
    };

    Player.prototype.choose = function (choice) {
      this.auto = choice === "auto";
      if (!this.auto) this.setTier(choice);
      else this.showTier();
    };

    Player.prototype.close = function () {
      this.closed = true;
      if (this.picker) this.picker.stop();
      if (this.pc) this.pc.close();
      if (this.card.parentNode) this.card.parentNode.removeChild(this.card);
    };

    // --- A room: its players follow the publishers the server lists -------------------------

    function Room(ref, container, options) {
      this.ref = ref;
      this.name = ref.booth !== undefined ? "booth." + ref.booth
        : ref.stage !== undefined ? "stage." + ref.stage : "meeting." + ref.meeting;
      this.container = container;
      this.options = options || {};
      this.players = {};
      this.publications = {};
      rooms.push(this);
    }

    Room.prototype.data = function (extra) {
      var data = {};
      Object.keys(this.ref).forEach(function (key) { data[key] = this.ref[key]; }, this);
      Object.keys(extra || {}).forEach(function (key) { data[key] = extra[key]; });
      return data;
    };

    Room.prototype.open = function () {
      var self = this;
      return request("rtc.room", this.data({})).then(function (state) {
        self.sync(state);
        return state;
      });
    };

    Room.prototype.sync = function (state) {
      // A push and a reply can cross on the way: the older of the two must not undo the newer.
      if ((state.version || 0) < (this.version || 0)) return;
      this.version = state.version || this.version;
      var wanted = {};
      state.publishers.forEach(function (publisher) {
        if (!isOwn(publisher.id)) wanted[publisher.id] = publisher;
      });
      Object.keys(this.players).forEach(function (id) {
        if (!wanted[id]) {
          this.players[id].close();
          delete this.players[id];
        }
      }, this);
      Object.keys(wanted).forEach(function (id) {
        if (this.players[id]) this.players[id].describe(wanted[id]);
        else this.players[id] = new Player(this, wanted[id]);
      }, this);
      if (this.options.onState) this.options.onState(state, this);
    };

    // The worker hosting the room died: everything connects again, to the room's new worker.
    Room.prototype.recover = function () {
      var self = this;
      this.version = 0; // the worker that takes the room over counts on its own clock
      return this.open().then(function () {
        Object.keys(self.players).forEach(function (id) { self.players[id].connect(); });
        Object.keys(self.publications).forEach(function (label) { self.publications[label].renew(); });
      }, showError);
    };

    Room.prototype.choose = function (choice) {
      Object.keys(this.players).forEach(function (id) { this.players[id].choose(choice); }, this);
    };

    Room.prototype.close = function () {
      Object.keys(this.players).forEach(function (id) { this.players[id].close(); }, this);
      Object.keys(this.publications).forEach(function (label) { this.publications[label].close(); }, this);
      this.players = {};
      this.publications = {};
      rooms = rooms.filter(function (room) { return room !== this; }, this);
    };

    // --- Publishing one stream (camera+microphone, or a screen) ------------------------------

    function Publication(room, label, stream) {
      this.room = room;
      this.label = label;
      this.stream = stream;
      this.closed = false;
      room.publications[label] = this;
    }

    Publication.prototype.renew = function () {
      var self = this;
      if (this.closed) return Promise.resolve(this);
      if (this.pc) this.pc.close();
      var pc = (this.pc = new RTCPeerConnection(config));
      this.stream.getTracks().forEach(function (track) {
        pc.addTransceiver(track, { direction: "sendonly", streams: [self.stream] });
      });
      pc.onconnectionstatechange = function () {
        if (pc !== self.pc || self.closed) return;
        if (pc.connectionState === "failed") {
          setTimeout(function () { self.renew().catch(showError); }, RETRY_MS);
        }
      };
      return gatheredOffer(pc).then(function (offer) {
        return request("rtc.publish", self.room.data({ label: self.label, offer: offer }));
      }).then(function (reply) {
        self.id = reply.publisher;
        return pc.setRemoteDescription({ type: "answer", sdp: reply.answer });
      }).then(function () {
        capVideoBitrate(pc);
        return self;
      });
    };

    Publication.prototype.close = function (tellServer) {
      this.closed = true;
      if (this.pc) this.pc.close();
      delete this.room.publications[this.label];
      if (tellServer) {
        return request("rtc.unpublish", this.room.data({ label: this.label })).catch(showError);
      }
      return Promise.resolve();
    };

    function publish(room, label, stream) {
      return new Publication(room, label, stream).renew();
    }

    // --- Pushes ----------------------------------------------------------------------------------

    live.on("rtc.room.changed", function (state) {
      rooms.forEach(function (room) { if (room.name === state.room) room.sync(state); });
    });
    live.on("rtc.worker_lost", function (lost) {
      rooms.forEach(function (room) { if (room.name === lost.room) room.recover(); });
    });
    live.on("resume", function () {
      // A new socket is in no group yet: look at each room again (the media itself never stopped).
      rooms.forEach(function (room) { room.open().catch(showError); });
    });
    if (quality) {
      quality.addEventListener("change", function () {
        rooms.forEach(function (room) { room.choose(quality.value); });
      });
    }

    return {
      text: text,
      request: request,
      showError: showError,
      configure: configure,
      room: function (ref, container, options) { return new Room(ref, container, options); },
      publish: publish,
      template: template,
    };
  }

  window.rakwonRtc = { create: create, gatheredOffer: gatheredOffer };
})();
