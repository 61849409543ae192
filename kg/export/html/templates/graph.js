// The page's script. Every string from the data goes into the DOM as text (textContent,
// createTextNode), never as HTML; attributes get only our own style values; links are made
// only from http(s) URLs. window.kg exposes the network and filters to tests.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var panel = document.getElementById("kg-panel");
  var SVG_NS = "http://www.w3.org/2000/svg";
  var nodeStyles = {}, edgeStyles = {};
  data.node_styles.forEach(function (s) { nodeStyles[s.label] = s; });
  data.edge_styles.forEach(function (s) { edgeStyles[s.relation] = s; });

  // --- DOM helpers: text only --------------------------------------------------------------
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function svg(tag, attributes) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    return node;
  }
  function isHttp(url) { return typeof url === "string" && /^https?:\/\/[^\s<>"']+$/i.test(url); }
  function safeLink(url, text) {
    if (!isHttp(url)) return el("span", text);
    var a = el("a", text);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function actionLink(text, onClick) {
    var a = el("a", text);
    a.href = "#";
    a.addEventListener("click", function (event) { event.preventDefault(); onClick(); });
    return a;
  }
  function shortText(text, limit) { return text.length <= limit ? text : text.slice(0, limit - 1) + "…"; }

  // --- legend icons ----------------------------------------------------------------------------
  function shapeIcon(style) {
    var icon = svg("svg", { width: 14, height: 14, viewBox: "0 0 14 14", "aria-hidden": "true" });
    var fill = { fill: style.color, stroke: "#444", "stroke-width": 0.6 };
    var points = {
      diamond: "7,1 13,7 7,13 1,7",
      triangle: "7,1 13,12.5 1,12.5",
      hexagon: "3.5,1 10.5,1 13.5,7 10.5,13 3.5,13 0.5,7",
      star: "7,0.5 8.8,5 13.5,5.2 9.8,8.2 11.1,13 7,10.3 2.9,13 4.2,8.2 0.5,5.2 5.2,5"
    }[style.shape];
    if (points) icon.appendChild(svg("polygon", Object.assign({ points: points }, fill)));
    else if (style.shape === "square") icon.appendChild(svg("rect", Object.assign({ x: 1.5, y: 1.5, width: 11, height: 11 }, fill)));
    else icon.appendChild(svg("circle", Object.assign({ cx: 7, cy: 7, r: 5.5 }, fill)));
    return icon;
  }
  function lineIcon(style) {
    var icon = svg("svg", { width: 26, height: 10, viewBox: "0 0 26 10", "aria-hidden": "true" });
    var line = { x1: 1, y1: 5, x2: 25, y2: 5, stroke: style.color, "stroke-width": Math.max(style.width, 1.2) };
    if (style.dashes) line["stroke-dasharray"] = style.dashes.join(" ");
    icon.appendChild(svg("line", line));
    return icon;
  }

  // --- the network -----------------------------------------------------------------------------
  // Tooltips are plain strings: vis-network 9 shows a string title with innerText, as text.
  function nodeTooltip(id) {
    var paper = data.papers[id];
    if (paper) return paper.title + (paper.published ? "\n" + paper.published : "");
    var c = data.concepts[id];
    var text = c.name + " (" + c.label + ", " + c.paper_count + " papers)";
    if (c.aliases.length) text += "\nalso: " + c.aliases.slice(0, 8).join(", ");
    return text;
  }
  function nodeName(id) {
    if (data.papers[id]) return data.papers[id].title;
    return data.concepts[id] ? data.concepts[id].name : id;
  }
  function edgeTooltip(edge) {
    if (edge.relation === "RELATED_TO") {
      var shared = data.related[edge.id].shared.slice(0, 8).map(function (key) { return conceptName(key); });
      return "RELATED_TO, sharing " + shared.join(", ");
    }
    return edge.relation + "\n" + shortText(nodeName(edge.from), 60) + " → " + nodeName(edge.to);
  }
  function conceptName(key) {
    var concept = data.concepts["concept:" + key];
    return concept ? concept.name : key;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return Object.assign({}, n, { title: nodeTooltip(n.id) });
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var style = edgeStyles[e.relation];
    return Object.assign({}, e, {
      color: { color: style.color, highlight: style.color, hover: style.color, opacity: 0.8 },
      dashes: style.dashes, arrows: style.arrows, width: e.width || style.width, title: edgeTooltip(e)
    });
  }));

  // --- filters: node types, relation types, minimum papers per concept -------------------------
  var filters = { hiddenLabels: {}, hiddenRelations: {}, minPapers: 1 };
  var visible = {};
  function computeVisible() {
    data.nodes.forEach(function (n) {
      var concept = data.concepts[n.id];
      visible[n.id] = !filters.hiddenLabels[n.group] && (!concept || concept.paper_count >= filters.minPapers);
    });
  }
  computeVisible();
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return visible[n.id]; } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return !filters.hiddenRelations[e.relation] && visible[e.from] && visible[e.to]; }
  });
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, {}, data.options);
  var kg = window.kg = { network: network, nodes: nodes, edges: edges, filters: filters, ready: false };

  function markReady() {
    if (kg.ready) return;
    kg.ready = true;
    kg.readyAt = performance.now();
    document.documentElement.setAttribute("data-kg-ready", "1");
  }
  // Listeners go on before the data, so a fast stabilisation cannot fire unheard.
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () { network.once("afterDrawing", markReady); });
  } else {
    network.once("afterDrawing", markReady);
  }
  network.setData({ nodes: nodeView, edges: edgeView });

  var counts = document.getElementById("kg-counts");
  function updateCounts() {
    counts.textContent = nodeView.length + " of " + data.nodes.length + " nodes · " +
      edgeView.length + " of " + data.edges.length + " edges shown";
  }
  function applyFilters() {
    computeVisible();
    nodeView.refresh();
    edgeView.refresh();
    updateCounts();
  }
  kg.applyFilters = applyFilters;
  updateCounts();
  document.getElementById("kg-selection").textContent = data.selection.summary;

  function toggle(list, icon, text, count, onChange) {
    var item = el("li");
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-kg-toggle", text);
    box.addEventListener("change", function () { onChange(box.checked); applyFilters(); });
    label.appendChild(box);
    label.appendChild(icon);
    label.appendChild(document.createTextNode(text));
    label.appendChild(el("span", count, "kg-count"));
    item.appendChild(label);
    list.appendChild(item);
    return label;
  }
  var groupCounts = {}, relationCounts = {};
  data.nodes.forEach(function (n) { groupCounts[n.group] = (groupCounts[n.group] || 0) + 1; });
  data.edges.forEach(function (e) { relationCounts[e.relation] = (relationCounts[e.relation] || 0) + 1; });
  var typeList = document.getElementById("kg-node-types");
  data.node_styles.forEach(function (style) {
    toggle(typeList, shapeIcon(style), style.label, groupCounts[style.label] || 0, function (on) {
      filters.hiddenLabels[style.label] = !on;
    });
  });
  var relationList = document.getElementById("kg-relations");
  data.edge_styles.forEach(function (style) {
    var label = toggle(relationList, lineIcon(style), style.relation, relationCounts[style.relation] || 0, function (on) {
      filters.hiddenRelations[style.relation] = !on;
    });
    label.title = style.doc;
  });

  var slider = document.getElementById("kg-min-papers");
  var number = document.getElementById("kg-min-papers-value");
  var mostPapers = 1;
  Object.keys(data.concepts).forEach(function (id) { mostPapers = Math.max(mostPapers, data.concepts[id].paper_count); });
  slider.max = String(mostPapers);
  number.max = String(mostPapers);
  function setMinPapers(value) {
    var n = Math.min(Math.max(parseInt(value, 10) || 1, 1), mostPapers);
    slider.value = String(n);
    number.value = String(n);
    if (n === filters.minPapers) return;
    filters.minPapers = n;
    applyFilters();
  }
  slider.addEventListener("input", function () { setMinPapers(slider.value); });
  number.addEventListener("change", function () { setMinPapers(number.value); });

  // --- side panel ------------------------------------------------------------------------------
  function tag(label) {
    var t = el("span", label, "kg-tag");
    var style = nodeStyles[label] || edgeStyles[label];
    t.style.background = style ? style.color : "#888";
    return t;
  }
  function nodeLink(id) {
    var item = el("span");
    item.appendChild(actionLink(nodeName(id), function () { select(id); }));
    if (data.concepts[id]) item.appendChild(tag(data.concepts[id].label));
    return item;
  }
  function listOf(items, render) {
    var list = el("ul");
    items.forEach(function (x) { var li = el("li"); render(li, x); list.appendChild(li); });
    return list;
  }
  // Offsets come from Python: they count code points, not UTF-16 units. A text without
  // surrogate pairs is cut as it is; only one with them is split into code points first.
  function codePoints(text) { return /[\uD800-\uDFFF]/.test(text) ? Array.from(text) : text; }
  function cut(chars, start, end) {
    var part = chars.slice(start, end);
    return typeof part === "string" ? part : part.join("");
  }
  function highlighted(tagName, text, mentions, className) {
    var block = el(tagName, null, className);
    var chars = codePoints(text);
    var at = 0;
    mentions.slice().sort(function (a, b) { return a[1] - b[1] || b[2] - a[2]; }).forEach(function (m) {
      var concept = data.concepts[m[3]];
      if (m[1] < at || !concept) return;
      block.appendChild(document.createTextNode(cut(chars, at, m[1])));
      var mark = el("mark", cut(chars, m[1], m[2]), "kg-" + concept.label.toLowerCase());
      mark.title = concept.name + " (" + concept.label + ", " + m[4] + ")";
      block.appendChild(mark);
      at = m[2];
    });
    block.appendChild(document.createTextNode(cut(chars, at)));
    return block;
  }
  function sentenceWith(parts, label) {
    var block = el("div", null, "kg-evidence");
    block.appendChild(document.createTextNode(parts[0]));
    if (parts[1]) block.appendChild(el("mark", parts[1], "kg-" + label.toLowerCase()));
    block.appendChild(document.createTextNode(parts[2]));
    return block;
  }
  function fieldChars(paper, field) { return codePoints(field === "title" ? paper.title : paper.abstract); }
  // A mention's sentence as [before, mention, after]. A sentence is [field, start, end] into the
  // paper's text, or (when Python did not find it there) the sentence's own text.
  function evidenceParts(paper, m) {
    var ref = paper.sentences[m[5]];
    var chars = fieldChars(paper, m[0]);
    var mention = cut(chars, m[1], m[2]);
    if (typeof ref === "string") {
      var at = ref.indexOf(mention);
      return at < 0 || !mention ? [ref, "", ""] : [ref.slice(0, at), mention, ref.slice(at + mention.length)];
    }
    var start = Math.min(Math.max(m[1], ref[1]), ref[2]), end = Math.max(Math.min(m[2], ref[2]), start);
    return [cut(chars, ref[1], start), cut(chars, start, end), cut(chars, end, ref[2])];
  }
  function relatedEdges(id) {
    return edges.get({ filter: function (e) { return e.relation === "RELATED_TO" && (e.from === id || e.to === id); } });
  }

  function showPaper(id) {
    var paper = data.papers[id];
    clear(panel);
    panel.appendChild(highlighted("h2", paper.title, paper.mentions.filter(function (m) { return m[0] === "title"; })));
    var authors = (paper.authors || []).slice(0, 6).join(", ") + ((paper.authors || []).length > 6 ? " et al." : "");
    panel.appendChild(el("p", [paper.id, paper.published, authors].filter(Boolean).join(" · "), "kg-meta"));
    [paper.url].concat(paper.code_links || []).filter(isHttp).forEach(function (url) {
      var line = el("div");
      line.appendChild(safeLink(url, url));
      panel.appendChild(line);
    });
    panel.appendChild(el("h3", "Abstract"));
    panel.appendChild(highlighted("p", paper.abstract, paper.mentions.filter(function (m) { return m[0] === "abstract"; }), "kg-abstract"));
    var byRelation = {};
    paper.mentions.forEach(function (m) { (byRelation[m[4]] = byRelation[m[4]] || {})[m[3]] = true; });
    data.edge_styles.forEach(function (style) {
      var concepts = byRelation[style.relation];
      if (!concepts) return;
      var heading = el("h3", style.relation);
      heading.title = style.doc;
      panel.appendChild(heading);
      panel.appendChild(listOf(Object.keys(concepts).sort(), function (li, cid) { li.appendChild(nodeLink(cid)); }));
    });
    var related = relatedEdges(id).sort(function (a, b) { return data.related[b.id].weight - data.related[a.id].weight; });
    if (related.length) {
      panel.appendChild(el("h3", "Related papers"));
      panel.appendChild(listOf(related, function (li, e) {
        li.appendChild(nodeLink(e.from === id ? e.to : e.from));
        li.appendChild(el("span", " · shares " + data.related[e.id].shared.length, "kg-meta"));
      }));
    }
  }

  // A concept's evidence, per paper: found by one pass over the papers' mentions.
  function conceptEvidence(cid) {
    var byPaper = {};
    Object.keys(data.papers).forEach(function (pid) {
      var paper = data.papers[pid];
      paper.mentions.forEach(function (m) {
        if (m[3] !== cid) return;
        (byPaper[pid] = byPaper[pid] || []).push({ relation: m[4], parts: evidenceParts(paper, m) });
      });
    });
    return byPaper;
  }
  function evidenceList(items, label) {
    var seen = {};
    var block = el("div");
    items.forEach(function (item) {
      var key = item.relation + "\u0000" + item.parts.join("");
      if (seen[key]) return;
      seen[key] = true;
      block.appendChild(sentenceWith(item.parts, label));
    });
    return block;
  }

  function showConcept(id) {
    var concept = data.concepts[id];
    var evidence = conceptEvidence(id);
    var paperIds = Object.keys(evidence).sort();
    clear(panel);
    panel.appendChild(el("h2", concept.name));
    panel.appendChild(el("p", concept.label + " · in " + concept.paper_count + " papers of the corpus, " +
      paperIds.length + " on this page", "kg-meta"));
    if (concept.aliases.length) panel.appendChild(el("p", "Also: " + concept.aliases.join(", ")));
    panel.appendChild(el("h3", "Papers and evidence"));
    panel.appendChild(listOf(paperIds, function (li, pid) {
      li.appendChild(nodeLink(pid));
      var relations = {};
      evidence[pid].forEach(function (item) { relations[item.relation] = true; });
      Object.keys(relations).forEach(function (relation) { li.appendChild(tag(relation)); });
      li.appendChild(evidenceList(evidence[pid], concept.label));
    }));
  }

  function showRelated(edge) {
    var link = data.related[edge.id];
    clear(panel);
    panel.appendChild(el("h2", "Related papers"));
    panel.appendChild(listOf([edge.from, edge.to], function (li, pid) { li.appendChild(nodeLink(pid)); }));
    panel.appendChild(el("p", "Weight " + link.weight + " (rarer shared concepts weigh more)", "kg-meta"));
    panel.appendChild(el("h3", "Shared concepts"));
    panel.appendChild(listOf(link.shared, function (li, key) {
      if (data.concepts["concept:" + key]) li.appendChild(nodeLink("concept:" + key));
      else li.appendChild(el("span", key + " (not on this page)", "kg-meta"));
    }));
  }

  function showMention(edge) {
    var paper = data.papers[edge.from], concept = data.concepts[edge.to];
    clear(panel);
    var heading = el("h2", edge.relation);
    heading.title = edgeStyles[edge.relation].doc;
    panel.appendChild(heading);
    panel.appendChild(listOf([edge.from, edge.to], function (li, id) { li.appendChild(nodeLink(id)); }));
    panel.appendChild(el("h3", "Evidence"));
    var items = (conceptEvidence(edge.to)[edge.from] || []).filter(function (item) { return item.relation === edge.relation; });
    panel.appendChild(evidenceList(items, concept.label));
    if (!paper) panel.appendChild(el("p", "The paper is not on this page.", "kg-meta"));
  }

  function select(id) {
    if (!nodes.get(id)) return;
    if (visible[id]) {
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 400 } });
    }
    if (data.papers[id]) showPaper(id); else showConcept(id);
  }
  kg.select = select;

  network.on("click", function (params) {
    if (params.nodes.length) select(params.nodes[0]);
    else if (params.edges.length) {
      var edge = edges.get(params.edges[0]);
      if (edge.relation === "RELATED_TO") showRelated(edge); else showMention(edge);
    }
  });

  // --- search ------------------------------------------------------------------------------------
  var index = [];
  Object.keys(data.papers).forEach(function (id) { index.push({ text: data.papers[id].title, id: id, weight: 0 }); });
  Object.keys(data.concepts).forEach(function (id) {
    var c = data.concepts[id];
    [c.name].concat(c.aliases).forEach(function (name) { index.push({ text: name, id: id, weight: c.paper_count }); });
  });
  index.forEach(function (entry) { entry.lower = entry.text.toLowerCase(); });
  var names = document.getElementById("kg-names");
  var seenNames = {};
  index.forEach(function (entry) {
    if (seenNames[entry.text]) return;
    seenNames[entry.text] = true;
    var option = el("option");
    option.value = entry.text;
    names.appendChild(option);
  });
  var status = document.getElementById("kg-search-status");
  function rank(entry, query) {
    if (entry.lower === query) return 0;
    if (entry.lower.indexOf(query) === 0) return 1;
    return entry.lower.indexOf(query) > 0 ? 2 : -1;
  }
  function search(text) {
    var query = text.trim().toLowerCase();
    if (!query) { status.textContent = ""; network.unselectAll(); return null; }
    var hits = [];
    index.forEach(function (entry) { var r = rank(entry, query); if (r >= 0) hits.push({ r: r, entry: entry }); });
    hits.sort(function (a, b) {
      return a.r - b.r || b.entry.weight - a.entry.weight || a.entry.text.length - b.entry.text.length;
    });
    if (!hits.length) { status.textContent = "No match for " + text.trim(); return null; }
    var best = hits[0].entry.id;
    var others = {};
    hits.forEach(function (h) { if (h.entry.id !== best) others[h.entry.id] = true; });
    var more = Object.keys(others).length;
    status.textContent = nodeName(best) + (visible[best] ? "" : " (hidden by the filters)") +
      (more ? " · " + more + " more match" + (more === 1 ? "" : "es") : "");
    select(best);
    return best;
  }
  kg.search = search;
  var searchBox = document.getElementById("kg-search");
  var lastQuery = null;
  function searchOnce() {
    if (searchBox.value === lastQuery) return;
    lastQuery = searchBox.value;
    search(searchBox.value);
  }
  // "change" when a suggestion is picked or the box is left, Enter to search again.
  searchBox.addEventListener("change", searchOnce);
  searchBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { lastQuery = null; searchOnce(); }
  });
})();
