/* Quarterly report form: a draft is never lost by leaving the page. While the form holds
   changes not yet saved (text typed, a file chosen), a note says so and the browser asks
   before the page is left; saving or submitting the form clears it. No inline code (CSP). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-guard]");
  if (!form) { return; }
  var note = document.getElementById("unsaved-note");
  var dirty = false;

  function mark() {
    dirty = true;
    if (note) { note.hidden = false; }
  }

  form.addEventListener("input", mark);
  form.addEventListener("change", mark);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to show their prompt
  });
})();
