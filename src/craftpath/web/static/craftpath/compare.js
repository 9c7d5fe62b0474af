// In the static site there is no server to turn ?before=&after= into a page, so the chooser
// goes straight to the pair's file (junior level first: the site holds each pair once).
(function () {
  "use strict";
  var form = document.querySelector("form.chooser");
  if (!form) { return; }
  var pairs = (form.dataset.pairs || "").split(" ");
  form.addEventListener("submit", function (event) {
    var before = form.elements.before.value;
    var after = form.elements.after.value;
    var base = form.getAttribute("action").replace(/index\.html$/, "");
    var pair = before + "/" + after;
    if (pairs.indexOf(pair) < 0) { pair = after + "/" + before; }
    if (pairs.indexOf(pair) < 0) { return; }  // the same level twice: let the page say so
    event.preventDefault();
    window.location.href = base + pair + ".html";
  });
})();
