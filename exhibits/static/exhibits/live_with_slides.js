// Live video and the presented page together (exhibits/includes/live_with_slides.html), over
// live.js's socket and the "doc.*" frames (docs/protocol.md). Slides large and the speaker small,
// a switch to swap them; a follower turns pages on their own (Previous, Next) and comes back with
// "Back to the presenter's page"; staff present from here and see how many watch their video
// (rtc.room's viewers) and follow their presentation (doc.followers, versioned).
//
// Each [data-live-with-slides] section on the page is attached on load: its place is {booth: 12}
// (data-booth) or a session's stage, {session: 7} (data-session), and data-players says where the
// live video's player cards are. To attach one by hand:
//   var slides = rakwonLiveWithSlides.attach(section, {players: element, place: {session: 7}});
//   slides.back();            show the presenter's page again and follow it
//   slides.read(page);        read `page` on one's own (detaches from the presenter)
//   slides.swap();            speaker large <-> slides large
// The speaker's place is filled by moving `players` (the live video's player cards) into it while
// a page is presented. Live video state comes as a DOM event on document, sent by live_video.js
// (a booth) and stage.js (a session's stage), naming the place as frames do:
//   document.dispatchEvent(new CustomEvent("rakwon:rtc-state",
//     {detail: {booth: 12, publishing: true, viewers: 31, players: 1}}))
(function () {
  "use strict";

  var live = window.rakwonLive;

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  function remembered(key) {
    try { return window.sessionStorage.getItem(key); } catch (error) { return null; }
  }
  function remember(key, value) {
    try {
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch (error) { /* private mode: presenting is remembered for this page only */ }
  }

  function attach(section, options) {
    options = options || {};
    var place = options.place || placeOf(section);
    var kind = place.session !== undefined ? "session" : "booth";
    var placeId = place[kind];
    // A booth's is the same key as present.js on the document reader: a presenter who comes back
    // keeps control.
    var presentKey = kind === "booth" ? "rakwon.present." + placeId : "rakwon.present.session." + placeId;
    function here(data) { return Boolean(data) && data[kind] === placeId; }
    function naming(extra) {
      var data = {};
      data[kind] = placeId;
      Object.keys(extra || {}).forEach(function (key) { data[key] = extra[key]; });
      return data;
    }
    var players = options.players || null;
    var playersHome = players ? { parent: players.parentNode, next: players.nextSibling } : null;

    function find(selector) { return section.querySelector(selector); }
    function text(key) { return section.getAttribute("data-text-" + key) || ""; }

    var layout = find("[data-lws-layout]");
    var controls = find("[data-lws-controls]");
    var speaker = find("[data-lws-speaker]");
    var image = find("[data-lws-image]");
    var pageLabel = find("[data-lws-page-label]");
    var statusLine = find("[data-lws-status]");
    var reader = find("[data-lws-reader]");
    var buttons = {
      previous: find("[data-lws-previous]"),
      next: find("[data-lws-next]"),
      back: find("[data-lws-back]"),
      swap: find("[data-lws-swap]"),
      present: find("[data-lws-present]"),
      stop: find("[data-lws-stop]"),
    };
    var choice = find("[data-lws-document]");
    var watching = find("[data-lws-watching]");
    var followingLine = find("[data-lws-following]");
    var followersVersion = -1; // of the follower count shown: an older count never replaces it
    var mayPresent = section.getAttribute("data-may-present") === "1";

    var presented = null; // the presenter's page (a doc.page payload), or null
    var shown = null; // the page on screen: the presenter's, or one the reader turned to
    var attached = true; // following the presenter's pages
    var presenting = false; // this tab turns the pages for everyone
    var speakerLive = false; // the live video has someone to show

    // Every page of the place's documents, from the page links the template lists.
    function pagesOf(asset) {
      var list = document.querySelector('[data-slide-document="' + asset + '"]');
      if (!list) return [];
      return Array.prototype.map.call(list.querySelectorAll("a[data-image]"), function (link) {
        return {
          asset: asset,
          title: list.getAttribute("data-title") || "",
          page: parseInt(link.getAttribute("data-page"), 10),
          image: link.getAttribute("data-image"),
          width: parseInt(link.getAttribute("data-width"), 10),
          height: parseInt(link.getAttribute("data-height"), 10),
          url: link.getAttribute("href"),
        };
      });
    }

    function pageOf(asset, number) {
      var pages = pagesOf(asset);
      for (var i = 0; i < pages.length; i += 1) {
        if (pages[i].page === number) {
          pages[i].pages = presented && presented.asset === asset ? presented.pages : pages.length;
          return pages[i];
        }
      }
      return null;
    }

    function placeSpeaker() {
      var together = presented !== null && speakerLive && players !== null;
      if (players) {
        if (together && players.parentNode !== speaker) speaker.appendChild(players);
        if (!together && playersHome && players.parentNode !== playersHome.parent) {
          playersHome.parent.insertBefore(players, playersHome.next);
        }
      }
      speaker.hidden = !together;
      buttons.swap.hidden = !together;
      if (together) section.setAttribute("data-with-speaker", "");
      else section.removeAttribute("data-with-speaker");
    }

    function say() {
      if (!presented) statusLine.textContent = "";
      else if (presenting) statusLine.textContent = text("presenting");
      else if (attached) statusLine.textContent = text("following");
      else statusLine.textContent = fill(text("own"), presented);
    }

    function render() {
      section.hidden = !presented && !(mayPresent && choice);
      layout.hidden = !presented;
      controls.hidden = !presented;
      if (buttons.present) {
        buttons.present.hidden = presenting;
        buttons.stop.hidden = !presenting;
      }
      if (shown) {
        image.src = shown.image;
        image.width = shown.width;
        image.height = shown.height;
        image.alt = fill(text("alt"), shown);
        pageLabel.textContent = fill(text("page"), shown);
        reader.href = shown.url;
        var total = shown.pages || (presented ? presented.pages : 0);
        // A document made ready after this page loaded has no page links here: follow it only.
        var browsable = presenting || pagesOf(shown.asset).length > 0;
        buttons.previous.disabled = !browsable || shown.page <= 1;
        buttons.next.disabled = !browsable || shown.page >= total;
      }
      buttons.back.hidden = presenting || attached || !presented;
      placeSpeaker();
      say();
    }

    function follow(page) {
      presented = page;
      if (page && presenting && remembered(presentKey) !== String(page.asset)) presenting = false;
      if (attached || presenting || !shown || !page || shown.asset !== page.asset) {
        shown = page;
        if (page && !presenting) attached = true;
      }
      if (!page) {
        shown = null;
        attached = true;
      }
      render();
    }

    function showFollowers(followers) {
      if (!followingLine || typeof followers.version !== "number" || followers.version < followersVersion) return;
      followersVersion = followers.version;
      var key = followers.count === 0 ? "none" : followers.count === 1 ? "one" : "many";
      followingLine.textContent = fill(followingLine.getAttribute("data-text-" + key), { count: followers.count });
    }

    function failed(failure) {
      statusLine.textContent = (failure && failure.message) || text("offline");
    }

    function read(number) {
      if (!presented || !shown) return;
      if (presenting) {
        live.request("doc.page", naming({ page: number })).then(follow, failed);
        return;
      }
      var page = pageOf(shown.asset, number);
      if (!page) return;
      attached = false;
      shown = page;
      render();
    }

    function back() {
      attached = true;
      shown = presented;
      render();
      buttons.previous.focus();
    }

    function swap() {
      var speakerLarge = section.getAttribute("data-large") !== "speaker";
      section.setAttribute("data-large", speakerLarge ? "speaker" : "slides");
      buttons.swap.setAttribute("aria-pressed", speakerLarge ? "true" : "false");
      buttons.swap.textContent = speakerLarge ? text("slides-large") : text("speaker-large");
    }

    buttons.previous.addEventListener("click", function () { if (shown) read(shown.page - 1); });
    buttons.next.addEventListener("click", function () { if (shown) read(shown.page + 1); });
    buttons.back.addEventListener("click", back);
    buttons.swap.addEventListener("click", swap);

    if (buttons.present) {
      buttons.present.addEventListener("click", function () {
        var asset = parseInt(choice.value, 10);
        live.request("doc.present", naming({ asset: asset, page: 1 })).then(function (page) {
          presenting = true;
          remember(presentKey, String(page.asset));
          follow(page);
        }, failed);
      });
      buttons.stop.addEventListener("click", function () {
        live.request("doc.stop", naming()).then(function () {
          presenting = false;
          remember(presentKey, null);
          follow(null);
        }, failed);
      });
    }

    live.on("doc.page", function (page) {
      if (here(page)) follow(page);
    });
    live.on("doc.followers", function (followers) {
      if (here(followers)) showFollowers(followers);
    });
    live.on("doc.stopped", function (data) {
      if (!here(data)) return;
      presenting = false;
      remember(presentKey, null);
      follow(null);
    });
    // On every (re)connect: the follow group is per socket, so join it again; its reply says
    // what is presented now.
    live.on("open", function () {
      live.request("doc.follow", naming()).then(function (data) {
        var page = data.presenting;
        presenting = Boolean(page && mayPresent && remembered(presentKey) === String(page.asset));
        if (!page) remember(presentKey, null);
        // The reply is the whole count: after a reconnect (perhaps to a restarted server, whose
        // versions start again) it replaces what is shown.
        followersVersion = -1;
        if (data.followers) showFollowers(data.followers);
        follow(page);
      }, failed);
    });

    document.addEventListener("rakwon:rtc-state", function (event) {
      var state = event.detail || {};
      if (!here(state)) return;
      speakerLive = state.players > 0;
      if (watching) {
        var says = function (key) { return watching.getAttribute("data-text-" + key) || ""; };
        if (!state.publishing) watching.textContent = says("not-live");
        else if (state.viewers === 1) watching.textContent = says("one");
        else watching.textContent = fill(says("many"), { count: state.viewers || 0 });
      }
      render();
    });

    render();
    return { back: back, read: read, swap: swap };
  }

  function placeOf(section) {
    if (section.hasAttribute("data-session")) return { session: parseInt(section.getAttribute("data-session"), 10) };
    return { booth: parseInt(section.getAttribute("data-booth"), 10) };
  }

  window.rakwonLiveWithSlides = { attach: attach };

  function attachAll() {
    live = window.rakwonLive;
    if (!live) return;
    document.querySelectorAll("[data-live-with-slides]").forEach(function (section) {
      var players = section.getAttribute("data-players") || "#live-video [data-rtc-players]";
      attach(section, { players: document.querySelector(players) });
    });
  }
  // live.js may come later in the page than this script (both deferred, as on a session's page):
  // then attach once every deferred script ran, which is before DOMContentLoaded.
  if (live) attachAll();
  else document.addEventListener("DOMContentLoaded", attachAll);
})();
