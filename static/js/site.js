// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Move focus to the first thing to fix: the field of the first error listed in the summary
  // (its label and error are read with it), or the summary itself when that error is not a field's.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    var firstItem = summary.querySelector("li");
    var link = firstItem && firstItem.querySelector("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    (field || summary).focus();
  }
  // Copy buttons: copy the text of the element they point at.
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      if (!target) { return; }
      var text = target.value || target.textContent;
      var status = document.getElementById(button.getAttribute("data-copy-status"));
      var done = function () { if (status) { status.textContent = button.getAttribute("data-copied-text"); } };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { target.select && target.select(); });
      } else if (target.select) {
        target.select();
        document.execCommand("copy");
        done();
      }
    });
  });
  // Signing table: after a set time the page returns to the dashboard by itself.
  var table = document.querySelector("[data-table-expires]");
  if (table) {
    var ms = Date.parse(table.getAttribute("data-table-expires")) - Date.now();
    if (ms > 0) {
      window.setTimeout(function () { window.location.reload(); }, ms + 1000);
    }
  }
})();
