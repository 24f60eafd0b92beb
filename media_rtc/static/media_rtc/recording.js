// "Recorded" on a live room while it is being recorded: the rtc.recording push (docs/protocol-rtc.md)
// reaches everyone looking at the room, so every speaker on air (and every viewer) sees it. The
// badge goes into the room's section: a booth's live video ([data-rtc-booth]) or a stage
// ([data-stage-live]). Its words come from this script's own tag (media_rtc/_recording_badge.html).
(function () {
  "use strict";
  var script = document.currentScript;
  var live = window.rakwonLive;
  if (!live || !script) return;
  var short = script.getAttribute("data-text-recorded") || "Recorded";
  var long = script.getAttribute("data-text-recorded-long") || short;

  function sectionOf(data) {
    if (data.booth !== undefined) return document.querySelector('[data-rtc-booth="' + Number(data.booth) + '"]');
    if (data.stage !== undefined) return document.querySelector('[data-stage-live="' + Number(data.stage) + '"]');
    return null;
  }

  function badgeIn(section) {
    var badge = section.querySelector("[data-rtc-recording]");
    if (badge) return badge;
    badge = document.createElement("p");
    badge.className = "rtc-recording";
    badge.setAttribute("data-rtc-recording", "");
    badge.setAttribute("role", "status");
    var mark = document.createElement("span");
    mark.className = "badge";
    mark.textContent = short;
    badge.appendChild(mark);
    badge.appendChild(document.createTextNode(" " + long));
    var title = section.querySelector("h2");
    if (title) {
      title.insertAdjacentElement("afterend", badge);
    } else {
      section.insertBefore(badge, section.firstChild);
    }
    return badge;
  }

  live.on("rtc.recording", function (data) {
    var section = data && sectionOf(data);
    if (!section) return;
    badgeIn(section).hidden = !data.recording;
  });
})();
