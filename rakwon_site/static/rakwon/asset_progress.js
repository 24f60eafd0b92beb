// Processing progress of uploaded files, live: each list with data-progress-url and data-watching
// (the booth editor's files, a main-stage session's documents) polls that URL for the watched
// files (exhibits/views/asset_progress.py), moves their progress bars, and swaps in the server's
// finished entry (its result, or the reason it failed with "Process again") when one is done.
// An entry is the list's child with data-asset-id; without JavaScript the page refreshes itself.
(function () {
  "use strict";
  if (!window.fetch) return;

  function follow(list) {
    var url = list.getAttribute("data-progress-url");
    var watching = (list.getAttribute("data-watching") || "").split(",").filter(Boolean);
    var failures = 0;

    function entryOf(id) {
      return list.querySelector('[data-asset-id="' + String(id).replace(/[^0-9]/g, "") + '"]');
    }

    function show(entry) {
      var item = entryOf(entry.id);
      if (!item) return;
      if (entry.settled && entry.html) {
        var holder = document.createElement(list.tagName); // an <li> parses only inside a list
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
    }

    function poll() {
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
    }
    if (watching.length) window.setTimeout(poll, 1000);
  }

  document.querySelectorAll("[data-progress-url][data-watching]").forEach(follow);
})();
