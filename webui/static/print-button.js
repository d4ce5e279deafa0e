// The receipt's "print or save as PDF" button. Without this script the button stays
// hidden and the page's own words say how to print; with it, one press opens the
// browser's print dialogue, where "Save as PDF" is one of the printers.
(function () {
  "use strict";
  function ready() {
    var button = document.getElementById("print-receipt");
    if (!button || typeof window.print !== "function") {
      return;
    }
    button.hidden = false;
    // The words on printing by hand are for pages without this script.
    var help = document.getElementById("print-help");
    if (help) {
      help.hidden = true;
    }
    button.addEventListener("click", function () {
      window.print();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
