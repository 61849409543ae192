// The page's script. Every string from the data goes into the DOM as text (textContent,
// createTextNode), never as HTML; links are made only from http(s) URLs.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var panel = document.getElementById("kg-panel");

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function tooltip(text) {
    var node = el("div", text);
    node.style.whiteSpace = "pre-wrap";
    node.style.maxWidth = "360px";
    return node;
  }
  function safeLink(url, text) {
    if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return el("span", text);
    var a = el("a", text);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return Object.assign({}, n, { title: tooltip(n.title) });
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    return Object.assign({}, e, { id: "e" + i, title: tooltip(e.title) });
  }));
  var network = new vis.Network(document.getElementById("kg-network"), { nodes: nodes, edges: edges }, data.options);
  window.kgNetwork = network;

  var paperCount = Object.keys(data.papers).length;
  var conceptCount = Object.keys(data.concepts).length;
  document.getElementById("kg-counts").textContent =
    paperCount + " papers · " + conceptCount + " concepts · " + data.edges.length + " edges";

  var legend = document.getElementById("kg-legend");
  Object.keys(data.style).forEach(function (label) {
    var item = el("li");
    var swatch = el("span", null, "kg-swatch");
    swatch.style.background = data.style[label].color;
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(label));
    legend.appendChild(item);
  });

  function clear() { while (panel.firstChild) panel.removeChild(panel.firstChild); }

  function highlighted(text, mentions) {
    var block = el("p", null, "kg-abstract");
    var at = 0;
    mentions.slice().sort(function (a, b) { return a[1] - b[1]; }).forEach(function (m) {
      var start = m[1], end = m[2], concept = data.concepts[m[3]];
      if (start < at || !concept) return;
      block.appendChild(document.createTextNode(text.slice(at, start)));
      var mark = el("mark", text.slice(start, end), "kg-" + (concept.benchmark ? "benchmark" : concept.type));
      mark.title = concept.name + " (" + m[4] + ")";
      block.appendChild(mark);
      at = end;
    });
    block.appendChild(document.createTextNode(text.slice(at)));
    return block;
  }

  function conceptButton(id) {
    var b = el("a", data.concepts[id].name);
    b.href = "#";
    b.addEventListener("click", function (event) { event.preventDefault(); select(id); });
    return b;
  }

  function showPaper(id) {
    var paper = data.papers[id];
    clear();
    panel.appendChild(el("h2", paper.title));
    var meta = [paper.id, paper.published, (paper.authors || []).slice(0, 6).join(", ")].filter(Boolean).join(" · ");
    panel.appendChild(el("p", meta, "kg-meta"));
    if (paper.url) panel.appendChild(safeLink(paper.url, paper.url));
    (paper.code_links || []).forEach(function (link) { panel.appendChild(el("br")); panel.appendChild(safeLink(link, link)); });
    panel.appendChild(el("h3", "Abstract"));
    panel.appendChild(highlighted(paper.abstract, paper.mentions.filter(function (m) { return m[0] === "abstract"; })));
    var byRelation = {};
    paper.mentions.forEach(function (m) { (byRelation[m[4]] = byRelation[m[4]] || {})[m[3]] = true; });
    Object.keys(data.relations).forEach(function (relation) {
      if (!byRelation[relation]) return;
      panel.appendChild(el("h3", relation));
      var list = el("ul");
      Object.keys(byRelation[relation]).sort().forEach(function (cid) {
        var item = el("li");
        item.appendChild(conceptButton(cid));
        list.appendChild(item);
      });
      panel.appendChild(list);
    });
  }

  function showConcept(id) {
    var concept = data.concepts[id];
    clear();
    panel.appendChild(el("h2", concept.name));
    panel.appendChild(el("p", concept.label + " · " + concept.paper_count + " papers", "kg-meta"));
    if (concept.aliases.length) panel.appendChild(el("p", "Also: " + concept.aliases.join(", ")));
    panel.appendChild(el("h3", "Evidence"));
    var list = el("ul");
    concept.evidence.forEach(function (item) {
      var entry = el("li");
      var link = el("a", data.papers[item[0]].title);
      link.href = "#";
      link.addEventListener("click", function (event) { event.preventDefault(); select(item[0]); });
      entry.appendChild(link);
      entry.appendChild(el("div", item[1] + ": " + item[2], "kg-meta"));
      list.appendChild(entry);
    });
    panel.appendChild(list);
  }

  function showEdge(edgeId) {
    var edge = edges.get(edgeId);
    clear();
    panel.appendChild(el("h2", edge.relation));
    panel.appendChild(el("p", edge.title.textContent));
  }

  function select(id) {
    if (!nodes.get(id)) return;
    network.selectNodes([id]);
    network.focus(id, { scale: 1.1, animation: { duration: 400 } });
    if (data.papers[id]) showPaper(id); else showConcept(id);
  }
  window.kgSelect = select;

  network.on("click", function (params) {
    if (params.nodes.length) select(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  var names = document.getElementById("kg-names");
  var index = [];
  Object.keys(data.papers).forEach(function (id) { index.push([data.papers[id].title, id]); });
  Object.keys(data.concepts).forEach(function (id) {
    var c = data.concepts[id];
    index.push([c.name, id]);
    c.aliases.forEach(function (alias) { index.push([alias, id]); });
  });
  index.forEach(function (entry) { var option = el("option"); option.value = entry[0]; names.appendChild(option); });
  document.getElementById("kg-search").addEventListener("change", function (event) {
    var query = event.target.value.trim().toLowerCase();
    if (!query) return;
    var exact = index.filter(function (e) { return e[0].toLowerCase() === query; })[0];
    var partial = index.filter(function (e) { return e[0].toLowerCase().indexOf(query) >= 0; })[0];
    var hit = exact || partial;
    if (hit) select(hit[1]);
  });
})();
