// Progress of a background job (an export): polls its progress.json once a second and updates
// the <progress> bar; reloads the page when the job is finished so the server shows the result.
// Without JavaScript the page refreshes itself (<noscript><meta http-equiv="refresh">).
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[aria-live]");
  var status = document.getElementById("export-status");
  var failures = 0;

  function show(data) {
    if (bar) {
      bar.max = Math.max(1, data.total);
      bar.value = data.total ? data.done : 0;
      bar.textContent = data.percent + " %";
    }
    if (percent) percent.textContent = data.percent + " %";
    if (status) status.textContent = data.status_label;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        // A poor link drops a request now and then: back off, then keep trying.
        failures += 1;
        window.setTimeout(poll, Math.min(30000, 1000 * Math.pow(2, failures)));
      });
  }

  window.setTimeout(poll, 1000);
})();
