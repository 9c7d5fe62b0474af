// Search that works without a server: the index is a script (search-index.js) rather than
// JSON, because browsers refuse to fetch files from a page opened from disk.
(function () {
  "use strict";
  var index = window.CRAFTPATH_SEARCH;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var out = document.getElementById("search-results");
  if (!index || !form || !input || !out) { return; }

  // The same rule as the server's search(): every word, any case, at most 100 results.
  function find(query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    var found = [];
    if (!words.length) { return found; }
    for (var i = 0; i < index.entries.length && found.length < 100; i++) {
      var entry = index.entries[i];
      var hay = (entry.title + " " + entry.text).toLowerCase();
      if (words.every(function (w) { return hay.indexOf(w) >= 0; })) { found.push(entry); }
    }
    return found;
  }

  function show(query) {
    out.textContent = "";
    if (!query.trim()) { return; }
    var found = find(query);
    var count = document.createElement("p");
    count.className = "result-count";
    count.textContent = found.length + " result" + (found.length === 1 ? "" : "s") +
      " for \u201c" + query + "\u201d.";
    out.appendChild(count);
    var list = document.createElement("ol");
    list.className = "results";
    found.forEach(function (entry) {
      var item = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = entry.kind;
      var link = document.createElement("a");
      link.href = document.body.dataset.root + entry.href;
      link.textContent = entry.title;
      item.appendChild(kind);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(link);
      item.appendChild(document.createElement("br"));
      item.appendChild(document.createTextNode(entry.text));
      list.appendChild(item);
    });
    out.appendChild(list);
  }

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  if (initial) { input.value = initial; show(initial); }
  input.addEventListener("input", function () { show(input.value); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
  });
})();
