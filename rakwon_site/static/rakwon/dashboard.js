// The organiser's live dashboard: asks to watch the event over live.js's socket (again after
// each reconnect) and writes the counts into the [data-count="<place>"] cells.
(function () {
  "use strict";

  var live = window.rakwonLive;
  var box = document.querySelector("[data-dashboard]");
  if (!live || !box) {
    return;
  }
  var status = box.querySelector("[data-dashboard-status]");
  var offline = box.querySelector("[data-dashboard-offline]");

  function set(key, value) {
    var cell = box.querySelector('[data-count="' + key + '"]');
    if (cell) cell.textContent = String(value);
  }

  function show(counts) {
    set("online", counts.online);
    set("lobby", counts.lobby);
    ["halls", "booths", "sessions"].forEach(function (group) {
      var kind = group.slice(0, -1); // "halls" -> "hall"
      Object.keys(counts[group] || {}).forEach(function (id) {
        set(kind + ":" + id, counts[group][id]);
      });
    });
  }

  live.on("open", function () {
    offline.hidden = true;
    live.request("dashboard.watch").then(
      function (counts) {
        status.hidden = true;
        show(counts);
      },
      function (failure) {
        status.hidden = false;
        status.textContent = failure.message || status.textContent;
      }
    );
  });
  live.on("dashboard.counts", show);
  live.on("close", function () {
    offline.hidden = false;
  });
})();
