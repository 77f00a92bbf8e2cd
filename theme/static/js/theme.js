// The light/dark toggle in the masthead. The choice is remembered in localStorage and
// applied before first paint by the inline script in base.html; with no choice stored,
// the reader's system setting (prefers-color-scheme) decides.
(function () {
  "use strict";
  var KEY = "archive-theme";
  var root = document.documentElement;
  var button = document.querySelector(".theme-toggle");
  if (!button) return;
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  function current() {
    return root.dataset.theme || (systemDark.matches ? "dark" : "light");
  }

  function show() {
    button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
  }

  button.addEventListener("click", function () {
    var next = current() === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    try {
      localStorage.setItem(KEY, next);
    } catch (error) {
      // Storage can be unavailable (private mode); the choice then lasts for this page.
    }
    show();
  });
  systemDark.addEventListener("change", show);
  show();
})();
