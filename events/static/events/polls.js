// A session's polls ([data-polls="<session id>"]) kept live over live.js's socket: polls opened
// and closed appear for everyone, results arrive as pushes (a page keeps, per poll, the highest
// results version it has shown and drops older ones), and votes and moderators' forms go through
// the socket. Without JavaScript (or a socket) the page's plain forms do the same, and a vote sent
// while the socket is down goes through its plain form. Texts are set with textContent only.
(function () {
  "use strict";

  var live = window.rakwonLive;
  var box = document.querySelector("[data-polls]");
  if (!live || !box) return;

  var session = Number(box.getAttribute("data-polls"));
  var moderator = box.getAttribute("data-polls-moderator") === "1";
  var voter = box.getAttribute("data-polls-voter") === "1";
  var list = box.querySelector("[data-polls-list]");
  var notice = box.querySelector("[data-polls-notice]");
  var creator = box.querySelector("[data-poll-create]");
  var polls = {}; // id -> poll as the server last described it to this page
  var joined = false;

  function label(name) {
    return box.getAttribute("data-polls-label-" + name) || "";
  }

  function say(text) {
    if (notice) notice.textContent = text || "";
  }

  function failed(failure) {
    say((failure && failure.message) || box.getAttribute("data-polls-offline"));
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function hidden(name, value) {
    var input = element("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  // A real form, as the page renders it: if the socket is down it is simply submitted.
  function plainForm(urlName, poll) {
    var form = element("form");
    form.method = "post";
    form.action = box.getAttribute("data-polls-" + urlName + "-url").replace(/\/0\/([a-z]+\/)$/, "/" + poll.id + "/$1");
    var csrf = box.querySelector("[data-polls-csrf] input");
    if (csrf) form.appendChild(hidden(csrf.name, csrf.value));
    form.appendChild(hidden("next", box.getAttribute("data-polls-here")));
    return form;
  }

  function sendOrPost(form, type, data, done) {
    live.request(type, data).then(function (reply) {
      say("");
      if (done) done(reply);
    }, function (failure) {
      if (failure && failure.code === "client.offline") {
        form.submit(); // the socket dropped: the plain form sends it instead, nothing is lost
        return;
      }
      failed(failure);
    });
  }

  function badge(poll) {
    var kind = poll.state === "open" ? "published" : poll.state;
    return element("span", "badge " + kind, label(poll.state));
  }

  function votesText(count) {
    return count + " " + (count === 1 ? label("votes-one") : label("votes"));
  }

  function voteForm(poll) {
    var form = plainForm("vote", poll);
    form.setAttribute("data-poll-vote", "");
    var fieldset = element("fieldset");
    var legend = element("legend", "", poll.question + " ");
    legend.appendChild(badge(poll));
    fieldset.appendChild(legend);
    poll.options.forEach(function (option) {
      var field = element("div", "field");
      var text = element("label");
      var radio = element("input");
      radio.type = "radio";
      radio.name = "option";
      radio.value = option.id;
      radio.required = true;
      radio.checked = poll.mine === option.id;
      text.appendChild(radio);
      text.appendChild(document.createTextNode(" " + option.text));
      field.appendChild(text);
      fieldset.appendChild(field);
    });
    form.appendChild(fieldset);
    var actions = element("div", "actions");
    var send = element("button", "button", poll.mine ? label("change") : label("vote"));
    send.type = "submit";
    actions.appendChild(send);
    form.appendChild(actions);
    form.addEventListener("submit", function (event) {
      if (!joined) return; // not connected: the plain form posts instead
      event.preventDefault();
      var chosen = form.querySelector("input[name=option]:checked");
      if (!chosen) return;
      sendOrPost(form, "poll.vote", { poll: poll.id, option: Number(chosen.value) }, function (reply) {
        poll.mine = reply.mine;
        place(poll);
        // The form was drawn anew: keyboard users stay on its button ("Change my vote").
        var again = list.querySelector('[data-poll="' + poll.id + '"] [data-poll-vote] button');
        if (again) again.focus();
      });
    });
    return form;
  }

  function results(poll) {
    var shown = poll.results;
    var wrap = element("div");
    wrap.setAttribute("data-poll-results-box", "");
    if (!shown) {
      if (poll.state === "open") wrap.appendChild(element("p", "muted", label("hidden")));
      return wrap;
    }
    var rows = element("ul", "poll-results");
    rows.setAttribute("data-poll-results", "");
    poll.options.forEach(function (option) {
      var count = shown.counts[String(option.id)] || 0;
      var share = shown.total ? Math.round((count * 100) / shown.total) : 0;
      var row = element("li");
      var name = element("span", "", option.text + (poll.mine === option.id ? " (" + label("mine") + ")" : ""));
      name.id = "poll-" + poll.id + "-" + option.id;
      var meter = element("meter", "", share + " %");
      meter.min = 0;
      meter.max = 100;
      meter.value = share;
      meter.setAttribute("aria-labelledby", name.id);
      row.appendChild(name);
      row.appendChild(element("br"));
      row.appendChild(meter);
      var figures = element("span", "", " " + share + " % · " + votesText(count));
      figures.setAttribute("data-poll-count", option.id);
      row.appendChild(figures);
      rows.appendChild(row);
    });
    wrap.appendChild(rows);
    var total = element("p", "muted", label("total") + " " + shown.total);
    total.setAttribute("data-poll-total", "");
    wrap.appendChild(total);
    return wrap;
  }

  function stateForm(poll) {
    var form = plainForm("state", poll);
    form.className = "inline";
    var action = poll.state === "draft" ? "open" : "close";
    var button = element("button", "secondary", poll.state === "draft" ? label("start") : label("stop"));
    button.type = "submit";
    button.name = "action";
    button.value = action;
    form.appendChild(button);
    form.addEventListener("submit", function (event) {
      if (!joined) return;
      event.preventDefault();
      form.appendChild(hidden("action", action)); // what the button would have sent
      sendOrPost(form, "poll." + action, { poll: poll.id });
    });
    return form;
  }

  function render(poll) {
    var item = element("li", "poll");
    item.setAttribute("data-poll", poll.id);
    if (poll.state === "open" && voter) {
      item.appendChild(voteForm(poll));
    } else {
      var title = element("p", "poll-question");
      title.appendChild(element("strong", "", poll.question));
      title.appendChild(document.createTextNode(" "));
      title.appendChild(badge(poll));
      item.appendChild(title);
    }
    item.appendChild(results(poll));
    if (moderator && poll.state !== "closed") item.appendChild(stateForm(poll));
    return item;
  }

  // One poll's item replaced (or put in its place, newest first): the others, and a choice being
  // made in them, are left alone.
  function place(poll) {
    var item = render(poll);
    var old = list.querySelector('[data-poll="' + poll.id + '"]');
    if (old) {
      list.replaceChild(item, old);
      return;
    }
    var empty = list.querySelector("[data-polls-empty]");
    if (empty) list.removeChild(empty);
    var after = Array.prototype.filter.call(list.querySelectorAll("[data-poll]"), function (other) {
      return Number(other.getAttribute("data-poll")) < poll.id;
    })[0];
    list.insertBefore(item, after || null);
  }

  // Only the figures: a choice being made in the poll's form stays as it is.
  function refreshResults(poll) {
    var item = list.querySelector('[data-poll="' + poll.id + '"]');
    var old = item && item.querySelector("[data-poll-results-box]");
    if (old) item.replaceChild(results(poll), old);
  }

  function newer(known, incoming) {
    return incoming && (!known || incoming.version > known.version);
  }

  // A poll's state from the server; its results only if not older than those shown, and a
  // moderator's results are not lost to the audience's frame that carries none.
  function keep(poll) {
    var known = polls[poll.id];
    if (known) {
      if (poll.mine === null || poll.mine === undefined) poll.mine = known.mine;
      if (!newer(known.results, poll.results) && (known.results || moderator)) poll.results = known.results;
    }
    polls[poll.id] = poll;
  }

  live.on("open", function () {
    live.request("poll.join", { session: session }).then(function (state) {
      joined = true;
      box.setAttribute("data-polls-live", "1"); // votes and moderators' forms now go through the socket
      moderator = state.moderator;
      polls = {};
      if (state.polls.length) list.textContent = ""; // else the page's "No polls yet." stays
      state.polls.forEach(function (poll) {
        keep(poll);
        place(polls[poll.id]);
      });
      say("");
    }, failed);
  });

  live.on("poll.poll", function (poll) {
    if (!joined || poll.session !== session) return;
    keep(poll);
    place(polls[poll.id]);
  });

  live.on("poll.results", function (data) {
    var poll = polls[data.poll];
    if (!joined || data.session !== session || !poll) return;
    if (!newer(poll.results, data)) return; // an older or repeated count never replaces a newer one
    poll.results = data;
    refreshResults(poll);
  });

  if (creator) {
    creator.addEventListener("submit", function (event) {
      if (!joined) return;
      event.preventDefault();
      var openNow = !(event.submitter && event.submitter.value === "draft");
      var errorLine = creator.querySelector("[data-poll-error]");
      var options = Array.prototype.map.call(creator.querySelectorAll("[name=option]"), function (input) {
        return input.value;
      });
      var data = {
        session: session,
        question: creator.querySelector("[name=question]").value,
        options: options,
        results_while_open: creator.querySelector("[name=results_while_open]").checked
      };
      live.request("poll.create", data).then(function (reply) {
        errorLine.textContent = "";
        creator.reset();
        keep(reply.poll);
        place(polls[reply.poll.id]);
        if (openNow) live.request("poll.open", { poll: reply.poll.id }).then(function () { say(""); }, failed);
      }, function (failure) {
        if (failure && failure.code === "client.offline") {
          if (event.submitter) creator.appendChild(hidden("action", event.submitter.value));
          creator.submit();
          return;
        }
        errorLine.textContent = (failure && failure.message) || box.getAttribute("data-polls-offline");
      });
    });
  }
})();
