// A session's questions ([data-qa="<session id>"]) kept live over live.js's socket: asking, upvotes,
// and moderators' buttons go through the socket; pushes re-order the list. Without JavaScript (or
// a socket) the page's plain forms do the same. Texts are set with textContent only.
(function () {
  "use strict";

  var live = window.rakwonLive;
  var box = document.querySelector("[data-qa]");
  if (!live || !box) return;

  var session = Number(box.getAttribute("data-qa"));
  var moderator = box.getAttribute("data-qa-moderator") === "1";
  var list = box.querySelector("[data-qa-list]");
  var form = box.querySelector("[data-qa-form]");
  var errorLine = box.querySelector("[data-qa-error]");
  var notice = box.querySelector("[data-qa-notice]");
  var questions = {}; // id -> question
  var joined = false;

  function label(name) {
    return box.getAttribute("data-qa-label-" + name) || "";
  }

  function say(text) {
    if (notice) notice.textContent = text || "";
  }

  function failed(failure) {
    say((failure && failure.message) || box.getAttribute("data-qa-offline"));
  }

  function button(text, action) {
    var node = document.createElement("button");
    node.type = "button";
    node.className = "secondary";
    node.textContent = text;
    node.addEventListener("click", action);
    return node;
  }

  function badge(text, strong, kind) {
    var node = document.createElement(strong ? "strong" : "span");
    node.className = kind ? "badge " + kind : "badge";
    node.textContent = text;
    return node;
  }

  function moderate(type, question, extra) {
    var data = { question: question.id };
    Object.keys(extra || {}).forEach(function (key) { data[key] = extra[key]; });
    live.request(type, data).then(function () { say(""); }, failed);
  }

  function render(question) {
    var item = document.createElement("li");
    item.className = "qa-question" + (question.pinned ? " qa-pinned" : "");
    item.setAttribute("data-qa-question", question.id);
    var meta = document.createElement("p");
    meta.className = "qa-meta";
    if (question.pinned) meta.appendChild(badge(label("pinned"), true));
    if (question.status === "pending") meta.appendChild(badge(label("waiting"), true, "pending"));
    if (question.answered) meta.appendChild(badge(label("answered")));
    var who = document.createElement("span");
    who.textContent = " " + (question.author || label("anonymous"));
    meta.appendChild(who);
    var text = document.createElement("p");
    text.className = "qa-text";
    text.textContent = question.text;
    var actions = document.createElement("p");
    actions.className = "qa-actions";
    var votes = document.createElement("span");
    votes.setAttribute("data-qa-votes", "");
    votes.textContent = question.votes + " " + (question.votes === 1 ? label("count-one") : label("count"));
    actions.appendChild(votes);
    if (question.status === "approved" && !question.mine) {
      var vote = button(question.voted ? label("withdraw") : label("votes"), function () {
        live.request("qa.vote", { question: question.id, up: !question.voted }).then(function (reply) {
          question.voted = reply.voted;
          question.votes = reply.votes;
          show();
        }, failed);
      });
      vote.setAttribute("aria-pressed", question.voted ? "true" : "false");
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(vote);
    }
    if (moderator) {
      if (question.status === "pending") actions.appendChild(button(label("approve"), function () { moderate("qa.approve", question); }));
      actions.appendChild(button(label("hide"), function () { moderate("qa.hide", question); }));
      if (!question.answered) actions.appendChild(button(label("answer"), function () { moderate("qa.answer", question); }));
      actions.appendChild(button(question.pinned ? label("unpin") : label("pin"), function () {
        moderate("qa.pin", question, { pin: !question.pinned });
      }));
    }
    item.appendChild(meta);
    item.appendChild(text);
    item.appendChild(actions);
    return item;
  }

  // Pinned first, then by votes, then oldest first: the server's order.
  function show() {
    var ordered = Object.keys(questions).map(function (id) { return questions[id]; });
    ordered.sort(function (a, b) {
      if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
      if (a.votes !== b.votes) return b.votes - a.votes;
      return a.asked_at < b.asked_at ? -1 : a.asked_at > b.asked_at ? 1 : a.id - b.id;
    });
    list.textContent = "";
    ordered.forEach(function (question) { list.appendChild(render(question)); });
  }

  function keep(question) {
    var known = questions[question.id];
    if (known) {
      question.mine = question.mine || known.mine;
      question.voted = known.voted;
    }
    if (question.pinned) {
      Object.keys(questions).forEach(function (id) { questions[id].pinned = false; });
    }
    questions[question.id] = question;
  }

  live.on("open", function () {
    live.request("qa.join", { session: session }).then(function (state) {
      joined = true;
      box.setAttribute("data-qa-live", "1"); // asking and voting now go through the socket
      moderator = state.moderator;
      questions = {};
      state.questions.forEach(keep);
      show();
      say("");
    }, failed);
  });

  live.on("qa.question", function (question) {
    if (!joined || question.session !== session) return;
    keep(question);
    show();
  });

  live.on("qa.hidden", function (data) {
    if (!joined || data.session !== session) return;
    delete questions[data.id];
    show();
  });

  live.on("qa.votes", function (data) {
    if (!joined || data.session !== session) return;
    Object.keys(data.votes).forEach(function (id) {
      if (questions[id]) questions[id].votes = data.votes[id];
    });
    show();
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      if (!joined) return; // not connected: the plain form posts instead
      event.preventDefault();
      var text = form.querySelector("textarea");
      var anonymous = form.querySelector("[name=anonymous]");
      live.request("qa.ask", { session: session, text: text.value, anonymous: anonymous.checked }).then(
        function (reply) {
          errorLine.textContent = "";
          text.value = "";
          keep(reply.question);
          show();
        },
        function (failure) {
          if (failure && failure.code === "client.offline") {
            form.submit(); // the socket dropped: the plain form sends it instead, nothing is lost
            return;
          }
          errorLine.textContent = (failure && failure.message) || box.getAttribute("data-qa-offline");
        }
      );
    });
  }
})();
