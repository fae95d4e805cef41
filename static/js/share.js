// The phone's own share sheet (Web Share API). The share links beside it work without this file;
// the button only appears where the browser can share.
(function () {
  "use strict";
  if (typeof navigator.share !== "function") { return; }
  document.querySelectorAll("[data-share-sheet]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({
        title: button.getAttribute("data-share-title"),
        text: button.getAttribute("data-share-text"),
        url: button.getAttribute("data-share-url")
      }).catch(function () {});  // the person closed the sheet: nothing to do
    });
  });
})();
