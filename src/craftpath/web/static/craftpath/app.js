// craftpath's small behaviours for the app's pages; every page works without them.
(function () {
  "use strict";

  // The rating control: with focus on a rating (or anywhere in its statement row but a text
  // field), the keys 1–4 choose the scale's values in order and N chooses Not applicable.
  function ratingKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.matches("textarea, select, input:not([type=radio]):not([type=checkbox])")) return;
    var row = target.closest(".statement-row, .rating-scale");
    if (!row) return;
    var scale = row.matches(".rating-scale") ? row : row.querySelector(".rating-scale");
    if (!scale) return;
    var key = event.key.toLowerCase();
    var input = scale.querySelector('input[data-key="' + key + '"]');
    if (!input) return;
    event.preventDefault();
    if (!input.checked) input.click(); // fires input and change, so the row autosaves
    // Not applicable moves on to the reason it needs (openReasonForNotApplicable); the other
    // keys leave focus on the scale.
    if (document.activeElement.name !== "reason") input.focus();
  }

  // GOV.UK's error summary: take focus on load so it is read out first.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  }

  // The org chart's search: keep people whose name, email or level matches, with their chain of
  // managers, and open the branches that lead to them.
  function orgSearch(input) {
    var tree = document.getElementById(input.getAttribute("aria-controls"));
    var status = document.getElementById(input.dataset.status);
    if (!tree) return;
    var words = input.value.trim().toLowerCase();
    var items = tree.querySelectorAll("li[data-search]");
    var shown = 0;
    items.forEach(function (li) { li.classList.remove("hidden-by-search"); });
    if (!words) {
      if (status) status.textContent = "";
      return;
    }
    items.forEach(function (li) {
      var own = li.dataset.search.indexOf(words) !== -1;
      var below = Array.prototype.some.call(li.querySelectorAll("li[data-search]"), function (child) {
        return child.dataset.search.indexOf(words) !== -1;
      });
      if (own) shown += 1;
      if (own || below) {
        var details = li.querySelector(":scope > details");
        if (details && below) details.open = true;
      } else {
        li.classList.add("hidden-by-search");
      }
    });
    if (status) status.textContent = shown + (shown === 1 ? " person matches" : " people match");
  }

  // Not applicable needs a reason: open the folded fields so its box is in reach.
  function openReasonForNotApplicable(event) {
    var input = event.target;
    if (!input.matches('.rating-scale input[data-key="n"]') || !input.checked) return;
    var row = input.closest(".statement-row");
    var more = row && row.querySelector("details.statement-row__more");
    if (!more) return;
    more.open = true;
    var reason = more.querySelector('input[name="reason"]');
    if (reason && !reason.value) reason.focus();
  }

  // The site menu on a phone: one Menu button instead of three wrapped rows of links. The
  // stylesheet folds the list only once this has marked the menu (.collapsible), so without
  // the script every link stays in view.
  function siteMenu(nav) {
    var button = nav.querySelector(".menu-toggle");
    if (!button) return;
    nav.classList.add("collapsible");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !nav.classList.contains("open")) return;
      button.setAttribute("aria-expanded", "false");
      nav.classList.remove("open");
      button.focus();
    });
  }

  document.addEventListener("keydown", ratingKey);
  document.addEventListener("change", openReasonForNotApplicable);
  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    document.querySelectorAll("nav.site-menu").forEach(siteMenu);
    document.querySelectorAll("input[data-org-search]").forEach(function (input) {
      input.addEventListener("input", function () { orgSearch(input); });
      if (input.value) orgSearch(input);
    });
  });
})();
