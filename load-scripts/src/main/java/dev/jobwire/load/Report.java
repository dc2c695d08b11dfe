package dev.jobwire.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What a scenario measured: ordered key/value results, correctness problems, and the timeline.
 * Written as JSON (machine-readable), as an HTML page with SVG charts, and as a console table.
 */
public final class Report {
    private final String scenario;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private List<Sampler.Sample> timeline = List.of();
    private final List<Bars> bars = new ArrayList<>();

    /** A bar chart: one group of bars per label, one bar per series. */
    private record Bars(String title, List<String> labels, Map<String, List<Double>> series) {
    }

    public Report(String scenario) {
        this.scenario = scenario;
        results.put("scenario", scenario);
        results.put("started_at", Instant.now().toString());
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("java", Runtime.version().toString());
    }

    public Report put(String key, Object value) {
        results.put(key, value instanceof Double d ? round(d) : value);
        return this;
    }

    /** A correctness failure (a missing task, a broken cap): makes the command exit non-zero. */
    public Report problem(String problem) {
        problems.add(problem);
        return this;
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    public void timeline(List<Sampler.Sample> samples) {
        this.timeline = samples;
    }

    /** Adds a bar chart to the HTML page (its values are in the results too). */
    public void bars(String title, List<String> labels, Map<String, List<Double>> series) {
        bars.add(new Bars(title, List.copyOf(labels), new LinkedHashMap<>(series)));
    }

    /** Records the ideal, the ratio to it, and whether a ratio target was met (speed is reported, never failed on). */
    public void ideal(double idealSeconds, double actualSeconds, double targetRatio) {
        double ratio = actualSeconds / idealSeconds;
        put("ideal_seconds", idealSeconds);
        put("ratio_to_ideal", ratio);
        put("target_ratio", targetRatio);
        put("target_met", ratio <= targetRatio);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    public Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        String stamp = Instant.now().toString().replace(":", "").replace(".", "-");
        Map<String, Object> json = new LinkedHashMap<>(results);
        json.put("problems", problems);
        json.put("timeline", timeline);
        Path jsonFile = directory.resolve(scenario + "-" + stamp + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(jsonFile.toFile(), json);
        Files.writeString(directory.resolve(scenario + "-" + stamp + ".html"), html(), StandardCharsets.UTF_8);
        return jsonFile;
    }

    public String table() {
        StringBuilder out = new StringBuilder();
        results.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %-34s %s%n", k, v)));
        if (problems.isEmpty()) {
            out.append("  correctness                        OK\n");
        } else {
            problems.forEach(p -> out.append("  PROBLEM                            ").append(p).append('\n'));
        }
        return out.toString();
    }

    private String html() {
        StringBuilder page = new StringBuilder("<!doctype html><meta charset=utf-8><title>").append(scenario)
                .append("</title><style>body{font:14px system-ui;margin:2em}td{padding:2px 12px}svg{border:1px solid #ccc;"
                        + "margin:8px 0}</style><h1>").append(scenario).append("</h1><table>");
        results.forEach((k, v) -> page.append("<tr><td>").append(escape(k)).append("<td>").append(escape(String.valueOf(v))));
        problems.forEach(p -> page.append("<tr><td><b>PROBLEM</b><td>").append(escape(p)));
        page.append("</table>");
        bars.forEach(b -> page.append(barChart(b)));
        List<Sampler.Sample> s = timeline;
        List<Double> throughput = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            throughput.add(i == 0 ? 0 : (s.get(i).done() - s.get(i - 1).done())
                    / Math.max(1e-3, s.get(i).atSeconds() - s.get(i - 1).atSeconds()));
        }
        page.append(chart("throughput (tasks/s)", s, i -> throughput.get(i), "#1f77b4"));
        page.append(chart("tasks in flight", s, i -> s.get(i).inFlight(), "#ff7f0e"));
        page.append(chart("heap used (MB)", s, i -> s.get(i).heapUsedMb(), "#2ca02c"));
        page.append(chart("heap after GC (MB)", s, i -> s.get(i).heapAfterGcMb(), "#d62728"));
        page.append(chart("resident memory (MB)", s, i -> s.get(i).rssMb(), "#9467bd"));
        return page.toString();
    }

    private static String chart(String title, List<Sampler.Sample> samples, java.util.function.IntToDoubleFunction y,
            String color) {
        int w = 800;
        int h = 160;
        if (samples.size() < 2) {
            return "";
        }
        double maxX = samples.get(samples.size() - 1).atSeconds();
        double maxY = 1;
        for (int i = 0; i < samples.size(); i++) {
            maxY = Math.max(maxY, y.applyAsDouble(i));
        }
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < samples.size(); i++) {
            double px = 40 + (w - 50) * samples.get(i).atSeconds() / Math.max(maxX, 1e-3);
            double py = h - 20 - (h - 30) * y.applyAsDouble(i) / maxY;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
        }
        return String.format(Locale.ROOT, "<h3>%s</h3><svg width=%d height=%d><text x=2 y=14 font-size=11>%.0f</text>"
                + "<text x=2 y=%d font-size=11>0</text><text x=%d y=%d font-size=11>%.1f s</text>"
                + "<polyline fill=none stroke='%s' stroke-width=1.5 points='%s'/></svg>",
                escape(title), w, h, maxY, h - 20, w - 60, h - 4, maxX, color, points);
    }

    private static String barChart(Bars b) {
        String[] colors = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};
        int w = 800;
        int h = 220;
        double max = 1;
        for (List<Double> values : b.series().values()) {
            for (Double v : values) {
                max = Math.max(max, v);
            }
        }
        int groups = b.labels().size();
        int perGroup = b.series().size();
        double groupWidth = (w - 60.0) / Math.max(1, groups);
        double barWidth = groupWidth * 0.8 / Math.max(1, perGroup);
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<h3>%s</h3><svg width=%d height=%d>", escape(b.title()),
                w, h + 20 * perGroup));
        int series = 0;
        for (Map.Entry<String, List<Double>> entry : b.series().entrySet()) {
            String color = colors[series % colors.length];
            for (int g = 0; g < groups && g < entry.getValue().size(); g++) {
                double v = entry.getValue().get(g);
                double bh = (h - 40) * v / max;
                double x = 50 + g * groupWidth + series * barWidth;
                svg.append(String.format(Locale.ROOT, "<rect x=%.1f y=%.1f width=%.1f height=%.1f fill='%s'/>"
                        + "<text x=%.1f y=%.1f font-size=10>%.0f</text>", x, h - 20 - bh, barWidth - 2, bh, color, x, h - 24 - bh, v));
            }
            svg.append(String.format(Locale.ROOT, "<rect x=50 y=%d width=10 height=10 fill='%s'/><text x=64 y=%d font-size=11>%s</text>",
                    h + 4 + 20 * series, color, h + 13 + 20 * series, escape(entry.getKey())));
            series++;
        }
        for (int g = 0; g < groups; g++) {
            svg.append(String.format(Locale.ROOT, "<text x=%.1f y=%d font-size=11>%s</text>", 50 + g * groupWidth, h - 6,
                    escape(b.labels().get(g))));
        }
        return svg.append("</svg>").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }

    static <T> double max(List<T> items, ToDoubleFunction<T> f) {
        return items.stream().mapToDouble(f).max().orElse(0);
    }
}
