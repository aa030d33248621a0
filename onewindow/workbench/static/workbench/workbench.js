/* onewindow workbench: keyboard help for the intake page. No library besides htmx.
 *
 * Everything here is an enhancement: without JavaScript the item search is a GET form, the
 * results are links, and choosing one reloads the page with its checklist.
 *
 * - In the search box, Arrow Down moves to the first result and Enter chooses the first result
 *   (only when the results shown are for what is typed; otherwise the form is submitted).
 * - In the results, Arrow Up / Down move between them, Escape goes back to the search box.
 * - After a checklist is swapped in, focus moves to its first answer, so the clerk keeps typing.
 * - "Mark all received" ticks every material as received.
 * - Choosing "company" as the applicant type selects the credit code as the ID type.
 * - The intake form is sent once, however often its button is pressed.
 */
(function () {
  "use strict";

  function search() { return document.getElementById("id_q"); }

  function choices() {
    return Array.prototype.slice.call(document.querySelectorAll("#item-results a.item-choice"));
  }

  function resultsAreCurrent() {
    var box = document.querySelector("#item-results [data-q]");
    var input = search();
    return box !== null && input !== null && box.getAttribute("data-q") === input.value.trim();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target === search()) {
      var links = choices();
      if (!links.length || !resultsAreCurrent()) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); links[0].focus(); }
      else if (event.key === "Enter") { event.preventDefault(); links[0].click(); }
      return;
    }
    if (target.classList && target.classList.contains("item-choice")) {
      var list = choices();
      var i = list.indexOf(target);
      if (event.key === "ArrowDown" && i < list.length - 1) { event.preventDefault(); list[i + 1].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); (i > 0 ? list[i - 1] : search()).focus(); }
      else if (event.key === "Escape") { event.preventDefault(); search().focus(); }
    }
  });

  function showMarkAll(root) {
    var buttons = (root || document).querySelectorAll("[data-mark-all]");
    for (var i = 0; i < buttons.length; i++) { buttons[i].hidden = false; }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-mark-all]") : null;
    if (!button) { return; }
    var radios = document.querySelectorAll("#item-panel input[type=radio][value=received]");
    for (var i = 0; i < radios.length; i++) { radios[i].checked = true; }
  });

  // A company applies with its unified social credit code, a person usually with an ID card:
  // switching the applicant type switches the usual ID type (the clerk may still change it).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name !== "kind" || !target.checked) { return; }
    var idType = document.getElementById("id_id_type");
    if (!idType) { return; }
    if (target.value === "company" && idType.value === "resident_id") { idType.value = "uscc"; }
    else if (target.value === "person" && idType.value === "uscc") { idType.value = "resident_id"; }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail || !event.detail.target || event.detail.target.id !== "item-panel") { return; }
    showMarkAll(event.detail.target);
    var first = event.detail.target.querySelector("input[type=radio]:not([disabled])") ||
      event.detail.target.querySelector("#chosen-title");
    if (first) { first.focus(); }
  });

  // One press, one case: a second click while the first submission is on its way is ignored.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "intake-form") { return; }
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });

  // Coming back with the Back button restores the page as it was: let it be sent again.
  window.addEventListener("pageshow", function () {
    var form = document.getElementById("intake-form");
    if (form) { delete form.dataset.sent; }
  });

  document.addEventListener("DOMContentLoaded", function () { showMarkAll(document); });
}());
