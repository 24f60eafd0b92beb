// The live socket's "meeting.reminder" (exhibits/services/appointment_mail.py) as a notice on the
// page, with the way to the meetings page where "Join" is. Text only, never markup.
(function () {
  "use strict";

  var box = document.querySelector("[data-meeting-reminder]");
  var live = window.rakwonLive;
  if (!box || !live) return;
  live.on("meeting.reminder", function (reminder) {
    var starts = new Date(reminder.starts_at);
    var time = starts.toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
    box.querySelector("[data-meeting-reminder-text]").textContent = box.getAttribute("data-text").replace("{time}", time);
    box.hidden = false;
  });
})();
