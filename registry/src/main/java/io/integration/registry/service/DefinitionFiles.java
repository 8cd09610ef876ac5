package io.integration.registry.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The definition documents {@code apply -f} reads: the file itself, or the {@code .yaml}, {@code .yml} and
 * {@code .json} files directly in a folder, by name. Sub-folders are not entered (the catalogue keeps its stubs in
 * {@code catalogue/stubs/}) and other files (a README) are skipped.
 */
public final class DefinitionFiles {

    private DefinitionFiles() {
    }

    public static List<Path> in(Path path) {
        if (!Files.exists(path)) {
            throw ManagementException.invalid("file", "'" + path + "' does not exist (expected: a definition file or a folder of them)");
        }
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.filter(Files::isRegularFile).filter(DefinitionFiles::isDocument).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isDocument(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }
}
