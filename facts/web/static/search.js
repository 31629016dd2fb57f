// The static site's search: every word of ?q= found in a fact's cells (any case), the first 500 facts shown
// in place of the page's rows. The index is a script beside the page (a file:// page may not fetch files);
// rows are built with textContent, so nothing from the data is read as HTML.
(function () {
  var form = document.querySelector("form.facts-search[data-index]");
  var q = new URLSearchParams(location.search).get("q");
  if (!form || !q || !q.trim()) return;
  form.querySelector("input[name=q]").value = q;
  var found = document.getElementById("facts-found");
  found.textContent = "Searching…";
  var script = document.createElement("script");
  script.src = form.getAttribute("data-index");
  script.onload = function () { show(window.factsIndex, q); };
  script.onerror = function () { found.textContent = "The search index could not be read."; };
  document.body.appendChild(script);

  var SHOWN = 500;
  // A row of the index: id, claim, subject, compare page, figure, date, claimant, actor id, source,
  // confidence, status, tags; the cells link as the pages' do.
  function cells(r) {
    return [[String(r[0]), "fact/" + r[0] + ".html"], [r[1]], [r[2], "compare/" + r[3]], [r[4]], [r[5]],
            [r[6], "actor/" + r[7] + ".html"], [r[8], "source/" + r[8] + ".html"], [r[9]], [r[10]], [r[11]]];
  }

  function show(index, q) {
    var words = q.toLowerCase().split(/\s+/).filter(Boolean);
    var matches = [];
    for (var i = 0; i < index.length; i++) {
      var r = index[i];
      var text = [r[0], r[1], r[2], r[4], r[5], r[6], r[8], r[10], r[11]].join(" ").toLowerCase();
      if (words.every(function (w) { return text.indexOf(w) !== -1; })) matches.push(r);
    }
    var tbody = document.getElementById("facts-rows");
    var headings = Array.prototype.map.call(document.querySelectorAll(".facts-site-table th"),
                                            function (th) { return th.textContent; });
    tbody.textContent = "";
    matches.slice(0, SHOWN).forEach(function (r) {
      var tr = document.createElement("tr");
      cells(r).forEach(function (cell, n) {
        var td = document.createElement("td");
        td.className = "col-" + headings[n];
        if (cell[1] && cell[0]) {
          var a = document.createElement("a");
          a.href = cell[1];
          a.textContent = cell[0];
          td.appendChild(a);
        } else {
          td.textContent = cell[0] || "";
        }
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    var pages = document.getElementById("facts-pages");
    if (pages) pages.hidden = true;
    var n = matches.length;
    found.textContent = (n === 1 ? "1 fact matches" : n.toLocaleString("en") + " facts match") +
      (n > SHOWN ? "; the first " + SHOWN + " are shown" : "") + ".";
  }
})();
