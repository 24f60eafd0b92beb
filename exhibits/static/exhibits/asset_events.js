// Tells the server once per page that a visitor played a video or opened a document, for the
// booth's counts (no identity is sent beyond the session cookie every request carries).
// Reads the booth's asset markup: <li data-asset-id="12" data-asset-kind="video|document">.
// A video counts on its first "play"; a document on the first click of a link inside it.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-asset-event-url");
  if (!url) { return; }
  var EVENTS = { video: ["play", "video_play"], document: ["click", "document_view"] };

  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function report(kind, assetId) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token());
    data.append("kind", kind);
    data.append("asset", assetId);
    // A beacon survives the page being left (a document link opens another page).
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, data))) {
      fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true });
    }
  }

  function watch(item) {
    var spec = EVENTS[item.getAttribute("data-asset-kind")];
    if (!spec) { return; }
    var sent = false;
    // Capture: "play" does not bubble, and a click should count before the link navigates.
    item.addEventListener(spec[0], function (event) {
      if (sent || (spec[0] === "click" && !event.target.closest("a"))) { return; }
      sent = true;
      report(spec[1], item.getAttribute("data-asset-id"));
    }, true);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-asset-id][data-asset-kind]"), watch);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
