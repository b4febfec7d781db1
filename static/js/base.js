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
  // A search box filters the checkbox list it names (data-filter-for); checked items stay.
  function pickerFilters() {
    document.querySelectorAll("input[data-filter-for]").forEach(function (box) {
      var list = document.getElementById(box.getAttribute("data-filter-for"));
      if (!list) { return; }
      box.hidden = false;
      box.addEventListener("input", function () {
        var needle = box.value.trim().toLocaleLowerCase();
        list.querySelectorAll("li").forEach(function (item) {
          var checked = item.querySelector("input:checked");
          var match = item.textContent.toLocaleLowerCase().indexOf(needle) !== -1;
          item.classList.toggle("filtered-out", !(match || checked));
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  document.addEventListener("DOMContentLoaded", pickerFilters);
  window.addEventListener("resize", focusableScrollers);
}());
