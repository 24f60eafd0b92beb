// A live preview under each description box ([data-text-preview="<url>"]): the server renders
// the text with the booth page's own renderer and answers {"html": …}, already sanitised there.
// Without JavaScript the box works as before; the preview is only a help.
(function () {
  "use strict";
  var script = document.currentScript;
  var WAIT_MS = 400; // after the last key, so a slow link carries one request, not one per key

  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(box, number) {
    var url = box.getAttribute("data-text-preview");
    var section = document.createElement("section");
    section.className = "text-preview";
    var heading = document.createElement("h2");
    heading.id = "text-preview-" + number;
    heading.textContent = script.getAttribute("data-preview-heading");
    section.setAttribute("aria-labelledby", heading.id);
    var body = document.createElement("div");
    body.className = "description";
    body.setAttribute("data-preview-body", "");
    var status = document.createElement("p");
    status.className = "muted";
    status.setAttribute("role", "status");
    section.appendChild(heading);
    section.appendChild(body);
    section.appendChild(status);
    box.closest(".field").after(section);
    var timer = null;
    var asked = 0;

    function show() {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token());
      data.append("text", box.value);
      var mine = ++asked;
      fetch(url, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (mine !== asked) return; // an older answer that arrived late
          // The server's answer is the sanitised rendering (nh3 allow-list), never the raw text.
          body.innerHTML = answer.html || "";
          status.textContent = answer.error || "";
        })
        .catch(function () {
          if (mine === asked) status.textContent = script.getAttribute("data-preview-failed");
        });
    }

    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(show, WAIT_MS);
    });
    show();
  }

  function start() {
    document.querySelectorAll("textarea[data-text-preview]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
