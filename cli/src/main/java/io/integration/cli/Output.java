package io.integration.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints answers: aligned tables for people (the default), the API's JSON for scripts ({@code --output json}). */
final class Output {

    enum Format { table, json }

    private final PrintWriter out;
    private final Format format;

    Output(PrintWriter out, Format format) {
        this.out = out;
        this.format = format;
    }

    boolean json() {
        return format == Format.json;
    }

    /** {@code rows} under {@code headers}, or {@code raw} as JSON. */
    void table(JsonNode raw, List<String> headers, List<List<String>> rows) {
        if (json()) {
            print(raw);
            return;
        }
        int[] widths = new int[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i) == null ? 1 : row.get(i).length());
            }
        }
        line(headers, widths);
        rows.forEach(row -> line(row, widths));
        if (rows.isEmpty()) {
            out.println("(none)");
        }
        out.flush();
    }

    /** One object as {@code key: value} lines, or as JSON. */
    void object(JsonNode raw, List<String> fields) {
        if (json()) {
            print(raw);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        int width = fields.stream().mapToInt(String::length).max().orElse(0);
        for (String field : fields) {
            JsonNode value = raw.path(field);
            if (!value.isMissingNode() && !value.isNull()) {
                out.println(pad(field + ":", width + 1) + " " + (value.isValueNode() ? value.asText() : value.toString()));
            }
        }
        out.flush();
    }

    void message(String text) {
        if (!json()) {
            out.println(text);
            out.flush();
        }
    }

    void print(JsonNode node) {
        try {
            out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            out.println(node.toString());
        }
        out.flush();
    }

    private void line(List<String> cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i) == null ? "-" : cells.get(i);
            b.append(i == cells.size() - 1 ? cell : pad(cell, widths[i]) + "  ");
        }
        out.println(b.toString().stripTrailing());
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
