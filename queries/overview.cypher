// How big is the graph? Papers, concepts per type, benchmarks, and relationships per type.
// Counts kg's part of the database: Paper and Concept nodes and the relationships from papers.
// One ordered list of rows (not a UNION: the embedded engine does not keep a UNION's branch order).
MATCH (p:Paper)
WITH count(p) AS papers
OPTIONAL MATCH (c:Concept)
WITH papers, c.type AS type, count(c) AS n
WITH papers, collect(CASE WHEN n > 0 THEN {part: 2, element: 'concept', name: type, count: n} END) AS concepts
OPTIONAL MATCH (d:Concept)
WHERE d.benchmark
WITH papers, concepts, count(d) AS benchmarks
OPTIONAL MATCH (:Paper)-[r]->()
WITH papers, concepts, benchmarks, type(r) AS type, count(r) AS n
WITH papers, concepts, benchmarks,
     collect(CASE WHEN n > 0 THEN {part: 4, element: 'relationship', name: type, count: n} END) AS relationships
UNWIND [{part: 1, element: 'node', name: 'Paper', count: papers}] + concepts
       + [{part: 3, element: 'concept', name: 'benchmark', count: benchmarks}] + relationships AS row
RETURN row.element AS element, row.name AS name, row.count AS count
ORDER BY row.part, name
