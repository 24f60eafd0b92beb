// Chat rooms on the page ([data-chat="booth:12"]) over live.js's socket. Messages are rendered
// with textContent only: a link or markup in a message stays plain text, nothing can inject HTML.
(function () {
  "use strict";

  var live = window.rakwonLive;
  if (!live) {
    return;
  }

  document.querySelectorAll("[data-chat]").forEach(function (box) {
    var room = box.getAttribute("data-chat");
    var list = box.querySelector("[data-chat-messages]");
    var form = box.querySelector("[data-chat-form]");
    var errorLine = box.querySelector("[data-chat-error]");
    var notice = box.querySelector("[data-chat-notice]");
    var olderRow = box.querySelector("[data-chat-older-row]");
    var moderate = box.getAttribute("data-chat-moderate") || ""; // "", "delete" or "sanction"
    var PAGE = 50; // the server's history page
    var shown = {}; // message id -> <li>
    var lastId = 0;
    var firstId = 0;

    // Times in the event's zone (as the schedule shows them), 24-hour: "14:05".
    var zone = box.getAttribute("data-chat-zone") || undefined;
    var clockFormat;
    try {
      clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
        { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone });
    } catch (error) { // an unknown zone: the device's own
      clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
        { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    }

    function sentAt(item, iso) {
      if (!iso) return;
      var time = document.createElement("time");
      time.dateTime = iso;
      time.className = "chat-time muted";
      time.textContent = clockFormat.format(new Date(iso));
      item.appendChild(time);
      item.appendChild(document.createTextNode(" "));
    }

    function say(text) {
      if (notice) notice.textContent = text || "";
    }

    function failed(failure) {
      say(failure.message || box.getAttribute("data-chat-offline"));
    }

    function actionButton(label, action) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary chat-action";
      button.textContent = label;
      button.addEventListener("click", action);
      return button;
    }

    function moderationButtons(item, message) {
      if (!moderate || message.deleted) return;
      var actions = document.createElement("span");
      actions.className = "chat-actions";
      actions.appendChild(actionButton(box.getAttribute("data-chat-label-delete"), function () {
        live.request("chat.delete", { id: message.id }).then(function () { say(""); }, failed);
      }));
      if (moderate === "sanction" && message.role === "attendee") {
        actions.appendChild(actionButton(box.getAttribute("data-chat-label-mute"), function () {
          live.request("chat.mute", { message: message.id }).then(function () {
            say(box.getAttribute("data-chat-done-mute"));
          }, failed);
        }));
        actions.appendChild(actionButton(box.getAttribute("data-chat-label-ban"), function () {
          if (!window.confirm(box.getAttribute("data-chat-confirm-ban"))) return;
          live.request("chat.ban", { message: message.id }).then(function () {
            say(box.getAttribute("data-chat-done-ban"));
          }, failed);
        }));
      }
      item.appendChild(document.createTextNode(" "));
      item.appendChild(actions);
    }

    function render(message) {
      var item = shown[message.id];
      if (!item) {
        item = document.createElement("li");
        shown[message.id] = item;
        // Keep the list in id order even when history and pushes interleave.
        var after = null;
        Object.keys(shown).forEach(function (id) {
          if (Number(id) > message.id && (!after || Number(id) < Number(after.dataset.id))) {
            after = shown[id];
          }
        });
        item.dataset.id = String(message.id);
        list.insertBefore(item, after && after !== item ? after : null);
      }
      item.textContent = "";
      if (message.sent_at) item.dataset.sentAt = message.sent_at; // kept when it is deleted later
      sentAt(item, item.dataset.sentAt);
      var who = document.createElement("strong");
      // The page's own word for the role: a pushed message's role_label is in its sender's language.
      var roleLabel = box.getAttribute("data-chat-role-" + message.role) || message.role_label;
      who.textContent = message.role === "attendee" ? message.author : message.author + " · " + roleLabel;
      var text = document.createElement("span");
      text.textContent = message.deleted ? box.getAttribute("data-chat-deleted") : message.text;
      if (message.deleted) text.className = "muted";
      item.appendChild(who);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(text);
      moderationButtons(item, message);
      lastId = Math.max(lastId, message.id);
      firstId = firstId ? Math.min(firstId, message.id) : message.id;
    }

    function renderAll(data) {
      (data.messages || []).forEach(render);
    }

    function offerOlder(data) {
      // A full page means there may be more before it.
      if (olderRow) olderRow.hidden = (data.messages || []).length < PAGE;
    }

    if (olderRow) {
      olderRow.querySelector("button").addEventListener("click", function () {
        live.request("chat.history", { room: room, before: firstId }).then(function (data) {
          renderAll(data);
          offerOlder(data);
        }, failed);
      });
    }

    live.on("chat.message", function (message) {
      if (message.room === room) render(message);
    });
    live.on("chat.deleted", function (gone) {
      if (gone.room === room && shown[gone.id]) {
        render({ id: gone.id, author: shown[gone.id].querySelector("strong").textContent, role: "attendee", deleted: true });
      }
    });
    live.on("open", function () {
      // First open: the last 50. After a reconnect: only what was missed, then listen again.
      var first = lastId === 0;
      live.request("chat.join", { room: room }).then(function (data) {
        if (first) {
          renderAll(data);
          offerOlder(data);
        } else {
          live.request("chat.since", { room: room, after: lastId }).then(renderAll);
        }
        box.hidden = false;
        say("");
      }, function (failure) {
        // Say why instead of leaving an empty space: the server's message says what to do next.
        box.hidden = false;
        failed(failure);
      });
    });

    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var field = form.elements.text;
        errorLine.textContent = "";
        live.request("chat.send", { room: room, text: field.value }).then(
          function () { field.value = ""; },
          function (failure) {
            errorLine.textContent = failure.message || box.getAttribute("data-chat-offline");
          }
        );
      });
    }
  });
})();
