// The visitor's hall plan: logos load once the page is shown and only for booths in view, and
// each booth's live count follows the one in the booth list (which live.js keeps up to date,
// versions and all), so the plan never has a count of its own to get wrong.
(function () {
  "use strict";
  var plan = document.querySelector("svg.hall-plan");
  if (!plan) return;

  function showLogos() {
    var logos = plan.querySelectorAll("image[data-plan-logo]");
    function load(image) {
      image.setAttribute("href", image.getAttribute("data-plan-logo"));
      image.removeAttribute("data-plan-logo");
    }
    if (!("IntersectionObserver" in window)) {
      logos.forEach(load);
      return;
    }
    var watcher = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        watcher.unobserve(entry.target);
        load(entry.target);
      });
    });
    logos.forEach(function (image) { watcher.observe(image); });
  }
  if (document.readyState === "complete") showLogos();
  else window.addEventListener("load", showLogos);

  function follow(badge) {
    var booth = badge.getAttribute("data-presence-booth");
    var label = plan.querySelector('[data-plan-count="' + booth + '"]');
    if (!label) return;
    function copy() {
      var count = badge.querySelector("[data-presence-booth-count]");
      label.textContent = badge.hidden || !count ? "" : count.textContent;
    }
    new MutationObserver(copy).observe(badge, {
      attributes: true, attributeFilter: ["hidden"], childList: true, characterData: true, subtree: true,
    });
    copy();
  }
  document.querySelectorAll("[data-presence-booth]").forEach(follow);
})();
