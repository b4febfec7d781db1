// A generated report's page: while the report is queued or being built, ask its status every
// two seconds and show the progress; when done, show the download link; when failed, the error.
(function () {
  "use strict";
  var box = document.getElementById("briefing-status");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var label = document.getElementById("briefing-status-label");
  var bar = document.getElementById("briefing-progress");
  var error = document.getElementById("briefing-error");
  var download = document.getElementById("briefing-download");
  var link = document.getElementById("briefing-download-link");

  function show(data) {
    label.textContent = data.status_label;
    bar.value = data.progress;
    bar.textContent = data.progress + "%";
    if (data.status === "done") {
      link.href = data.download;
      download.hidden = false;
    }
    if (data.status === "failed") {
      error.querySelector("span").textContent = data.error;
      error.hidden = false;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (data.status === "queued" || data.status === "running") {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  var state = box.getAttribute("data-status");
  if (state === "queued" || state === "running") poll();
})();
