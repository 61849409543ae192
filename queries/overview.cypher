// How big is the graph? Nodes per label and relationships per type.
// Counts everything in the database, kg's part and anything else stored beside it.
CALL {
  MATCH (n)
  UNWIND labels(n) AS name
  RETURN 'label' AS element, name, count(*) AS count
  UNION ALL
  MATCH ()-[r]->()
  RETURN 'relationship' AS element, type(r) AS name, count(*) AS count
}
RETURN element, name, count
ORDER BY element, name
