/* onewindow — the one script of every page (no inline script: the pages run under a CSP without it).
 *
 * The header menu on a phone: folded behind the "menu" button, which opens and closes it. Without
 * this script the button stays hidden and the menu stays open, so nothing depends on it.
 */
(function () {
  "use strict";

  function setUpMenu() {
    var header = document.querySelector("header.top");
    var toggle = header && header.querySelector(".menu-toggle");
    if (!toggle) {
      return;
    }
    function setOpen(open) {
      header.classList.toggle("menu-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    header.classList.add("has-menu-toggle");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpMenu);
  } else {
    setUpMenu();
  }
})();
