// Placing a booth on the hall plan itself: click a free cell, drag the booth, drag its corner, or
// focus it and use the arrow keys (Shift + arrows resize). The form's Hall/Column/Row/Width/Depth
// fields stay what is posted (and all there is without JavaScript): the plan only fills them in,
// and follows them when they are typed. The server checks overlaps and plan edges again.
(function () {
  "use strict";
  var form = document.querySelector("[data-plan-editor]");
  if (!form) return;
  var SVG = "http://www.w3.org/2000/svg";
  var fields = {
    hall: form.querySelector("[name=hall]"),
    x: form.querySelector("[name=x]"),
    y: form.querySelector("[name=y]"),
    width: form.querySelector("[name=width]"),
    height: form.querySelector("[name=height]"),
  };
  if (!fields.hall || !fields.x || !fields.y || !fields.width || !fields.height) return;
  var status = document.querySelector("[data-plan-status]");
  var editing = form.getAttribute("data-plan-editing");
  var plans = {};
  document.querySelectorAll("svg[data-plan-hall]").forEach(function (svg) {
    plans[svg.getAttribute("data-plan-hall")] = svg;
  });
  var help = document.querySelector(".plan-editor-help");
  if (help) help.hidden = false;

  function text(name, values) {
    return form.getAttribute("data-plan-text-" + name).replace(/%\((\w+)\)s/g, function (_m, key) {
      return String(values[key]);
    });
  }

  function whole(input, fallback) {
    var value = parseInt(input.value, 10);
    return isNaN(value) ? fallback : value;
  }

  function state() {
    return {
      hall: fields.hall.value,
      x: whole(fields.x, 0),
      y: whole(fields.y, 0),
      width: Math.max(1, whole(fields.width, 2)),
      height: Math.max(1, whole(fields.height, 2)),
    };
  }

  // The other booths of a hall as rectangles (the booth being edited is not in its own way).
  function othersIn(svg) {
    var rects = [];
    svg.querySelectorAll("[data-plan-booth]").forEach(function (group) {
      if (group.getAttribute("data-plan-booth") === editing) {
        group.classList.add("being-moved");
        return;
      }
      var r = group.querySelector("rect");
      rects.push({
        number: group.getAttribute("data-plan-number"),
        x: +r.getAttribute("x"), y: +r.getAttribute("y"),
        width: +r.getAttribute("width"), height: +r.getAttribute("height"),
      });
    });
    return rects;
  }

  function overlapping(svg, s) {
    return othersIn(svg).filter(function (o) {
      return !(s.x + s.width <= o.x || o.x + o.width <= s.x || s.y + s.height <= o.y || o.y + o.height <= s.y);
    })[0];
  }

  // Keep the booth on the plan: a move stops at the edge, a resize never passes it.
  function clamp(svg, s) {
    var columns = +svg.getAttribute("data-plan-columns");
    var rows = +svg.getAttribute("data-plan-rows");
    s.width = Math.min(Math.max(1, s.width), columns);
    s.height = Math.min(Math.max(1, s.height), rows);
    s.x = Math.min(Math.max(0, s.x), columns - s.width);
    s.y = Math.min(Math.max(0, s.y), rows - s.height);
    return s;
  }

  var marker = null; // the <g> drawn for the booth being placed, in the current hall's plan
  var lastAnnounced = "";

  function makeMarker() {
    var group = document.createElementNS(SVG, "g");
    group.setAttribute("class", "placing");
    group.setAttribute("tabindex", "0");
    group.setAttribute("role", "button");
    group.setAttribute("aria-label", text("label", {}));
    group.setAttribute("aria-describedby", "plan-editor-status");
    var body = document.createElementNS(SVG, "rect");
    body.setAttribute("class", "placing-body");
    body.setAttribute("rx", ".15");
    var handle = document.createElementNS(SVG, "rect");
    handle.setAttribute("class", "placing-handle");
    handle.setAttribute("width", ".6");
    handle.setAttribute("height", ".6");
    group.appendChild(body);
    group.appendChild(handle);
    group.addEventListener("keydown", onKey);
    body.addEventListener("pointerdown", function (event) { startDrag(event, "move"); });
    handle.addEventListener("pointerdown", function (event) { startDrag(event, "resize"); });
    return group;
  }

  function draw(announce) {
    var s = state();
    var svg = plans[s.hall];
    Object.keys(plans).forEach(function (hall) {
      plans[hall].classList.toggle("plan-editing", hall === s.hall);
    });
    if (!svg) {
      if (marker && marker.parentNode) marker.parentNode.removeChild(marker);
      return;
    }
    svg.setAttribute("role", "group"); // its booth marker is a control, not part of a picture
    if (!marker) marker = makeMarker();
    if (marker.parentNode !== svg) svg.appendChild(marker);
    var body = marker.querySelector(".placing-body");
    body.setAttribute("x", s.x);
    body.setAttribute("y", s.y);
    body.setAttribute("width", s.width);
    body.setAttribute("height", s.height);
    var handle = marker.querySelector(".placing-handle");
    handle.setAttribute("x", s.x + s.width - 0.6);
    handle.setAttribute("y", s.y + s.height - 0.6);
    var other = overlapping(svg, s);
    marker.classList.toggle("overlap", !!other);
    var message = text("place", { column: s.x, row: s.y, width: s.width, depth: s.height });
    if (other) message += " " + text("overlap", { number: other.number });
    if (status && announce && message !== lastAnnounced) {
      status.textContent = message;
      lastAnnounced = message;
    }
  }

  function write(s) {
    var svg = plans[s.hall];
    if (svg) clamp(svg, s);
    if (fields.hall.value !== s.hall) fields.hall.value = s.hall;
    fields.x.value = s.x;
    fields.y.value = s.y;
    fields.width.value = s.width;
    fields.height.value = s.height;
    draw(true);
  }

  function cellAt(svg, event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var local = point.matrixTransform(svg.getScreenCTM().inverse());
    return { x: Math.floor(local.x), y: Math.floor(local.y), fx: local.x, fy: local.y };
  }

  function onKey(event) {
    var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    var step = moves[event.key];
    if (!step) return;
    event.preventDefault();
    var s = state();
    if (event.shiftKey) {
      s.width += step[0];
      s.height += step[1];
    } else {
      s.x += step[0];
      s.y += step[1];
    }
    write(s);
  }

  var drag = null;

  function startDrag(event, mode) {
    if (event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    var s = state();
    var svg = plans[s.hall];
    var at = cellAt(svg, event);
    drag = { mode: mode, svg: svg, start: s, from: at };
    event.target.setPointerCapture(event.pointerId);
    marker.focus();
    event.target.addEventListener("pointermove", onDrag);
    event.target.addEventListener("pointerup", endDrag, { once: true });
    event.target.addEventListener("pointercancel", endDrag, { once: true });
  }

  function onDrag(event) {
    if (!drag) return;
    var at = cellAt(drag.svg, event);
    var s = {
      hall: drag.start.hall, x: drag.start.x, y: drag.start.y,
      width: drag.start.width, height: drag.start.height,
    };
    var dx = Math.round(at.fx - drag.from.fx);
    var dy = Math.round(at.fy - drag.from.fy);
    if (drag.mode === "move") {
      s.x += dx;
      s.y += dy;
    } else {
      s.width += dx;
      s.height += dy;
    }
    write(s);
  }

  function endDrag(event) {
    event.target.removeEventListener("pointermove", onDrag);
    drag = null;
  }

  // A click on the plan of any hall puts the booth there, at the cell clicked.
  Object.keys(plans).forEach(function (hall) {
    var svg = plans[hall];
    svg.addEventListener("click", function (event) {
      if (marker && marker.contains(event.target)) return;
      var at = cellAt(svg, event);
      var s = state();
      s.hall = hall;
      s.x = at.x;
      s.y = at.y;
      write(s);
      marker.focus();
    });
  });

  ["hall", "x", "y", "width", "height"].forEach(function (name) {
    fields[name].addEventListener("input", function () { draw(false); });
    fields[name].addEventListener("change", function () { draw(false); });
  });
  draw(false);
})();
