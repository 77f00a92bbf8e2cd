// The light/dark toggle in the masthead. Loaded in <head> without defer, so a remembered
// choice is applied before the first paint (no flash of the wrong colours); the button
// is wired once the page is parsed. With no choice stored, the reader's system setting
// (prefers-color-scheme) decides. data-theme present at all (even empty) tells the
// stylesheet that the toggle works, so it is shown.
(function () {
  "use strict";
  var KEY = "archiveTheme";
  var root = document.documentElement;
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");
  var stored = "";
  try {
    stored = localStorage.getItem(KEY) || "";
  } catch (error) {
    // Storage can be unavailable (private mode); the choice then lasts for this page.
  }
  root.dataset.theme = stored === "dark" || stored === "light" ? stored : "";

  function current() {
    return root.dataset.theme || (systemDark.matches ? "dark" : "light");
  }

  function wire() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    function show() {
      button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
    }
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try {
        localStorage.setItem(KEY, next);
      } catch (error) {
        // As above: without storage the choice is not remembered.
      }
      show();
    });
    systemDark.addEventListener("change", show);
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
