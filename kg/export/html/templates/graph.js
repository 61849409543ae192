// The page's script. Every string from the data goes into the DOM as text (textContent,
// createTextNode), never as HTML; attributes get only our own style values; links are made
// only from http(s) URLs. window.kg exposes the network and filters to tests.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var panel = document.getElementById("kg-panel");
  var SVG_NS = "http://www.w3.org/2000/svg";
  var S = data.schema;  // label and relation names, from kg/schema.py
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
  // A concept drawn on the page, or one a drawn paper has that is not drawn (data.undrawn).
  function conceptOf(id) { return data.concepts[id] || data.undrawn[id]; }
  function nodeName(id) {
    if (data.papers[id]) return data.papers[id].title;
    return conceptOf(id) ? conceptOf(id).name : id;
  }
  function edgeTooltip(edge) {
    if (edge.relation === S.link) {
      var link = data.links[edge.id];
      return nodeName(edge.from) + " and " + nodeName(edge.to) + ": named together in " + link.together +
        " papers (" + link.weight + "× chance)";
    }
    if (edge.relation === S.related) {
      var shared = data.related[edge.id].shared.slice(0, 8).map(function (key) { return conceptName(key); });
      return S.related + ", sharing " + shared.join(", ");
    }
    return edge.relation + "\n" + shortText(nodeName(edge.from), 60) + " → " + nodeName(edge.to);
  }
  var CONCEPT_PREFIX = S.concept.toLowerCase() + ":";  // node ids are "<kind>:<key>" (kg.schema.node_id)
  function conceptName(key) {
    var concept = conceptOf(CONCEPT_PREFIX + key);
    return concept ? concept.name : key;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    // labels are drawn by drawLabels (below), which keeps them apart; vis draws none
    return Object.assign({}, n, { title: nodeTooltip(n.id), label: undefined });
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var style = edgeStyles[e.relation];
    return Object.assign({}, e, {
      color: { color: style.color, highlight: style.color, hover: style.color, opacity: 0.8 },
      dashes: style.dashes, arrows: style.arrows, width: e.width || style.width, title: edgeTooltip(e)
    });
  }));

  // --- months: a paper's from its date, a concept's the mean of its papers' on the page -------
  function monthIndex(date) {
    var m = /^(\d{4})-(\d{2})/.exec(date || "");
    return m ? parseInt(m[1], 10) * 12 + parseInt(m[2], 10) - 1 : null;
  }
  function monthText(index) {
    var month = Math.round(index) % 12 + 1;
    return Math.floor(Math.round(index) / 12) + "-" + (month < 10 ? "0" : "") + month;
  }
  var months = {}, monthList = [];
  (function () {
    var sums = {}, seen = {};
    Object.keys(data.papers).forEach(function (pid) {
      var m = monthIndex(data.papers[pid].published);
      if (m === null) return;
      months[pid] = m;
      if (!seen[m]) { seen[m] = true; monthList.push(m); }
      var mine = {};
      data.papers[pid].mentions.forEach(function (mention) { mine[mention[3]] = true; });
      Object.keys(mine).forEach(function (cid) {
        var sum = sums[cid] || (sums[cid] = [0, 0]);
        sum[0] += m; sum[1] += 1;
      });
    });
    Object.keys(sums).forEach(function (cid) { months[cid] = sums[cid][0] / sums[cid][1]; });
    monthList.sort(function (a, b) { return a - b; });
  })();

  // --- filters: node types, relation types, minimum papers per concept, months ----------------
  var filters = { hiddenLabels: {}, hiddenRelations: {}, minPapers: 1, monthFrom: null, monthTo: null };
  var visible = {};
  var neighbours = {};
  data.edges.forEach(function (e) {
    (neighbours[e.from] = neighbours[e.from] || []).push(e);
    (neighbours[e.to] = neighbours[e.to] || []).push(e);
  });
  function inMonths(id) {
    if (filters.monthFrom === null) return true;
    var m = months[id];
    return m !== undefined && m >= filters.monthFrom && m <= filters.monthTo;
  }
  function linkedToVisible(id) {
    return (neighbours[id] || []).some(function (e) {
      return !filters.hiddenRelations[e.relation] && visible[e.from === id ? e.to : e.from];
    });
  }
  // A paper outside the month range goes; so does a concept none of whose papers is left.
  // With a minimum number of papers or a month range set, papers left with no link go too.
  function computeVisible() {
    data.nodes.forEach(function (n) {
      var concept = data.concepts[n.id];
      visible[n.id] = !filters.hiddenLabels[n.group] && (!concept || concept.paper_count >= filters.minPapers) &&
        ((concept && data.view !== "concepts") || inMonths(n.id));  // on the concept map, a concept's month counts
    });
    var narrowed = filters.minPapers > 1 || filters.monthFrom !== null;
    if (!narrowed) return;
    // each pass decides from the pass before it, so the result does not depend on the order of nodes
    function pass(keep) {
      var lonely = data.nodes.filter(function (n) { return visible[n.id] && keep(n.id) && !linkedToVisible(n.id); });
      lonely.forEach(function (n) { visible[n.id] = false; });
    }
    if (filters.monthFrom !== null) pass(function (id) { return !!data.concepts[id]; });
    pass(function (id) { return !!data.papers[id]; });
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
    if (scriptDone) openFragment();
    document.documentElement.setAttribute("data-kg-ready", "1");
  }
  var scriptDone = false;
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
    if (!groupCounts[style.label]) return;  // no empty legend rows
    toggle(typeList, shapeIcon(style), style.label, groupCounts[style.label] || 0, function (on) {
      filters.hiddenLabels[style.label] = !on;
    });
  });
  var relationList = document.getElementById("kg-relations");
  data.edge_styles.forEach(function (style) {
    if (!relationCounts[style.relation]) return;
    var label = toggle(relationList, lineIcon(style), style.relation, relationCounts[style.relation] || 0, function (on) {
      filters.hiddenRelations[style.relation] = !on;
    });
    label.title = style.doc;
  });

  var slider = document.getElementById("kg-min-papers");
  var number = document.getElementById("kg-min-papers-value");
  var mostPapers = 1;
  Object.keys(data.concepts).forEach(function (id) { mostPapers = Math.max(mostPapers, data.concepts[id].paper_count); });
  // The slider is logarithmic: its steps 0..SLIDER_STEPS map to 1..mostPapers papers.
  var SLIDER_STEPS = 1000;
  slider.max = String(SLIDER_STEPS);
  slider.value = "0";
  number.max = String(mostPapers);
  function sliderPapers(step) {
    return mostPapers <= 1 ? 1 : Math.round(Math.exp(step / SLIDER_STEPS * Math.log(mostPapers)));
  }
  function sliderStep(papers) {
    return mostPapers <= 1 ? 0 : Math.round(Math.log(papers) / Math.log(mostPapers) * SLIDER_STEPS);
  }
  function setMinPapers(value, fromSlider) {
    var n = Math.min(Math.max(parseInt(value, 10) || 1, 1), mostPapers);
    if (!fromSlider) slider.value = String(sliderStep(n));
    number.value = String(n);
    if (n === filters.minPapers) return;
    filters.minPapers = n;
    applyFilters();
  }
  slider.addEventListener("input", function () { setMinPapers(sliderPapers(parseInt(slider.value, 10)), true); });
  number.addEventListener("change", function () { setMinPapers(number.value); });

  // --- colour: by cluster, by type, or by the mean month of a node's papers --------------------
  var OTHER_COLOUR = "#a8a8a8", NO_MONTH_COLOUR = "#d9d9d9";
  var MONTH_STOPS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];  // viridis
  function hexToRgb(hex) { return [1, 3, 5].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); }); }
  function rgbToHex(rgb) { return "#" + rgb.map(function (v) { return (256 + Math.round(v)).toString(16).slice(1); }).join(""); }
  function darker(hex) { return rgbToHex(hexToRgb(hex).map(function (v) { return v * 0.55; })); }
  function monthColour(m) {
    if (m === undefined) return NO_MONTH_COLOUR;
    var first = monthList[0], last = monthList[monthList.length - 1];
    var t = last > first ? (m - first) / (last - first) : 0;
    var at = Math.min(t * (MONTH_STOPS.length - 1), MONTH_STOPS.length - 1 - 1e-9);
    var i = Math.floor(at), f = at - i;
    var a = hexToRgb(MONTH_STOPS[i]), b = hexToRgb(MONTH_STOPS[Math.min(i + 1, MONTH_STOPS.length - 1)]);
    return rgbToHex(a.map(function (v, k) { return v + (b[k] - v) * f; }));
  }
  var colourMode = data.clusters.length > 1 ? "cluster" : "type";
  function baseColour(n) {
    if (colourMode === "month") return monthColour(months[n.id]);
    if (colourMode === "cluster") return n.cluster >= 0 ? data.clusters[n.cluster].color : OTHER_COLOUR;
    return nodeStyles[n.group].color;
  }
  // The highlight: a selected node and its neighbours (or a cluster) at full strength, the rest dimmed.
  var highlight = null;  // {id: node or null, cluster: index or null, ids: {node id: true}}
  var DIMMED = 0.15;
  // Only the nodes and edges whose look changes are updated: a select on a page of 10,000 edges
  // then touches a few hundred, not all of them.
  var painted = {}, paintedEdges = {};
  data.edges.forEach(function (e) { paintedEdges[e.id] = true; });
  function paint() {
    var nodeUpdates = [], edgeUpdates = [];
    data.nodes.forEach(function (n) {
      var c = baseColour(n), opacity = !highlight || highlight.ids[n.id] ? 1 : DIMMED;
      if (painted[n.id] === c + opacity) return;
      painted[n.id] = c + opacity;
      nodeUpdates.push({ id: n.id, opacity: opacity,
                         color: { background: c, border: "#555", highlight: { background: c, border: "#111" },
                                  hover: { background: c, border: "#111" } } });
    });
    data.edges.forEach(function (e) {
      var lit = !highlight || (highlight.id !== null ? e.from === highlight.id || e.to === highlight.id
                                                     : highlight.ids[e.from] && highlight.ids[e.to]);
      if (paintedEdges[e.id] === lit) return;
      var style = edgeStyles[e.relation];
      paintedEdges[e.id] = lit;
      edgeUpdates.push({ id: e.id, color: { color: style.color, highlight: style.color, hover: style.color, opacity: lit ? 0.8 : 0.06 } });
    });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
    document.documentElement.setAttribute("data-kg-highlight", highlight ? (highlight.id || highlight.paper || "cluster:" + highlight.cluster) : "");
  }
  function highlightNode(id) {
    var ids = {};
    ids[id] = true;
    network.getConnectedNodes(id).forEach(function (other) { ids[other] = true; });
    highlight = { id: id, cluster: null, ids: ids };
    paint();
  }
  // A paper the concept map lists but does not draw: its concepts on the map light up.
  function highlightPaper(pid) {
    var ids = {};
    data.papers[pid].mentions.forEach(function (m) { if (nodes.get(m[3])) ids[m[3]] = true; });
    highlight = { id: null, cluster: null, paper: pid, ids: ids };
    network.unselectAll();
    paint();
  }
  function highlightCluster(index) {
    var ids = {};
    data.nodes.forEach(function (n) { if (n.cluster === index) ids[n.id] = true; });
    highlight = { id: null, cluster: index, ids: ids };
    paint();
  }
  function clearHighlight() {
    if (!highlight) return;
    highlight = null;
    network.unselectAll();
    paint();
  }
  kg.clearHighlight = clearHighlight;
  kg.highlighted = function () { return highlight ? Object.keys(highlight.ids).sort() : []; };

  var monthLegend = document.getElementById("kg-month-legend");
  var monthFrom = document.getElementById("kg-month-from"), monthTo = document.getElementById("kg-month-to");
  function setColourMode(mode) {
    colourMode = mode;
    document.documentElement.setAttribute("data-kg-colour", mode);
    monthLegend.hidden = mode !== "month";
    paint();
  }
  kg.setColourMode = setColourMode;
  Array.prototype.forEach.call(document.querySelectorAll("input[name='kg-colour']"), function (radio) {
    radio.checked = radio.value === colourMode;
    radio.addEventListener("change", function () { if (radio.checked) setColourMode(radio.value); });
  });
  (function monthControls() {
    var bar = document.getElementById("kg-month-bar");
    if (!monthList.length) {
      document.getElementById("kg-month-none").hidden = false;
      monthFrom.disabled = monthTo.disabled = true;
      return;
    }
    bar.style.background = "linear-gradient(to right, " + MONTH_STOPS.join(", ") + ")";
    var first = monthText(monthList[0]), last = monthText(monthList[monthList.length - 1]);
    document.getElementById("kg-month-first").textContent = first;
    document.getElementById("kg-month-last").textContent = last;
    monthList.forEach(function (m) {
      var a = el("option", monthText(m)), b = el("option", monthText(m));
      a.value = b.value = String(m);
      monthFrom.appendChild(a);
      monthTo.appendChild(b);
    });
    monthFrom.value = String(monthList[0]);
    monthTo.value = String(monthList[monthList.length - 1]);
    function onRange() {
      var from = parseInt(monthFrom.value, 10), to = parseInt(monthTo.value, 10);
      if (from > to) { var swap = from; from = to; to = swap; }
      var whole = from === monthList[0] && to === monthList[monthList.length - 1];
      filters.monthFrom = whole ? null : from;
      filters.monthTo = whole ? null : to;
      applyFilters();
    }
    monthFrom.addEventListener("change", onRange);
    monthTo.addEventListener("change", onRange);
  })();
  kg.monthColour = function (date) { return monthColour(monthIndex(date)); };

  // --- labels: drawn over the canvas by importance, none overlapping another (VOSviewer's rule) --
  var byImportance = data.nodes.slice().sort(function (a, b) { return b.size - a.size || (a.id < b.id ? -1 : 1); })
    .map(function (n) { return n.id; });
  var labelDensity = 1;
  var LABEL_AREA = 14000;  // canvas pixels per label at density 1
  var CLUSTER_NAMES = 8;
  var FIRST_CONCEPTS = 5;  // cluster names drawn at density 1, largest clusters first
  var densityInput = document.getElementById("kg-label-density");
  densityInput.addEventListener("input", function () { labelDensity = parseFloat(densityInput.value); network.redraw(); });
  kg.labels = [];
  kg.skippedLabels = [];
  function overlaps(a, b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }
  // One pass over the nodes per frame: each cluster's extent on the canvas.
  function clusterBoxes(width, height) {
    var extent = {};
    data.nodes.forEach(function (n) {
      if (n.cluster < 0 || !visible[n.id]) return;
      var body = network.body.nodes[n.id];
      if (!body) return;
      var e = extent[n.cluster] || (extent[n.cluster] = { minX: Infinity, maxX: -Infinity, minY: Infinity, count: 0 });
      e.count++;
      if (body.x < e.minX) e.minX = body.x;
      if (body.x > e.maxX) e.maxX = body.x;
      if (body.y < e.minY) e.minY = body.y;
    });
    var boxes = [];
    data.clusters.forEach(function (cluster, index) {
      var e = extent[index];
      if (!e || e.count < 3) return;
      var at = network.canvasToDOM({ x: (e.minX + e.maxX) / 2, y: e.minY });
      boxes.push({ cluster: index, text: cluster.name, x: at.x, y: at.y - 18 });
    });
    return boxes.filter(function (b) { return b.x > 0 && b.x < width && b.y > 0 && b.y < height; });
  }
  function drawLabels(ctx) {
    var width = container.clientWidth, height = container.clientHeight;
    var ratio = (network.canvas && network.canvas.pixelRatio) || window.devicePixelRatio || 1;
    var scale = network.getScale();
    var budget = Math.max(1, Math.round(labelDensity * width * height / LABEL_AREA));
    var placed = [], skipped = [];
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    function place(item, font, colour) {
      ctx.font = font;
      var w = ctx.measureText(item.text).width, h = item.h;
      var box = { x: item.x - w / 2, y: item.y, w: w, h: h };
      if (box.x < 0 || box.y < 0 || box.x + w > width || box.y + h > height) { skipped.push({ id: item.id, reason: "outside" }); return; }
      for (var i = 0; i < placed.length; i++) {
        if (overlaps(box, placed[i])) { skipped.push({ id: item.id, reason: "overlap", by: placed[i].id }); return; }
      }
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(item.text, box.x, box.y);
      ctx.fillStyle = colour;
      ctx.fillText(item.text, box.x, box.y);
      placed.push(Object.assign(box, { id: item.id, text: item.text, kind: item.kind }));
    }
    // the most important nodes first, then the cluster names, then the rest as the budget allows
    var candidates = [];
    byImportance.forEach(function (id) {
      if (!visible[id] || (highlight && !highlight.ids[id])) return;
      var body = network.body.nodes[id];
      if (!body) return;
      candidates.push(id);
    });
    // first the FIRST largest concepts (the map's landmarks), then cluster names, then the rest by size
    var first = candidates.filter(function (id) { return data.concepts[id]; }).slice(0, FIRST_CONCEPTS);
    var isFirst = {};
    first.forEach(function (id) { isFirst[id] = true; });
    function placeNode(id) {
      var body = network.body.nodes[id];
      var at = network.canvasToDOM({ x: body.x, y: body.y });
      var radius = (body.options.size || 10) * scale;
      var strong = highlight && highlight.id === id;
      place({ id: id, kind: "node", text: shortText(data.nodes[nodeIndex[id]].label, 32),
              x: at.x, y: at.y + radius + 2, h: 14 }, (strong ? "600 " : "") + "12px system-ui, sans-serif", "#222");
    }
    if (highlight && highlight.id !== null && visible[highlight.id] && network.body.nodes[highlight.id]) {
      placeNode(highlight.id);  // the selected node's label before any other
      isFirst[highlight.id] = true;
    }
    first.forEach(function (id) { if (!(highlight && highlight.id === id)) placeNode(id); });
    if (!highlight || highlight.cluster !== null) {
      var named = 0, most = Math.max(1, Math.round(CLUSTER_NAMES * labelDensity));
      clusterBoxes(width, height).forEach(function (b) {
        if ((highlight && highlight.cluster !== b.cluster) || named >= most) return;
        named++;
        place({ id: "cluster:" + b.cluster, kind: "cluster", text: b.text, x: b.x, y: b.y, h: 17 },
              "700 14px system-ui, sans-serif", data.clusters[b.cluster].color === OTHER_COLOUR ? "#333" : darker(data.clusters[b.cluster].color));
      });
    }
    var tries = 4 * budget + 50;  // a frame stops looking for room after this many candidates
    for (var i = 0; i < candidates.length && placed.length < budget && i < tries; i++) if (!isFirst[candidates[i]]) placeNode(candidates[i]);
    ctx.restore();
    kg.labels = placed;
    kg.skippedLabels = skipped;
  }
  var nodeIndex = {};
  data.nodes.forEach(function (n, i) { nodeIndex[n.id] = i; });
  network.on("afterDrawing", drawLabels);

  // --- the cluster list: name, size, top concepts; a click zooms to the cluster -----------------
  var clusterList = document.getElementById("kg-clusters");
  function zoomToCluster(index) {
    var members = data.nodes.filter(function (n) { return n.cluster === index && visible[n.id]; }).map(function (n) { return n.id; });
    highlightCluster(index);
    showCluster(index);
    if (members.length) network.fit({ nodes: members, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  }
  kg.zoomToCluster = zoomToCluster;
  data.clusters.forEach(function (cluster, index) {
    if (cluster.size < 3) return;
    var item = el("li");
    var dot = svg("svg", { width: 12, height: 12, viewBox: "0 0 12 12", "aria-hidden": "true" });
    dot.appendChild(svg("circle", { cx: 6, cy: 6, r: 5, fill: cluster.color }));
    item.appendChild(dot);
    var link = actionLink(cluster.name, function () { zoomToCluster(index); });
    link.setAttribute("data-kg-cluster", String(index));
    item.appendChild(link);
    item.appendChild(el("span", " " + cluster.papers + " papers · " + cluster.size + " nodes", "kg-count"));
    clusterList.appendChild(item);
  });
  if (!clusterList.firstChild) clusterList.appendChild(el("li", "No clusters of three or more nodes.", "kg-hint"));

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
    if (conceptOf(id)) item.appendChild(tag(conceptOf(id).label));
    if (data.undrawn[id]) item.appendChild(el("span", " not drawn", "kg-meta kg-undrawn"));
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
      var concept = conceptOf(m[3]);
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
    return edges.get({ filter: function (e) { return e.relation === S.related && (e.from === id || e.to === id); } });
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
    var byRelation = {}, all = {}, undrawn = 0;
    paper.mentions.forEach(function (m) { (byRelation[m[4]] = byRelation[m[4]] || {})[m[3]] = true; all[m[3]] = true; });
    Object.keys(all).forEach(function (cid) { if (data.undrawn[cid]) undrawn++; });
    panel.appendChild(el("p", Object.keys(all).length + " concepts" +
      (undrawn ? ", " + undrawn + " of them not drawn on this page (marked)" : ", all drawn"), "kg-meta kg-concept-count"));
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
      if (data.concepts[CONCEPT_PREFIX + key]) li.appendChild(nodeLink(CONCEPT_PREFIX + key));
      else li.appendChild(el("span", key + " (not on this page)", "kg-meta"));
    }));
  }

  // A concept-map link: the two concepts, how often papers name both, the listed papers that do.
  function showLink(edge) {
    var link = data.links[edge.id];
    var first = conceptEvidence(edge.from), second = conceptEvidence(edge.to);
    var both = Object.keys(first).filter(function (pid) { return second[pid]; }).sort();
    clear(panel);
    var heading = el("h2", "Named together");
    heading.title = edgeStyles[edge.relation].doc;
    panel.appendChild(heading);
    panel.appendChild(listOf([edge.from, edge.to], function (li, id) { li.appendChild(nodeLink(id)); }));
    panel.appendChild(el("p", "In " + link.together + " papers together, " + link.weight +
      " times as many as chance predicts (association strength)", "kg-meta"));
    panel.appendChild(el("h3", "Papers listed here that name both"));
    panel.appendChild(listOf(both, function (li, pid) { li.appendChild(nodeLink(pid)); }));
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

  // A concept of the graph that is not drawn: what it is and the command that shows it.
  function shellQuote(text) { return /^[\w.\/:-]+$/.test(text) ? text : "'" + text.replace(/'/g, "'\\''") + "'"; }
  function focusCommand(id) { return "kg html " + shellQuote(data.source) + " --focus " + shellQuote(id); }
  kg.focusCommand = focusCommand;
  function showAbsent(id, name, paperCount, label, why) {
    clear(panel);
    panel.appendChild(el("h2", name));
    panel.appendChild(el("p", label + " · in " + paperCount + " papers of the graph · " + why, "kg-meta"));
    panel.appendChild(el("p", "To see it with its papers, render the part of the graph around it:"));
    panel.appendChild(el("code", focusCommand(id), "kg-command"));
  }
  function showCluster(index) {
    var cluster = data.clusters[index];
    clear(panel);
    panel.appendChild(el("h2", cluster.name));
    panel.appendChild(el("p", "Cluster " + (index + 1) + " · " + cluster.papers + " papers, " + cluster.size + " nodes", "kg-meta"));
    panel.appendChild(el("h3", "Most characteristic concepts"));
    panel.appendChild(listOf(cluster.concepts, function (li, cid) { li.appendChild(nodeLink(cid)); }));
  }
  function setFragment(id) {
    try { history.replaceState(null, "", "#" + encodeURIComponent(id)); } catch (error) { /* a sandboxed page */ }
  }
  function select(id) {
    if (data.undrawn[id]) {
      var c = data.undrawn[id];
      showAbsent(id, c.name, c.paper_count, c.label, "not drawn on this page");
      setFragment(id);
      return;
    }
    if (data.papers[id] && !nodes.get(id)) {  // a concept map's paper: described, not drawn
      highlightPaper(id);
      showPaper(id);
      setFragment(id);
      return;
    }
    if (!nodes.get(id)) return;
    if (visible[id]) {
      network.selectNodes([id]);
      highlightNode(id);
      network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 400 } });
    }
    if (data.papers[id]) showPaper(id); else showConcept(id);
    setFragment(id);
  }
  kg.select = select;

  network.on("click", function (params) {
    if (params.nodes.length) select(params.nodes[0]);
    else if (params.edges.length) {
      var edge = edges.get(params.edges[0]);
      if (edge.relation === S.related) showRelated(edge);
      else if (edge.relation === S.link) showLink(edge);
      else showMention(edge);
    } else clearHighlight();
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") clearHighlight(); });
  document.getElementById("kg-clear").addEventListener("click", clearHighlight);

  // --- search: titles, arXiv ids, names and aliases; also concepts that are not drawn --------------
  var index = [];
  Object.keys(data.papers).forEach(function (id) {
    index.push({ text: data.papers[id].title, id: id, weight: 0 });
    index.push({ text: data.papers[id].id, id: id, weight: 0, arxiv: true });
  });
  Object.keys(data.concepts).forEach(function (id) {
    var c = data.concepts[id];
    [c.name].concat(c.aliases).forEach(function (name) { index.push({ text: name, id: id, weight: c.paper_count }); });
  });
  Object.keys(data.undrawn).forEach(function (id) {
    var c = data.undrawn[id];
    [c.name].concat(c.aliases).forEach(function (name) { index.push({ text: name, id: id, weight: c.paper_count, off: true }); });
  });
  data.absent.forEach(function (row) { index.push({ text: row[1], id: row[0], weight: row[2], off: true, absent: row }); });
  index.forEach(function (entry) { entry.lower = entry.text.toLowerCase(); });
  var names = document.getElementById("kg-names");
  var seenNames = {};
  index.forEach(function (entry) {
    if (seenNames[entry.text] || entry.off) return;
    seenNames[entry.text] = true;
    var option = el("option");
    option.value = entry.text;
    names.appendChild(option);
  });
  var status = document.getElementById("kg-search-status");
  // "arXiv:2503.11731v2", "https://arxiv.org/abs/2503.11731" -> "2503.11731"
  function arxivQuery(query) {
    return query.replace(/^(arxiv:|https?:\/\/(www\.)?arxiv\.org\/(abs|pdf)\/)/, "").replace(/v\d+$/, "").replace(/\.pdf$/, "");
  }
  function rank(entry, query, idQuery) {
    if (entry.arxiv) return entry.lower === idQuery ? 0 : (idQuery.length > 4 && entry.lower.indexOf(idQuery) === 0 ? 1 : -1);
    if (entry.lower === query) return 0;
    if (entry.lower.indexOf(query) === 0) return 1;
    return entry.lower.indexOf(query) > 0 ? 2 : -1;
  }
  function search(text) {
    var query = text.trim().toLowerCase();
    if (!query) { status.textContent = ""; clearHighlight(); return null; }
    var idQuery = arxivQuery(query);
    var hits = [];
    index.forEach(function (entry) { var r = rank(entry, query, idQuery); if (r >= 0) hits.push({ r: r, entry: entry }); });
    hits.sort(function (a, b) {
      return a.r - b.r || (a.entry.off ? 1 : 0) - (b.entry.off ? 1 : 0) || b.entry.weight - a.entry.weight ||
        a.entry.text.length - b.entry.text.length;
    });
    if (!hits.length) { status.textContent = "No match for " + text.trim() + " in the graph"; return null; }
    var top = hits[0].entry, best = top.id;
    var others = {};
    hits.forEach(function (h) { if (h.entry.id !== best) others[h.entry.id] = true; });
    var more = Object.keys(others).length;
    var tail = more ? " · " + more + " more match" + (more === 1 ? "" : "es") : "";
    if (top.absent) {
      status.textContent = top.absent[1] + " is in the graph (" + top.absent[2] + " papers) but not on this page: " +
        focusCommand(best) + tail;
      clearHighlight();
      showAbsent(best, top.absent[1], top.absent[2], top.absent[3], "not on this page");
      setFragment(best);
      return best;
    }
    if (top.off) {
      status.textContent = nodeName(best) + " is in the graph (" + data.undrawn[best].paper_count +
        " papers) but not drawn on this page: " + focusCommand(best) + tail;
      clearHighlight();
      select(best);
      return best;
    }
    status.textContent = nodeName(best) + (visible[best] ? "" : " (hidden by the filters)") + tail;
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

  // --- #node fragments: graph.html#concept:bert opens the page on that node ----------------------
  function openFragment() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (error) { id = location.hash.slice(1); }
    if (!id) return;
    var absent = data.absent.filter(function (row) { return row[0] === id; })[0];
    if (nodes.get(id) || data.undrawn[id]) select(id);
    else if (absent) search(absent[1]);
    else search(id);
    kg.openedFragment = id;
  }
  kg.openFragment = openFragment;
  window.addEventListener("hashchange", openFragment);
  paint();
  scriptDone = true;
  if (kg.ready) openFragment();
})();
