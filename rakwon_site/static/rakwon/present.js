// Shared documents on the reader page ([data-present]) over live.js's socket: staff present the
// document they are reading; followers see the presenter's page swapped in place. Turning a page
// yourself is a full page load that leaves following, as the protocol intends.
(function () {
  "use strict";

  var live = window.rakwonLive;
  var box = document.querySelector("[data-present]");
  if (!live || !box) {
    return;
  }

  var booth = parseInt(box.getAttribute("data-booth"), 10);
  var asset = parseInt(box.getAttribute("data-asset"), 10);
  var page = parseInt(box.getAttribute("data-page"), 10);
  var followKey = "rakwon.follow." + booth;
  var presentKey = "rakwon.present." + booth;
  var statusLine = box.querySelector("[data-present-status]");
  var buttons = {
    follow: box.querySelector("[data-present-follow]"),
    unfollow: box.querySelector("[data-present-unfollow]"),
    start: box.querySelector("[data-present-start]"),
    stop: box.querySelector("[data-present-stop]"),
  };

  // sessionStorage keeps "I follow" / "I present" across this tab's page loads only.
  function remembered(key) {
    try { return window.sessionStorage.getItem(key); } catch (error) { return null; }
  }
  function remember(key, value) {
    try {
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch (error) { /* private mode: following lasts for this page only */ }
  }

  var following = remembered(followKey) === "1";
  var presenting = remembered(presentKey) === String(asset);

  function say(name) {
    statusLine.textContent = box.getAttribute("data-present-" + name) || "";
  }

  function show() {
    // The presenter leads: following the presenter (themselves) is not offered meanwhile.
    buttons.follow.hidden = following || presenting;
    buttons.unfollow.hidden = !following || presenting;
    if (buttons.start) {
      buttons.start.hidden = presenting;
      buttons.stop.hidden = !presenting;
    }
    box.hidden = false;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  function showPage(shown) {
    if (shown.asset !== asset) {
      remember(followKey, "1"); // the presenter moved to another document: follow them there
      window.location.assign(shown.url);
      return;
    }
    page = shown.page;
    var image = document.querySelector(".document-page img");
    if (image) {
      image.src = shown.image;
      image.width = shown.width;
      image.height = shown.height;
      image.alt = fill(box.getAttribute("data-present-alt"), shown);
    }
    var label = document.querySelector("[data-page-label]");
    if (label) label.textContent = fill(box.getAttribute("data-present-page-label"), shown);
    var previous = document.querySelector('.page-turn a[rel="prev"]');
    var next = document.querySelector('.page-turn a[rel="next"]');
    if (previous) { previous.href = "?page=" + (page - 1); previous.hidden = page <= 1; }
    if (next) { next.href = "?page=" + (page + 1); next.hidden = page >= shown.pages; }
    var jump = document.getElementById("page-number");
    if (jump) jump.value = String(page);
    if (window.history && window.history.replaceState) window.history.replaceState(null, "", shown.url);
  }

  function failed(failure) {
    statusLine.textContent = failure.message || box.getAttribute("data-present-offline");
  }

  function follow() {
    return live.request("doc.follow", { booth: booth }).then(function (data) {
      following = true;
      remember(followKey, "1");
      show();
      if (data.presenting) {
        say("following");
        showPage(data.presenting);
      } else {
        say("waiting");
      }
    }, failed);
  }

  function unfollow() {
    following = false;
    remember(followKey, null);
    show();
    say("idle");
    live.request("doc.unfollow", { booth: booth }).catch(function () {});
  }

  function present() {
    return live.request("doc.present", { booth: booth, asset: asset, page: page }).then(function () {
      if (following) unfollow();
      presenting = true;
      remember(presentKey, String(asset));
      show();
      say("presenting");
    }, failed);
  }

  function stop() {
    live.request("doc.stop", { booth: booth }).then(function () {
      presenting = false;
      remember(presentKey, null);
      show();
      say("idle");
    }, failed);
  }

  live.on("doc.page", function (shown) {
    if (shown.booth !== booth || !following || presenting) return;
    say("following");
    showPage(shown);
  });
  live.on("doc.stopped", function (data) {
    if (data.booth === booth && following) say("stopped");
  });
  // On every (re)connect: groups are per socket, so follow and present again.
  live.on("open", function () {
    show();
    if (presenting) present();
    if (following) follow();
    else if (!presenting) say("idle");
  });

  buttons.follow.addEventListener("click", follow);
  buttons.unfollow.addEventListener("click", unfollow);
  if (buttons.start) {
    buttons.start.addEventListener("click", present);
    buttons.stop.addEventListener("click", stop);
  }

  // Turning a page yourself means reading on your own: stop following before the page loads.
  document.querySelectorAll(".page-turn a, .page-jump").forEach(function (control) {
    control.addEventListener(control.tagName === "FORM" ? "submit" : "click", function () {
      if (following) remember(followKey, null);
    });
  });
})();
