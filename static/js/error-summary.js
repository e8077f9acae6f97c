/*
 * The error summary (templates/_error_summary.html) takes the focus when the page loads, so a
 * screen reader reads it and the user sees it whatever the length of the form. Its links work
 * without this script (they go to the field); with it, a link also puts the focus in the field
 * and scrolls its label into view, as GOV.UK's error summary does.
 */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  function focusSummary() {
    if (document.activeElement !== summary && !summary.contains(document.activeElement)) {
      summary.focus();
    }
  }
  focusSummary();
  // A page reached at a #fragment (a refused action sent back to its entry) moves the focus
  // to that fragment as it loads: the summary takes it back.
  window.addEventListener("load", focusSummary);
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
