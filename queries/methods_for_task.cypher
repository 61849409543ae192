// Which methods and models do papers on a task use or propose more often than other papers do?
// Papers on the task are those linked to it by any relation (mostly ADDRESSES; USES, MENTIONS
// or PROPOSES where the sentence said so); a method counts for a paper that USES or PROPOSES
// it. Ranked by lift: papers on the task with the method × all papers ÷ (papers on the task ×
// papers with the method), i.e. how many times more often than chance (1: as often as
// elsewhere), to 2 decimals rounded half up (in integers, so both engines give the same number);
// ties by papers on the task with it, then key. Raw counts would put the same hubs
// ("transformer", "large language model") first for every task. Methods used or proposed by
// fewer than min_papers papers on the task are left out. on_task: papers on the task that use
// or propose it; papers: all papers that do. The task is looked up by key (an index seek).
// param task (concept, e.g. code generation): the task's name, key or an alias
// param min_papers (int, default 2): leave out methods used or proposed by fewer papers on the task
// param limit (int, default 20): rows to return
UNWIND $task AS wanted
MATCH (t:Concept)
WHERE t.key = wanted AND t.type = 'task'
WITH t
MATCH (t)<--(p:Paper)
WITH collect(DISTINCT p) AS task_papers
UNWIND task_papers AS p
MATCH (p)-[:USES|PROPOSES]->(m:Concept)
WHERE m.type IN ['method', 'model']
WITH size(task_papers) AS task_papers, m, count(DISTINCT p) AS on_task
WHERE on_task >= $min_papers
MATCH (m)<-[:USES|PROPOSES]-(q:Paper)
WITH task_papers, m, on_task, count(DISTINCT q) AS papers, COUNT { MATCH (:Paper) } AS all_papers
RETURN m.key AS key, m.name AS name, m.type AS type,
       ((200 * on_task * all_papers + task_papers * papers) / (2 * task_papers * papers)) / 100.0 AS lift,
       on_task, papers
ORDER BY lift DESC, on_task DESC, key
LIMIT $limit
