// How big is the graph? Papers, concepts per type, benchmarks, and relationships per type.
// Counts kg's part of the database: Paper and Concept nodes and the relationships from papers.
MATCH (p:Paper)
RETURN 'node' AS element, 'Paper' AS name, count(p) AS count
UNION ALL
MATCH (c:Concept)
RETURN 'concept' AS element, c.type AS name, count(c) AS count
ORDER BY name
UNION ALL
MATCH (d:Concept)
WHERE d.benchmark
RETURN 'concept' AS element, 'benchmark' AS name, count(d) AS count
UNION ALL
MATCH (:Paper)-[r]->()
RETURN 'relationship' AS element, type(r) AS name, count(r) AS count
ORDER BY name
