// Picks a viewer's video tier from the link it measures: every few seconds it reads the peer's
// getStats() (inbound bitrate, packet loss, jitter) and navigator.connection.downlink when the
// browser has it, and steps down at once when the link suffers, up only after it stayed good.
//   var picker = rakwonTierPicker.create(pc, "standard", function (tier) { ... switch ... });
//   picker.stop();
(function () {
  "use strict";

  var ORDER = ["audio_only", "low", "standard"];
  var SAMPLE_MS = 3000;
  var GOOD_SAMPLES_TO_STEP_UP = 4; // ~12 s of a good link before asking for more
  var MIN_MS_BETWEEN_SWITCHES = 8000;
  // What each tier needs of the link, in kbit/s, with room for bursts (tiers.py promises the caps).
  var NEEDS_KBPS = { standard: 1000, low: 350, audio_only: 0 };
  var BAD_LOSS = { standard: 0.05, low: 0.1 };
  var BAD_JITTER_S = 0.1;

  function downlinkKbps() {
    var connection = navigator.connection;
    if (!connection || typeof connection.downlink !== "number" || connection.downlink <= 0) return null;
    return connection.downlink * 1000; // the browser reports Mbit/s
  }

  function create(pc, tier, onChange) {
    var previous = null;
    var good = 0;
    var lastSwitch = Date.now();
    var current = tier;

    function change(next) {
      if (next === current) return;
      current = next;
      good = 0;
      lastSwitch = Date.now();
      onChange(next);
    }

    function measure(report) {
      var totals = { bytes: 0, received: 0, lost: 0, jitter: 0 };
      report.forEach(function (stat) {
        if (stat.type !== "inbound-rtp") return;
        totals.bytes += stat.bytesReceived || 0;
        totals.received += stat.packetsReceived || 0;
        totals.lost += Math.max(0, stat.packetsLost || 0);
        totals.jitter = Math.max(totals.jitter, stat.jitter || 0);
      });
      totals.at = Date.now();
      return totals;
    }

    function judge(now) {
      if (!previous) return null;
      var seconds = (now.at - previous.at) / 1000;
      var received = now.received - previous.received;
      var lost = now.lost - previous.lost;
      return {
        kbps: seconds > 0 ? ((now.bytes - previous.bytes) * 8) / 1000 / seconds : 0,
        loss: received + lost > 0 ? lost / (received + lost) : 0,
        jitter: now.jitter,
      };
    }

    function decide(link) {
      var index = ORDER.indexOf(current);
      var downlink = downlinkKbps();
      var suffering =
        (BAD_LOSS[current] !== undefined && link.loss > BAD_LOSS[current]) ||
        link.jitter > BAD_JITTER_S ||
        (downlink !== null && downlink < NEEDS_KBPS[current]);
      if (suffering && index > 0) {
        change(ORDER[index - 1]); // down at once: a frozen picture is worse than a small one
        return;
      }
      var healthy = link.loss < 0.02 && link.jitter < BAD_JITTER_S / 2;
      good = healthy ? good + 1 : 0;
      var above = ORDER[index + 1];
      if (
        above &&
        good >= GOOD_SAMPLES_TO_STEP_UP &&
        Date.now() - lastSwitch > MIN_MS_BETWEEN_SWITCHES &&
        (downlink === null || downlink >= NEEDS_KBPS[above])
      ) {
        change(above);
      }
    }

    var timer = setInterval(function () {
      if (pc.connectionState !== "connected") return;
      pc.getStats().then(function (report) {
        var now = measure(report);
        var link = judge(now);
        previous = now;
        if (link) decide(link);
      }).catch(function () {});
    }, SAMPLE_MS);

    return {
      stop: function () { clearInterval(timer); },
      set: function (tier) { current = tier; good = 0; lastSwitch = Date.now(); },
    };
  }

  // The first tier before anything is measured: what the browser says of its link, if it says.
  function initial() {
    var downlink = downlinkKbps();
    if (downlink === null || downlink >= NEEDS_KBPS.standard) return "standard";
    return downlink >= NEEDS_KBPS.low ? "low" : "audio_only";
  }

  window.rakwonTierPicker = { create: create, initial: initial };
})();
