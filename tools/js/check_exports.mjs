// What Cytoscape.js and graphology make of graph files, headless, in Node:
//
//   node tools/js/check_exports.mjs [--as=cytoscape|graphology|gexf] FILE...
//
// prints one JSON document: {"results": [one object per file]}. Each file is read by
//   - Cytoscape.js (cytoscape({headless: true, elements})) for a .cyjs or any JSON with "elements"
//     (Cytoscape desktop's export, or Cytoscape.js's cy.json());
//   - graphology (Graph.from) for a JSON with "nodes" whose items have "key" (graphology's
//     serialization: {attributes, options, nodes: [{key, attributes}], edges: [{key?, source, target,
//     undirected?, attributes}]});
//   - graphology-gexf (the reader sigma.js users load GEXF with) for a .gexf;
// or by the one --as names (e.g. a NetworkX node-link JSON given to Cytoscape.js, to see what it does).
// Warnings and errors the library prints (console.warn / console.error) are caught per file.

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import cytoscape from "cytoscape";
import graphology from "graphology";
import gexf from "graphology-gexf";

const { Graph } = graphology;
const SAMPLE = 5; // how many labels / ids to show

function captured(run) {
  const warnings = [];
  const saved = { warn: console.warn, error: console.error, log: console.log };
  console.warn = (...args) => warnings.push(args.map(String).join(" "));
  console.error = (...args) => warnings.push(args.map(String).join(" "));
  console.log = (...args) => warnings.push(args.map(String).join(" "));
  try {
    return { ...run(), warnings };
  } catch (error) {
    return { error: `${error.name}: ${error.message}`, warnings };
  } finally {
    Object.assign(console, saved);
  }
}

function readerFor(path, text, forced) {
  if (forced) return forced;
  if (path.endsWith(".gexf")) return "gexf";
  const doc = JSON.parse(text);
  if (doc && typeof doc === "object" && "elements" in doc) return "cytoscape";
  // a node-link JSON (NetworkX, kg's graph.json) has "links" or nodes with "id" (kg's nodes also have a "key")
  if (doc && Array.isArray(doc.nodes) && !("links" in doc)
      && doc.nodes.every((n) => n && typeof n === "object" && "key" in n && !("id" in n))) return "graphology";
  if (path.endsWith(".cyjs")) return "cytoscape";
  return "unknown";
}

function countBy(values) {
  const counts = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function checkCytoscape(doc) {
  // Cytoscape desktop writes {"elements": {...}}; cy.json() too; a bare array or {nodes, edges} is
  // what cytoscape({elements}) takes directly. Anything else is passed as it is, to see what happens.
  const elements = doc && typeof doc === "object" && "elements" in doc ? doc.elements : doc;
  // "preset" keeps the positions in the file (headless, the default layout puts every node at 0,0);
  // styleEnabled: true would keep Node's event loop alive after the check
  const cy = cytoscape({ headless: true, styleEnabled: false, layout: { name: "preset" }, elements });
  const nodes = cy.nodes();
  const edges = cy.edges();
  const given = {
    nodes: Array.isArray(elements) ? elements.filter((e) => e.group !== "edges" && !(e.data && "source" in e.data)).length
      : (elements?.nodes ?? []).length,
    edges: Array.isArray(elements) ? elements.filter((e) => e.group === "edges" || (e.data && "source" in e.data)).length
      : (elements?.edges ?? []).length,
  };
  const pairs = countBy(edges.map((e) => `${e.source().id()}\u0000${e.target().id()}`));
  return {
    reader: `cytoscape ${cytoscape.version ?? ""}`.trim(),
    given,
    node_count: nodes.length,
    edge_count: edges.length,
    dropped_edges: given.edges - edges.length,
    parallel_edge_pairs: Object.values(pairs).filter((c) => c > 1).length,
    loops: edges.filter((e) => e.isLoop()).length,
    node_ids: nodes.slice(0, SAMPLE).map((n) => n.id()),
    labels: nodes.slice(0, SAMPLE).map((n) => n.data("name") ?? n.data("label") ?? null),
    edge_labels: edges.slice(0, SAMPLE).map((e) => e.data("interaction") ?? e.data("label") ?? null),
    positions: nodes.slice(0, SAMPLE).map((n) => n.position()),
    node_data_keys: [...new Set(nodes.flatMap((n) => Object.keys(n.data())))].sort(),
    edge_data_keys: [...new Set(edges.flatMap((e) => Object.keys(e.data())))].sort(),
    classes: [...new Set(nodes.flatMap((n) => n.classes()))].sort(),
  };
}

function describeGraphology(graph, reader) {
  const nodes = graph.nodes();
  return {
    reader,
    type: graph.type,
    multi: graph.multi,
    allow_self_loops: graph.allowSelfLoops,
    node_count: graph.order,
    edge_count: graph.size,
    directed_edge_count: graph.directedSize,
    undirected_edge_count: graph.undirectedSize,
    self_loop_count: graph.selfLoopCount,
    graph_attributes: graph.getAttributes(),
    node_ids: nodes.slice(0, SAMPLE),
    labels: nodes.slice(0, SAMPLE).map((n) => graph.getNodeAttribute(n, "label") ?? null),
    node_attributes: nodes.slice(0, 2).map((n) => graph.getNodeAttributes(n)),
    edge_attributes: graph.edges().slice(0, 2).map((e) => ({ key: e, source: graph.source(e), target: graph.target(e),
      undirected: graph.isUndirected(e), ...graph.getEdgeAttributes(e) })),
  };
}

function checkGraphology(doc) {
  return describeGraphology(Graph.from(doc), "graphology Graph.from");
}

function checkGexf(text) {
  // graphology-gexf's default graph class is a mixed multigraph: what the file says decides the rest
  return describeGraphology(gexf.parse(Graph, text, { addMissingNodes: false }), "graphology-gexf parse");
}

function check(path, forced) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { file: path, error: `${error.name}: ${error.message}`, warnings: [] };
  }
  let reader;
  try {
    reader = readerFor(path, text, forced);
  } catch (error) {
    return { file: path, error: `not JSON: ${error.message}`, warnings: [] };
  }
  const result = captured(() => {
    if (reader === "cytoscape") return checkCytoscape(JSON.parse(text));
    if (reader === "graphology") return checkGraphology(JSON.parse(text));
    if (reader === "gexf") return checkGexf(text);
    throw new Error(`no reader for ${basename(path)}: not a .gexf, and no "elements" nor graphology "nodes" with "key"`);
  });
  return { file: path, as: reader, ...result };
}

const args = process.argv.slice(2);
const forced = args.find((a) => a.startsWith("--as="))?.slice(5);
const files = args.filter((a) => !a.startsWith("--"));
if (files.length === 0 || (forced && !["cytoscape", "graphology", "gexf"].includes(forced))) {
  console.error("usage: node check_exports.mjs [--as=cytoscape|graphology|gexf] FILE...");
  process.exit(2);
}
const results = files.map((f) => check(f, forced));
// exit once the output is written: a library timer must not keep the process (and its caller) waiting
process.stdout.write(JSON.stringify({ results }, null, 1) + "\n", () => process.exit(0));
