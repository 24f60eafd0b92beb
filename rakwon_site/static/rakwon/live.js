// The live socket client: one socket per tab, an app-level ping, reconnect with back-off and
// resume (re-enter the place this page is). Other scripts (chat.js) use window.rakwonLive:
//   rakwonLive.on("chat.message", fn)   pushes by type; also "open", "resume", "close", "refused"
//   rakwonLive.request("chat.send", {...}) -> Promise of the ok data (rejects with {code, message})
(function () {
  "use strict";

  var PING_EVERY_MS = 20000; // well inside the server's PRESENCE_SILENT_SECONDS
  var PING_TIMEOUT_MS = 10000;
  var REFUSED = [4401, 4403, 4404]; // not logged in, not in the event, no event: retrying won't help
  var FLOODED = 4429; // the server closed us for sending too much
  // This person has SOCKET_MAX_TABS sockets open in the event: reconnecting would be refused
  // again, so say what to do (close a tab) and stay closed until the page is reloaded.
  var TOO_MANY_TABS = 4409;
  var FLOOD_PAUSE_MS = 15000;

  var anchor = document.querySelector("[data-live-socket]");
  if (!anchor || !window.WebSocket) {
    return;
  }

  var listeners = {};
  var pending = {};
  var socket = null;
  var nextId = 1;
  var attempt = 0;
  var opened = false;
  var place = null;
  var pingTimer = null;
  var closingMessage = ""; // the server's last word before it closed us (socket.closing)

  function emit(type, data) {
    (listeners[type] || []).slice().forEach(function (listener) {
      try {
        listener(data);
      } catch (error) {
        window.console && console.error(error);
      }
    });
  }

  function request(type, data) {
    return new Promise(function (resolve, reject) {
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        reject({ code: "client.offline", message: "" });
        return;
      }
      var id = nextId++;
      pending[id] = { resolve: resolve, reject: reject };
      socket.send(JSON.stringify({ id: id, type: type, data: data || {} }));
    });
  }

  function enter(kind, id) {
    place = { kind: kind, id: id };
    var data = {};
    if (id !== null && id !== undefined) {
      data[kind] = id;
    }
    return request(kind + ".enter", data).then(function (state) {
      emit("place", state);
      return state;
    });
  }

  function showRefusal(text) {
    if (!text) return;
    var notice = document.querySelector("[data-live-refusal]");
    if (!notice) {
      notice = document.createElement("p");
      notice.className = "live-refusal";
      notice.setAttribute("role", "alert");
      notice.setAttribute("data-live-refusal", "");
      anchor.parentNode.insertBefore(notice, anchor); // the anchor may be hidden (presence)
    }
    notice.textContent = text; // text, never markup
  }

  function ping() {
    var timeout = setTimeout(function () {
      if (socket) socket.close(); // no pong: the link is dead even if the browser has not noticed
    }, PING_TIMEOUT_MS);
    request("ping").then(
      function () { clearTimeout(timeout); },
      function () { clearTimeout(timeout); }
    );
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + anchor.getAttribute("data-live-socket"));
    socket.onopen = function () {
      var resumed = opened;
      opened = true;
      attempt = 0;
      pingTimer = setInterval(ping, PING_EVERY_MS);
      var wasIn = place; // read before "open": the page's own listener enters on the first open
      emit("open", {});
      if (wasIn) {
        enter(wasIn.kind, wasIn.id).catch(function () {});
      }
      if (resumed) {
        emit("resume", {}); // chat.js fetches what it missed here
      }
    };
    socket.onmessage = function (message) {
      var frame;
      try {
        frame = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      if (frame.id !== undefined && frame.id !== null && pending[frame.id]) {
        var waiting = pending[frame.id];
        delete pending[frame.id];
        if (frame.type === "ok") {
          waiting.resolve(frame.data);
        } else {
          // data carries details such as retry_after (seconds) for frame.rate_limited
          waiting.reject({ code: frame.code, message: frame.message, data: frame.data || {} });
        }
        return;
      }
      if (frame.type === "socket.closing" && frame.data && frame.data.message) {
        closingMessage = String(frame.data.message);
      }
      emit(frame.type, frame.data || {});
    };
    socket.onclose = function (event) {
      clearInterval(pingTimer);
      Object.keys(pending).forEach(function (id) {
        pending[id].reject({ code: "client.offline", message: "" });
      });
      pending = {};
      socket = null;
      if (REFUSED.indexOf(event.code) !== -1) {
        emit("refused", { code: event.code });
        return;
      }
      if (event.code === TOO_MANY_TABS) {
        // The page's own translation first; the server's message if the page has none.
        showRefusal(anchor.getAttribute("data-live-text-too-many-tabs") || closingMessage);
        emit("refused", { code: event.code });
        return;
      }
      emit("close", { code: event.code });
      // Back off 0.5 s, 1 s, 2 s ... up to 30 s, with jitter so a restarted server is not stormed.
      var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
      if (event.code === FLOODED) {
        delay = Math.max(delay, FLOOD_PAUSE_MS); // closed for flooding: come back slowly
      }
      attempt += 1;
      setTimeout(connect, delay);
    };
  }

  window.rakwonLive = {
    on: function (type, listener) {
      (listeners[type] = listeners[type] || []).push(listener);
      if (type === "open" && socket && socket.readyState === WebSocket.OPEN) {
        // Registered after the socket opened (a script that loaded late): it still gets its open.
        setTimeout(function () {
          if (socket && socket.readyState === WebSocket.OPEN) listener({});
        }, 0);
      }
    },
    off: function (type, listener) {
      listeners[type] = (listeners[type] || []).filter(function (l) { return l !== listener; });
    },
    request: request,
    enter: enter,
  };

  // --- Presence on the page: "N here", and on booths the names of those who chose to be seen.
  //
  // Every count comes with its place's version. A frame older than what the page shows is
  // dropped, so a stale or overtaken push can never undo a newer one; the server's tick frames
  // (booth.count, hall.count, ...) carry the whole state and correct anything lost. A big booth
  // sends only its first names; "Show more names" fetches the next pages (presence.who).

  var box = document.querySelector("[data-presence]");
  var people = {}; // person id -> name, of the first page (and of every name in a small booth)
  var morePeople = []; // names of the pages fetched with "Show more names"
  var anonymous = 0;
  var nextPage = null; // where the next page of names starts, or null
  var versions = {}; // "booth:12", "hall:3", "card:12" (a booth's badge on a hall page) -> version

  // Whether a frame with `version` for `key` is new enough to show. A diff must be newer than what
  // is shown (`strict`); a whole state may also repeat it.
  function fresh(key, version, strict) {
    if (typeof version !== "number") return true; // a server without versions
    var known = versions[key];
    if (known !== undefined && (strict ? version <= known : version < known)) return false;
    versions[key] = version;
    return true;
  }

  function setText(selector, text) {
    var node = box && box.querySelector(selector);
    if (node) node.textContent = text;
  }

  function showCount(count) {
    setText("[data-presence-count]", String(count));
    box.hidden = false;
  }

  function addName(list, name) {
    var item = document.createElement("li");
    item.textContent = name; // text, never markup
    list.appendChild(item);
  }

  function showNames() {
    var list = box.querySelector("[data-presence-names]");
    if (!list) return;
    while (list.firstChild) list.removeChild(list.firstChild);
    Object.keys(people).map(function (id) { return people[id]; }).sort().forEach(function (name) {
      addName(list, name);
    });
    morePeople.forEach(function (name) { addName(list, name); });
    var others = box.querySelector("[data-presence-anonymous]");
    if (others) {
      others.hidden = anonymous === 0;
      setText("[data-presence-anonymous-count]", String(anonymous));
    }
    var more = box.querySelector("[data-presence-more]");
    if (more) more.hidden = !nextPage;
  }

  function firstPage(state) {
    // A whole first page of names: it replaces the list (pages fetched since start again).
    people = {};
    state.people.forEach(function (p) { people[p.person] = p.name; });
    morePeople = [];
    nextPage = state.next || null;
  }

  function showBoothCounts(booths, cardVersions) {
    // A booth with a version but no count in a hall's reply is empty (empty ones are left out).
    var keys = Object.keys(booths || {}).concat(Object.keys(cardVersions || {}));
    keys.forEach(function (booth) {
      if (!fresh("card:" + booth, (cardVersions || {})[booth], false)) return;
      var count = (booths || {})[booth] || 0;
      var badge = document.querySelector('[data-presence-booth="' + booth + '"]');
      if (badge) {
        badge.querySelector("[data-presence-booth-count]").textContent = String(count);
        badge.hidden = count === 0;
      }
    });
  }

  if (box) {
    var kind = box.getAttribute("data-presence");
    var id = box.getAttribute("data-presence-id");
    var placeId = id ? parseInt(id, 10) : null;
    var placeKey = kind + ":" + (placeId === null ? "" : placeId);
    window.rakwonLive.on("open", function () {
      versions = {}; // a new socket (perhaps a restarted server): its own figures start afresh
    });
    window.rakwonLive.on("place", function (state) {
      if (!fresh(placeKey, state.version, false)) return; // a push already showed something newer
      showCount(state.count);
      if (state.booths) {
        // Arriving in a hall: every card starts from what the server knows, empty ones hidden.
        document.querySelectorAll("[data-presence-booth]").forEach(function (badge) {
          badge.hidden = true;
        });
        showBoothCounts(state.booths, state.versions);
      }
      if (state.people) {
        firstPage(state);
        anonymous = state.anonymous;
        showNames();
      }
    });
    function boothDiff(joined) {
      return function (data) {
        if (data.booth !== placeId || !fresh(placeKey, data.version, true)) return;
        if (data.person) {
          if (joined) people[data.person] = data.name;
          else delete people[data.person];
        } else {
          anonymous = Math.max(0, anonymous + (joined ? 1 : -1));
        }
        showCount(data.count);
        showNames();
      };
    }
    window.rakwonLive.on("booth.joined", boothDiff(true));
    window.rakwonLive.on("booth.left", boothDiff(false));
    window.rakwonLive.on("booth.count", function (data) {
      if (data.booth !== placeId || !fresh(placeKey, data.version, false)) return;
      showCount(data.count);
      anonymous = data.anonymous;
      if (data.people) firstPage(data);
      else nextPage = data.next || null;
      showNames();
    });
    window.rakwonLive.on("hall.count", function (data) {
      if (kind === "hall" && data.hall === placeId && fresh(placeKey, data.version, false)) {
        showCount(data.count);
      }
      showBoothCounts(data.booths, data.versions);
    });
    ["lobby.count", "session.count"].forEach(function (type) {
      window.rakwonLive.on(type, function (data) {
        if (fresh(placeKey, data.version, false)) showCount(data.count);
      });
    });
    var more = box.querySelector("[data-presence-more]");
    if (more) {
      more.addEventListener("click", function () {
        if (!nextPage) return;
        more.disabled = true;
        request("presence.who", { booth: placeId, after: nextPage }).then(
          function (page) {
            more.disabled = false;
            page.people.forEach(function (p) { morePeople.push(p.name); });
            nextPage = page.next || null;
            showNames();
          },
          function () { more.disabled = false; } // offline or busy: the button stays to try again
        );
      });
    }
    window.rakwonLive.on("open", function () {
      if (!place) enter(kind, placeId).catch(function () {});
    });
  }

  // Deferred scripts (chat.js, present.js, live_video.js) register their "open" listeners when
  // they run; a slow one could otherwise run after the socket opened and miss it. They have all
  // run by DOMContentLoaded.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", connect);
  } else {
    connect();
  }
})();
