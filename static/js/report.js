/* Quarterly report form: a draft is never lost by leaving the page. While the form holds
   changes not yet saved (text typed, a file chosen), a note says so and the browser asks
   before the page is left; saving or submitting the form clears it. No inline code (CSP).

   What is typed is also kept in this browser (localStorage, one entry per report and account)
   as it is typed, so that a save that never reached the database (the server down, a 503, a
   lost connection) costs nothing: the next visit puts the text back, says so, and the head
   saves it. The entry is dropped once the page shows the same text coming from the server
   (the save went through) or the report is submitted; it is kept while the page shows form
   errors (nothing was saved). */
(function () {
  "use strict";
  var done = document.querySelector("form[data-draft][data-draft-done]");
  if (done) {
    // Submitted (or approved): the text went through the form's save; nothing to keep.
    try { window.localStorage.removeItem(done.getAttribute("data-draft")); } catch (e) { /* */ }
  }
  var form = document.querySelector("form[data-guard]");
  if (!form) { return; }
  var note = document.getElementById("unsaved-note");
  var restored = document.getElementById("draft-restored");
  var key = form.getAttribute("data-draft");
  var dirty = false;
  var ERRORS = ".error, .errorlist, [aria-invalid='true']";

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && !el.disabled &&
        (el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
         (el.tagName === "INPUT" && ["text", "number", "search", ""].indexOf(el.type) >= 0));
    });
  }

  function values() {
    var out = {};
    fields().forEach(function (el) { out[el.name] = el.value; });
    return out;
  }

  function storage() {
    try { return key ? window.localStorage : null; } catch (e) { return null; }
  }

  function keep() {
    var store = storage();
    if (!store) { return; }
    try {
      store.setItem(key, JSON.stringify({ at: new Date().toISOString(), fields: values() }));
    } catch (e) { /* storage full or refused: the guard on leaving still works */ }
  }

  function mark() {
    dirty = true;
    if (note) { note.hidden = false; }
  }

  function restore() {
    var store = storage();
    var kept = null;
    try { kept = store && JSON.parse(store.getItem(key) || "null"); } catch (e) { kept = null; }
    if (!kept || !kept.fields) { return; }
    var changed = false;
    fields().forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(kept.fields, el.name) &&
          kept.fields[el.name] !== el.value) {
        el.value = kept.fields[el.name];
        changed = true;
      }
    });
    if (changed) {
      mark();
      if (restored) {
        var when = restored.querySelector("[data-draft-time]");
        if (when) {
          when.textContent = new Date(kept.at).toLocaleString(document.documentElement.lang || "vi");
        }
        restored.hidden = false;
      }
    } else if (!form.querySelector(ERRORS)) {
      store.removeItem(key);  // the server holds exactly this text: it was saved
    }
  }

  restore();
  // A page shown with errors holds what was posted but nothing of it was saved: it is unsaved.
  if (form.querySelector(ERRORS)) { mark(); keep(); }
  form.addEventListener("input", function () { mark(); keep(); });
  form.addEventListener("change", function () { mark(); keep(); });
  form.addEventListener("submit", function () { keep(); dirty = false; });
  var discard = document.getElementById("draft-discard");
  if (discard) {
    discard.addEventListener("click", function () {
      var store = storage();
      if (store) { store.removeItem(key); }
      dirty = false;
      window.location.reload();
    });
  }
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to show their prompt
  });
})();
