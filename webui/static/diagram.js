/* govflow diagrams: zoom and pan by keyboard and mouse, and open on the current step (or
   the first change, on a comparison).
   Served by govflow under its Content-Security-Policy (no inline script). Without this
   script the drawing still fits its box's width and scrolls. */
(function () {
  "use strict";
  var STEP = 1.25;       // one zoom step
  var MIN = 0.5;         // of the fitted width
  var MAX = 6;
  var READABLE = 0.6;    // drawn px per diagram unit below which labels are too small
  var PAN = 60;          // px per arrow key press

  function setup(view) {
    if (view.getAttribute("data-live")) { return; }  // the script may be included twice
    var box = view.querySelector(".diagram-box");
    var drawing = box && box.querySelector(".diagram-canvas > svg, .diagram-canvas > img");
    if (!drawing) { return; }
    view.setAttribute("data-live", "1");
    var level = view.querySelector(".diagram-level");
    var zoom = 1;  // 1 = the drawing as wide as the box

    view.querySelector(".diagram-tools").hidden = false;
    var keys = view.querySelector(".diagram-keys");
    if (keys) { keys.hidden = false; }

    function naturalWidth() {
      var vb = drawing.viewBox && drawing.viewBox.baseVal;
      return vb && vb.width ? vb.width : 0;
    }

    function show() {
      if (level) { level.textContent = Math.round(zoom * 100) + "%"; }
    }

    // Zoom to `next`, keeping the point at (fx, fy) of the box where it is.
    function setZoom(next, fx, fy) {
      next = Math.max(MIN, Math.min(MAX, next));
      var w = box.scrollWidth || 1, h = box.scrollHeight || 1;
      var px = (box.scrollLeft + box.clientWidth * fx) / w;
      var py = (box.scrollTop + box.clientHeight * fy) / h;
      zoom = next;
      drawing.setAttribute("width", (zoom * 100) + "%");
      box.scrollLeft = px * box.scrollWidth - box.clientWidth * fx;
      box.scrollTop = py * box.scrollHeight - box.clientHeight * fy;
      show();
    }

    function centreOn(el) {
      var r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
      box.scrollLeft += r.left + r.width / 2 - (b.left + box.clientLeft + box.clientWidth / 2);
      box.scrollTop += r.top + r.height / 2 - (b.top + box.clientTop + box.clientHeight / 2);
    }

    view.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-zoom");
        if (how === "fit") { setZoom(1, 0.5, 0.5); box.scrollLeft = 0; }
        else { setZoom(how === "in" ? zoom * STEP : zoom / STEP, 0.5, 0.5); }
      });
    });

    box.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      var k = event.key, code = event.code;
      // By the key's place too: with the Thai (Kedmanee) layout on, "+" and "-" type
      // Thai letters, and a clerk should not have to switch layouts to zoom.
      if (k === "+" || k === "=" || code === "Equal" || code === "NumpadAdd") {
        setZoom(zoom * STEP, 0.5, 0.5);
      } else if (k === "-" || k === "_" || code === "Minus" || code === "NumpadSubtract") {
        setZoom(zoom / STEP, 0.5, 0.5);
      } else if (k === "0" || code === "Digit0" || code === "Numpad0") {
        setZoom(1, 0.5, 0.5); box.scrollLeft = 0;
      } else if (k === "ArrowLeft") { box.scrollLeft -= PAN; }
      else if (k === "ArrowRight") { box.scrollLeft += PAN; }
      else if (k === "ArrowUp") { box.scrollTop -= PAN; }
      else if (k === "ArrowDown") { box.scrollTop += PAN; }
      else { return; }
      event.preventDefault();
    });

    // Ctrl + wheel zooms around the pointer, as in maps; a plain wheel scrolls.
    box.addEventListener("wheel", function (event) {
      if (!event.ctrlKey) { return; }
      event.preventDefault();
      var b = box.getBoundingClientRect();
      setZoom(event.deltaY < 0 ? zoom * STEP : zoom / STEP,
              (event.clientX - b.left) / b.width, (event.clientY - b.top) / b.height);
    }, { passive: false });

    // Drag to pan with the mouse (touch keeps its own scrolling).
    var drag = null;
    box.addEventListener("pointerdown", function (event) {
      if (event.pointerType !== "mouse" || event.button !== 0) { return; }
      drag = { x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop };
      box.setPointerCapture(event.pointerId);
      box.classList.add("is-dragging");
    });
    box.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      box.scrollLeft = drag.left - (event.clientX - drag.x);
      box.scrollTop = drag.top - (event.clientY - drag.y);
    });
    function stop() { drag = null; box.classList.remove("is-dragging"); }
    box.addEventListener("pointerup", stop);
    box.addEventListener("pointercancel", stop);

    // The step to open on: a case's current step or, on a comparison, the first change.
    var current = drawing.querySelector ? (drawing.querySelector("#diagram-current") ||
      drawing.querySelector(".change-added, .change-changed, .change-removed")) : null;
    view.querySelectorAll("[data-show-current]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!current) { return; }
        event.preventDefault();
        box.scrollIntoView({ block: "nearest" });
        centreOn(current);
        box.focus();
      });
    });

    // Open readable: a drawing much wider than its box starts zoomed in, on the step above.
    var fitted = naturalWidth() ? box.clientWidth / naturalWidth() : 1;
    if (box.clientWidth && fitted < READABLE) { setZoom(READABLE / fitted, 0.5, 0.5); }
    if (current && box.clientWidth) { centreOn(current); }
    show();
  }

  function start() { document.querySelectorAll("[data-diagram]").forEach(setup); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
