// What the Gephi Toolkit (0.10.1) makes of a graph file, headless. Run by tools/gephi_toolkit.py:
//
//   java -cp 'CACHE/lib/*:CACHE/classes' GephiInspect inspect [--no-autoscale] [--date-interval=START[,END]] FILE...
//                                                      one JSON document a line, one a file
//   java ... GephiInspect render FILE OUT.pdf|OUT.svg                      Gephi's preview, positions as in FILE
//   java ... GephiInspect export FILE OUT.gexf|OUT.graphml|...             Gephi's own exporter for OUT's extension
//
// Each file is imported through ImportController into a workspace of its own and processed by
// the DefaultProcessor, as the desktop's "Import spreadsheet/graph file" does with the dialog's
// defaults (append to a new workspace), including its scaler, which stretches node sizes to
// 4..100 and spreads positions out ("auto_scale"; per node, "read" has the values before it);
// --no-autoscale turns that off, and render always does. Nothing is laid out. stdout carries only the JSON; the
// toolkit's own logging goes to stderr.

import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import org.gephi.graph.api.Column;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.Element;
import org.gephi.graph.api.Graph;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Interval;
import org.gephi.graph.api.Node;
import org.gephi.graph.api.Table;
import org.gephi.graph.api.TimeFormat;
import org.gephi.io.exporter.api.ExportController;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.ContainerUnloader;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.importer.api.NodeDraft;
import org.gephi.io.importer.api.Report;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.preview.api.PreviewController;
import org.gephi.preview.api.PreviewModel;
import org.gephi.preview.api.PreviewProperty;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

public class GephiInspect {

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (System.getenv("GEPHI_VERBOSE") == null) { // the toolkit logs every step at INFO
            java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
            root.setLevel(java.util.logging.Level.WARNING);
            for (java.util.logging.Handler handler : root.getHandlers()) {
                handler.setLevel(java.util.logging.Level.WARNING);
            }
        }
        PrintStream out = System.out;
        System.setOut(System.err); // whatever the toolkit prints stays off the JSON
        if (args.length < 2) {
            usage();
        }
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        projects.newProject();
        switch (args[0]) {
            case "inspect": {
                int first = 1;
                boolean autoScale = true;
                String dateColumn = null;
                for (; first < args.length && args[first].startsWith("--"); first++) {
                    if (args[first].equals("--no-autoscale")) {
                        autoScale = false;
                    } else if (args[first].startsWith("--date-interval=")) {
                        dateColumn = args[first].substring("--date-interval=".length());
                    } else {
                        usage();
                    }
                }
                for (int i = first; i < args.length; i++) {
                    Json json = new Json();
                    inspect(projects, new File(args[i]), autoScale, dateColumn, json);
                    out.println(json);
                    out.flush();
                }
                break;
            }
            case "render":
            case "export": {
                if (args.length != 3) {
                    usage();
                }
                Json json = new Json();
                // a picture keeps the file's positions and sizes: no import scaling
                Workspace workspace = inspect(projects, new File(args[1]), !args[0].equals("render"), null, json);
                if (workspace == null) {
                    out.println(json);
                    System.exit(1);
                }
                File target = new File(args[2]);
                if (args[0].equals("render")) {
                    render(workspace, target);
                } else {
                    Lookup.getDefault().lookup(ExportController.class).exportFile(target, workspace);
                }
                out.println("{\"written\": " + Json.quote(target.getPath()) + ", \"bytes\": " + target.length() + "}");
                break;
            }
            default:
                usage();
        }
        out.flush();
        System.exit(0); // the toolkit leaves non-daemon threads behind
    }

    static void usage() {
        System.err.println("usage: GephiInspect inspect [--no-autoscale] [--date-interval=START[,END]] FILE... | render FILE OUT.pdf|OUT.svg | export FILE OUT.gexf|OUT.graphml");
        System.exit(2);
    }

    /** Imports ``file`` into a new workspace and writes what Gephi holds into ``json``; null when the import failed. */
    static Workspace inspect(ProjectController projects, File file, boolean autoScale, String dateColumn, Json json) {
        json.open().key("file").value(file.getPath());
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        Container container;
        try {
            container = importer.importFile(file);
        } catch (Exception error) {
            json.key("error").value(error.toString()).close();
            return null;
        }
        if (container == null) {
            json.key("error").value("Gephi has no importer for this file, or the import failed").close();
            return null;
        }
        Report report = container.getReport();
        if (!autoScale) {
            container.getLoader().setAutoScale(false);
        }
        ContainerUnloader unloader = container.getUnloader();
        // what the importer read from the file, before the processor's scaler (auto_scale) changes it
        java.util.Map<String, float[]> drafts = new java.util.HashMap<>();
        for (NodeDraft draft : unloader.getNodes()) {
            drafts.put(draft.getId(), new float[] {draft.getX(), draft.getY(), draft.getSize()});
        }
        json.key("importer").open()
                .key("source").value(container.getSource())
                .key("edge_default").value(String.valueOf(unloader.getEdgeDefault()))
                .key("time_format").value(String.valueOf(unloader.getTimeFormat()))
                .key("time_representation").value(String.valueOf(unloader.getTimeRepresentation()))
                .key("interval").value(interval(unloader.getInterval(), unloader.getTimeFormat()))
                .key("timestamp").value(unloader.getTimestamp())
                .key("dynamic_graph").value(container.isDynamicGraph())
                .key("dynamic_attributes").value(container.hasDynamicAttributes())
                .key("allow_parallel_edges").value(unloader.allowParallelEdges())
                .key("edges_merge_strategy").value(String.valueOf(unloader.getEdgesMergeStrategy()))
                .key("allow_self_loop").value(unloader.allowSelfLoop())
                .key("allow_auto_node").value(unloader.allowAutoNode())
                .key("auto_scale").value(unloader.isAutoScale())
                .key("fill_label_with_id").value(unloader.isFillLabelWithId())
                .key("draft_nodes").value(unloader.getNodeCount())
                .key("draft_edges").value(unloader.getEdgeCount())
                .close();

        Workspace workspace = projects.newWorkspace(projects.getCurrentProject());
        projects.openWorkspace(workspace); // Data Laboratory's controllers work on the open one
        try {
            importer.process(container, new DefaultProcessor(), workspace);
        } catch (Exception error) {
            json.key("error").value("processing failed: " + error);
        }
        // the report after processing also has the processor's words (e.g. merged parallel edges)
        json.key("issues").array();
        Iterator<Issue> issues = report.getIssues(Integer.MAX_VALUE);
        while (issues.hasNext()) {
            Issue issue = issues.next();
            json.open().key("level").value(String.valueOf(issue.getLevel()))
                    .key("message").value(issue.getMessage()).close();
        }
        json.end();
        json.key("report").value(report.getText(false));

        GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
        if (dateColumn != null) {
            json.key("date_interval").value(dateInterval(model, dateColumn));
        }
        Graph graph = model.getGraph();
        TimeFormat format = model.getTimeFormat();
        int undirected = 0;
        for (Edge edge : graph.getEdges()) {
            if (!edge.isDirected()) {
                undirected++;
            }
        }
        json.key("graph").open()
                .key("directed").value(model.isDirected())
                .key("undirected").value(model.isUndirected())
                .key("mixed").value(model.isMixed())
                .key("kind").value(model.isMixed() ? "mixed" : model.isUndirected() ? "undirected" : "directed")
                .key("multigraph").value(model.isMultiGraph())
                .key("dynamic").value(model.isDynamic())
                .key("time_format").value(String.valueOf(format))
                .key("time_representation").value(String.valueOf(model.getConfiguration().getTimeRepresentation()))
                .key("time_zone").value(String.valueOf(model.getTimeZone()))
                .key("time_bounds").value(interval(model.getTimeBounds(), format))
                .key("node_count").value(graph.getNodeCount())
                .key("edge_count").value(graph.getEdgeCount())
                .key("undirected_edge_count").value(undirected)
                .key("edge_types").array();
        for (Object label : model.getEdgeTypeLabels()) {
            json.value(label);
        }
        json.end().close();

        json.key("node_columns");
        columns(json, model.getNodeTable());
        json.key("edge_columns");
        columns(json, model.getEdgeTable());

        json.key("nodes").array();
        for (Node node : graph.getNodes()) {
            json.open().key("id").value(node.getId()).key("label").value(node.getLabel());
            color(json, node.r(), node.g(), node.b(), node.alpha());
            json.key("size").value(node.size()).key("x").value(node.x()).key("y").value(node.y()).key("z").value(node.z());
            float[] draft = drafts.get(String.valueOf(node.getId()));
            if (draft != null) {
                json.key("read").open().key("x").value(draft[0]).key("y").value(draft[1]).key("size").value(draft[2]).close();
            }
            times(json, node, format);
            attributes(json, node, model.getNodeTable());
            json.close();
        }
        json.end();

        json.key("edges").array();
        for (Edge edge : graph.getEdges()) {
            json.open().key("id").value(edge.getId())
                    .key("source").value(edge.getSource().getId())
                    .key("target").value(edge.getTarget().getId())
                    .key("label").value(edge.getLabel())
                    .key("weight").value(edge.getWeight())
                    .key("directed").value(edge.isDirected())
                    .key("type_label").value(edge.getTypeLabel());
            color(json, edge.r(), edge.g(), edge.b(), edge.alpha());
            times(json, edge, format);
            attributes(json, edge, model.getEdgeTable());
            json.close();
        }
        json.end();
        json.close();
        return workspace;
    }

    /** Colours as the GEXF viz namespace writes them: r, g, b in 0–255 and alpha in 0–1; null when unset. */
    static void color(Json json, float r, float g, float b, float alpha) {
        json.key("color");
        if (r < 0 || g < 0 || b < 0) { // Gephi keeps -1 for "no colour of its own"
            json.value((Object) null);
            return;
        }
        json.open().key("r").value(Math.round(r * 255)).key("g").value(Math.round(g * 255))
                .key("b").value(Math.round(b * 255)).key("alpha").value(alpha).close();
    }

    static void times(Json json, Element element, TimeFormat format) {
        boolean timestamped = element.getTable().getGraph().getModel().getConfiguration().getTimeRepresentation()
                == org.gephi.graph.api.TimeRepresentation.TIMESTAMP;
        Interval[] intervals = timestamped ? new Interval[0] : element.getIntervals();
        double[] timestamps = timestamped ? element.getTimestamps() : new double[0];
        if (intervals.length > 0) {
            json.key("intervals").array();
            for (Interval interval : intervals) {
                json.value(interval(interval, format));
            }
            json.end();
        }
        if (timestamps.length > 0) {
            json.key("timestamps").array();
            for (double t : timestamps) {
                json.value(format.print(t));
            }
            json.end();
        }
    }

    static void columns(Json json, Table table) {
        json.array();
        for (Column column : table) {
            json.open().key("id").value(column.getId()).key("title").value(column.getTitle())
                    .key("type").value(column.getTypeClass().getSimpleName())
                    .key("origin").value(String.valueOf(column.getOrigin()))
                    .key("dynamic").value(column.isDynamic()).close();
        }
        json.end();
    }

    /** The element's DATA columns (the PROPERTY ones — id, label, weight, timeset — are printed apart). */
    static void attributes(Json json, Element element, Table table) {
        json.key("attributes").open();
        for (Column column : table) {
            if (column.isProperty()) {
                continue;
            }
            json.key(column.getId()).value(plain(element.getAttribute(column)));
        }
        json.close();
    }

    /** Arrays as JSON lists; Gephi's own types (dynamic values, time sets) as their text. */
    static Object plain(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String
                || value instanceof Character) {
            return value;
        }
        if (value.getClass().isArray()) {
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(plain(Array.get(value, i)));
            }
            return items;
        }
        return value.getClass().getSimpleName() + ":" + value;
    }

    static Object interval(Interval interval, TimeFormat format) {
        if (interval == null) {
            return null;
        }
        Json json = new Json();
        json.open().key("low").value(interval.getLow()).key("high").value(interval.getHigh())
                .key("low_text").value(Double.isInfinite(interval.getLow()) ? null : format.print(interval.getLow()))
                .key("high_text").value(Double.isInfinite(interval.getHigh()) ? null : format.print(interval.getHigh()))
                .close();
        return new Raw(json.toString());
    }

    /**
     * What Data Laboratory's "Merge columns → Create time interval" does with date columns START,END
     * (or one column as both), format yyyy-MM-dd: the node table's ``timeset`` gets [start, end]
     * for each node it accepts. Columns are found by id or by title.
     */
    static Object dateInterval(GraphModel model, String names) {
        Table table = model.getNodeTable();
        String[] parts = names.split(",", 2);
        Column start = column(table, parts[0]);
        Column end = column(table, parts.length > 1 ? parts[1] : parts[0]);
        if (start == null || end == null) {
            return "no node column " + names;
        }
        try {
            Column made = Lookup.getDefault().lookup(org.gephi.datalab.api.AttributeColumnsMergeStrategiesController.class)
                    .mergeDateColumnsToTimeInterval(table, start, end, new java.text.SimpleDateFormat("yyyy-MM-dd"),
                            null, null);
            return made == null ? "no column made" : "made column " + made.getId() + " (" + made.getTypeClass().getSimpleName() + ")";
        } catch (Exception error) {
            return "failed: " + error;
        }
    }

    static Column column(Table table, String name) {
        Column column = table.getColumn(name);
        for (Column candidate : table) {
            if (column == null && candidate.getTitle().equals(name)) {
                column = candidate;
            }
        }
        return column;
    }

    static void render(Workspace workspace, File target) throws Exception {
        PreviewController preview = Lookup.getDefault().lookup(PreviewController.class);
        PreviewModel model = preview.getModel(workspace);
        model.getProperties().putValue(PreviewProperty.SHOW_NODE_LABELS, Boolean.TRUE);
        model.getProperties().putValue(PreviewProperty.EDGE_CURVED, Boolean.FALSE);
        preview.refreshPreview(workspace);
        Lookup.getDefault().lookup(ExportController.class).exportFile(target, workspace);
    }

    /** Text put in a JSON document as it is. */
    record Raw(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** A small JSON writer: objects, arrays, strings, numbers (non-finite ones as strings), booleans, null. */
    static final class Json {
        private final StringBuilder text = new StringBuilder();
        private final List<Boolean> first = new ArrayList<>();
        private boolean afterKey;

        Json open() {
            separate();
            text.append('{');
            first.add(true);
            return this;
        }

        Json close() {
            text.append('}');
            first.remove(first.size() - 1);
            return this;
        }

        Json array() {
            separate();
            text.append('[');
            first.add(true);
            return this;
        }

        Json end() {
            text.append(']');
            first.remove(first.size() - 1);
            return this;
        }

        Json key(String key) {
            separate();
            text.append(quote(key)).append(": ");
            afterKey = true;
            return this;
        }

        Json value(Object value) {
            if (value instanceof List<?> list) { // array() separates
                array();
                for (Object item : list) {
                    value(item);
                }
                return end();
            }
            separate();
            if (value == null) {
                text.append("null");
            } else if (value instanceof Raw) {
                text.append(value);
            } else if (value instanceof Boolean) {
                text.append(value);
            } else if (value instanceof Number) {
                double d = ((Number) value).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    text.append(quote(String.valueOf(d)));
                } else if (value instanceof Float || value instanceof Double) {
                    text.append(String.format(Locale.ROOT, "%s", value));
                } else {
                    text.append(value);
                }
            } else {
                text.append(quote(String.valueOf(value)));
            }
            return this;
        }

        private void separate() {
            if (afterKey) {
                afterKey = false;
                return;
            }
            if (!first.isEmpty()) {
                if (!first.get(first.size() - 1)) {
                    text.append(", ");
                }
                first.set(first.size() - 1, false);
            }
        }

        static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
