// What do papers on a task usually compare against (their baselines)?
// Papers on the task are those linked to it by any relation; a baseline is a concept such a
// paper links with COMPARES_WITH. Ranked by how many papers on the task compare with it (on_task:
// "usual" means often), then by lift, then key. lift: on_task × all papers ÷ (papers on the task ×
// papers comparing with it), how many times more often than chance, to 2 decimals rounded half
// up: near 1 the baseline is as common everywhere (a generic one, e.g. "large language model"),
// well above 1 it is this task's own. papers: all papers comparing with it. The task is looked
// up by key (an index seek).
// param task (concept, e.g. language modeling): the task's name, key or an alias
// param limit (int, default 20): rows to return
UNWIND $task AS wanted
MATCH (t:Concept)
WHERE t.key = wanted AND t.type = 'task'
WITH t
MATCH (t)<--(p:Paper)
WITH collect(DISTINCT p) AS task_papers
UNWIND task_papers AS p
MATCH (p)-[:COMPARES_WITH]->(b:Concept)
WITH size(task_papers) AS task_papers, b, count(DISTINCT p) AS on_task
MATCH (b)<-[:COMPARES_WITH]-(q:Paper)
WITH task_papers, b, on_task, count(DISTINCT q) AS papers, COUNT { MATCH (:Paper) } AS all_papers
RETURN b.key AS key, b.name AS name, b.type AS type, on_task,
       ((200 * on_task * all_papers + task_papers * papers) / (2 * task_papers * papers)) / 100.0 AS lift, papers
ORDER BY on_task DESC, lift DESC, key
LIMIT $limit
