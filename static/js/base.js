/* Reform Portal, every page: a table or box that scrolls sideways on a narrow screen can be
   reached and scrolled with the keyboard (WCAG 2.1.1). No inline code (CSP). */
(function () {
  "use strict";
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap, table.data").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);
}());
