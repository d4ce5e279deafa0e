// After a refused send, focus moves to the error summary (#errors), which the page puts
// first, so a phone shows it and a screen reader reads it. A link in the summary moves
// focus to its field, not only the scroll position. Pages work the same without it.
(function () {
  "use strict";
  function ready() {
    var summary = document.getElementById("errors");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({block: "center"});
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
