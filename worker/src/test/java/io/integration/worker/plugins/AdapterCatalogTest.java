package io.integration.worker.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integration.registry.AdapterDescriptor;
import io.integration.registry.DefinitionDocuments;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterContext;
import io.integration.worker.adapter.Adapters;
import io.integration.worker.adapter.OutboundPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins as an operator installs them: jars compiled here, dropped into a folder, loaded each in its own class loader.
 */
class AdapterCatalogTest {

    @TempDir
    Path work;

    /** A provider of {@code type} whose adapter answers what its copy of {@code org.example.shared.Tag} says. */
    private static String provider(String type, String schema) {
        return """
                package org.example.%1$s;
                public final class Provider implements io.integration.worker.adapter.AdapterProvider {
                    public String type() { return "%1$s"; }
                    public String version() { return "2.1.0"; }
                    public String bindingSchema() { return %2$s; }
                    public io.integration.worker.adapter.Adapter create(io.integration.worker.adapter.AdapterContext context) {
                        return call -> new io.integration.worker.adapter.AdapterResponse(200, java.util.Map.of(),
                                (org.example.shared.Tag.name() + " " + Thread.currentThread().getContextClassLoader().getName())
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
                """.formatted(type, schema == null ? "\"{\\\"type\\\":\\\"object\\\"}\"" : schema);
    }

    private static String tag(String name) {
        // A method, not a constant: javac would inline a constant into the provider.
        return "package org.example.shared; public final class Tag { public static String name() { return \"" + name + "\"; } }";
    }

    @Test
    void eachPluginRunsItsOwnCopyOfALibraryTheWorkerDoesNotSee() throws Exception {
        // Given: alpha.jar carries its library inside; beta/ is a folder of the adapter's jar and the library's jar
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        jar(plugins.resolve("alpha.jar"), Map.of("org.example.alpha.Provider", provider("alpha", null), "org.example.shared.Tag", tag("A")),
                "org.example.alpha.Provider");
        Path beta = Files.createDirectories(plugins.resolve("beta"));
        jar(beta.resolve("beta-adapter.jar"), Map.of("org.example.beta.Provider", provider("beta", null), "org.example.shared.Tag", tag("compile-only")),
                "org.example.beta.Provider", "org.example.beta.Provider");
        jar(beta.resolve("shared-lib.jar"), Map.of("org.example.shared.Tag", tag("B")), null);
        Files.writeString(plugins.resolve("README.txt"), "not a plugin");

        // When
        AdapterCatalog catalog = AdapterCatalog.discover(plugins);
        Adapters adapters = catalog.create(new AdapterContext(new OutboundPolicy(true), Clock.systemUTC()));

        // Then
        assertThat(catalog.descriptors()).extracting(AdapterDescriptor::type, AdapterDescriptor::origin).contains(
                org.assertj.core.groups.Tuple.tuple("alpha", "plugin alpha.jar"), org.assertj.core.groups.Tuple.tuple("beta", "plugin beta"),
                org.assertj.core.groups.Tuple.tuple("http", "built-in"), org.assertj.core.groups.Tuple.tuple("graphql", "built-in"));
        assertThat(answer(adapters, "alpha")).isEqualTo("A plugin alpha.jar");
        assertThat(answer(adapters, "beta")).as("the library jar of the plugin's folder, under the plugin's context loader")
                .isEqualTo("B plugin beta");
        assertThat(adapters.version("alpha")).isEqualTo("2.1.0");
        assertThatThrownBy(() -> Class.forName("org.example.shared.Tag")).as("the worker does not see a plugin's classes")
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void aLibraryInAJavaxPackageThatTheJdkDoesNotHaveComesFromThePlugin() throws Exception {
        // Like javax.inject or javax.ws.rs: "javax." is not the JDK's alone.
        Path plugins = Files.createDirectories(work.resolve("javax-plugin"));
        String provider = provider("delta", null).replace("org.example.shared.Tag.name()", "javax.kit.Name.value()");
        jar(plugins.resolve("delta.jar"), Map.of("org.example.delta.Provider", provider,
                "javax.kit.Name", "package javax.kit; public final class Name { public static String value() { return \"D\"; } }"),
                "org.example.delta.Provider", "org.example.delta.Provider", "javax.kit.Name");

        Adapters adapters = AdapterCatalog.discover(plugins).create(new AdapterContext(new OutboundPolicy(true), Clock.systemUTC()));

        assertThat(answer(adapters, "delta")).isEqualTo("D plugin delta.jar");
    }

    @Test
    void aBrokenPluginStopsTheStartNamingIt() throws Exception {
        Path empty = Files.createDirectories(work.resolve("empty"));
        jar(empty.resolve("nothing.jar"), Map.of("org.example.shared.Tag", tag("x")), null);
        Path clash = Files.createDirectories(work.resolve("clash"));
        jar(clash.resolve("my-http.jar"), Map.of("org.example.http.Provider", provider("http", null), "org.example.shared.Tag", tag("x")),
                "org.example.http.Provider");
        Path badSchema = Files.createDirectories(work.resolve("bad"));
        jar(badSchema.resolve("gamma.jar"), Map.of("org.example.gamma.Provider", provider("gamma", "\"{not json\""),
                "org.example.shared.Tag", tag("x")), "org.example.gamma.Provider");

        assertThatThrownBy(() -> AdapterCatalog.discover(empty)).hasMessageContaining("plugin nothing.jar").hasMessageContaining("no adapter provider");
        assertThatThrownBy(() -> AdapterCatalog.discover(clash)).hasMessageContaining("Two adapter providers for type 'http'")
                .hasMessageContaining("built-in").hasMessageContaining("plugin my-http.jar");
        assertThatThrownBy(() -> AdapterCatalog.discover(badSchema)).hasMessageContaining("plugin gamma.jar")
                .hasMessageContaining("bindingSchema is not JSON");
        assertThatThrownBy(() -> AdapterCatalog.discover(work.resolve("missing"))).hasMessageContaining("is not a directory");
    }

    @Test
    void publishedDefinitionsTheAdaptersCannotRunAreNamed() {
        AdapterCatalog catalog = AdapterCatalog.builtIn();
        String document = """
                name: %s
                version: 1.0.0
                adapter: { type: %s, version: "%s" }
                baseUrl: https://api.example.com
                methods: [{ name: m, http: { method: GET, path: / } }]
                """;

        List<String> unrunnable = catalog.unrunnable(List.of(
                DefinitionDocuments.parse(document.formatted("fine", "http", "^1")),
                DefinitionDocuments.parse(document.formatted("needs-v2", "http", "^2")),
                DefinitionDocuments.parse(document.formatted("no-plugin", "soap", "*")),
                DefinitionDocuments.parse(document.formatted("draft", "soap", "*")).withStatus(io.integration.registry.DefinitionStatus.DRAFT)));

        assertThat(unrunnable).hasSize(2);
        assertThat(unrunnable.get(0)).startsWith("needs-v2@1.0.0: $.adapter.version").contains("1.0.0");
        assertThat(unrunnable.get(1)).startsWith("no-plugin@1.0.0: adapter type 'soap' is not installed");
    }

    private static String answer(Adapters adapters, String type) throws Exception {
        AdapterCall call = new AdapterCall("r", "m", "http://x", null, null, null, null, null, false, Duration.ofSeconds(1), 1024);
        return new String(adapters.get(type).orElseThrow().execute(call).body(), StandardCharsets.UTF_8);
    }

    /**
     * Compiles {@code sources} (class name → code) and writes the classes {@code keep} (all when none) to a jar that
     * registers {@code provider} (none when null).
     */
    private void jar(Path jar, Map<String, String> sources, String provider, String... keep) throws IOException {
        Path src = Files.createTempDirectory(work, "src");
        Path classes = Files.createTempDirectory(work, "classes");
        List<String> files = new java.util.ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            files.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        args.addAll(files);
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac").isZero();
        List<String> kept = keep.length == 0 ? List.copyOf(sources.keySet()) : List.of(keep);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
            for (String name : kept) {
                String entry = name.replace('.', '/') + ".class";
                jarOut.putNextEntry(new JarEntry(entry));
                jarOut.write(Files.readAllBytes(classes.resolve(entry)));
                jarOut.closeEntry();
            }
            if (provider != null) {
                jarOut.putNextEntry(new JarEntry("META-INF/services/io.integration.worker.adapter.AdapterProvider"));
                jarOut.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
                jarOut.closeEntry();
            }
        }
    }
}
