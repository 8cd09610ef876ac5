package io.integration.worker.plugins;

import io.integration.registry.AdapterDescriptor;
import io.integration.registry.DefinitionStatus;
import io.integration.registry.IntegrationDefinition;
import io.integration.worker.adapter.Adapter;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterContext;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.AdapterProvider;
import io.integration.worker.adapter.AdapterResponse;
import io.integration.worker.adapter.Adapters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The adapter providers of this process: those on the class path ({@code built-in}) and those in the plugins folder,
 * each plugin in its own {@link PluginClassLoader}. In the folder, a {@code .jar} file is one plugin and a
 * sub-folder is one plugin made of every jar in it (the adapter and the libraries it brings). Built once at start and
 * immutable; anything wrong — a plugin without a provider, a provider that cannot be loaded, a schema that is not a
 * JSON Schema, two providers of one type — stops the start with a message naming the plugin.
 */
public final class AdapterCatalog {

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final String BUILT_IN = "built-in";

    /** One provider, what publishing knows of it, and the class loader its code runs under. */
    private record Entry(AdapterProvider provider, AdapterDescriptor descriptor, ClassLoader loader, boolean plugin) {
    }

    private final Map<String, Entry> byType;

    private AdapterCatalog(Map<String, Entry> byType) {
        this.byType = Map.copyOf(byType);
    }

    /** The adapters on the class path only. */
    public static AdapterCatalog builtIn() {
        return discover(null);
    }

    /** The adapters on the class path and in {@code pluginsDir} (null: none; a folder that does not exist is an error). */
    public static AdapterCatalog discover(Path pluginsDir) {
        Map<String, Entry> byType = new TreeMap<>();
        ClassLoader worker = AdapterCatalog.class.getClassLoader();
        for (AdapterProvider provider : providers(BUILT_IN, worker)) {
            add(byType, provider, BUILT_IN, worker, false);
        }
        if (pluginsDir != null) {
            for (Path plugin : plugins(pluginsDir)) {
                String origin = "plugin " + plugin.getFileName();
                PluginClassLoader loader = new PluginClassLoader(origin, jars(plugin), worker);
                List<AdapterProvider> found = inContext(loader, () -> providers(origin, loader));
                if (found.isEmpty()) {
                    throw new IllegalStateException(origin + " (" + plugin + ") has no adapter provider (expected: a class implementing "
                            + AdapterProvider.class.getName() + ", named in META-INF/services/" + AdapterProvider.class.getName() + ")");
                }
                found.forEach(provider -> add(byType, provider, origin, loader, true));
            }
        }
        return new AdapterCatalog(byType);
    }

    /** What the management API lists and publishing checks against, by type. */
    public List<AdapterDescriptor> descriptors() {
        return byType.values().stream().map(Entry::descriptor).toList();
    }

    /** Creates one adapter per provider; a plugin's adapter runs with its class loader as the context class loader. */
    public Adapters create(AdapterContext context) {
        Map<String, Adapter> adapters = new TreeMap<>();
        Map<String, String> versions = new TreeMap<>();
        byType.forEach((type, entry) -> {
            Adapter adapter = inContext(entry.loader(), () -> entry.provider().create(context));
            adapters.put(type, entry.plugin() ? new InContext(adapter, entry.loader()) : adapter);
            versions.put(type, entry.descriptor().version());
        });
        return Adapters.of(adapters, versions);
    }

    /**
     * The published or deprecated definitions among {@code definitions} that these adapters cannot run, each as
     * {@code name@version: why} (type not installed, version outside the range, config the adapter refuses).
     */
    public List<String> unrunnable(List<IntegrationDefinition> definitions) {
        List<String> out = new ArrayList<>();
        for (IntegrationDefinition definition : definitions) {
            if (definition.status() != DefinitionStatus.PUBLISHED && definition.status() != DefinitionStatus.DEPRECATED) {
                continue;
            }
            Entry entry = byType.get(definition.adapter().type());
            if (entry == null) {
                out.add(definition.key() + ": adapter type '" + definition.adapter().type() + "' is not installed (installed: "
                        + byType.keySet() + ")");
            } else {
                entry.descriptor().check(definition.adapter()).forEach(problem -> out.add(definition.key() + ": " + problem));
            }
        }
        return out;
    }

    private static List<AdapterProvider> providers(String origin, ClassLoader loader) {
        try {
            // The loader sees the worker's service files too (it delegates to it); keep the providers it defines itself.
            return ServiceLoader.load(AdapterProvider.class, loader).stream()
                    .filter(p -> p.type().getClassLoader() == loader)
                    .map(ServiceLoader.Provider::get)
                    .toList();
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new IllegalStateException(origin + ": an adapter provider cannot be loaded: " + e.getMessage(), e);
        }
    }

    private static void add(Map<String, Entry> byType, AdapterProvider provider, String origin, ClassLoader loader, boolean plugin) {
        String type = provider.type();
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalStateException(origin + ": adapter type '" + type + "' of " + provider.getClass().getName()
                    + " (expected: lower-case letters, digits, '-' or '_', starting with a letter, at most 32)");
        }
        AdapterDescriptor descriptor;
        try {
            descriptor = AdapterDescriptor.of(type, provider.version(), origin, provider.configSchema(), provider.bindingSchema());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(origin + ": " + e.getMessage(), e);
        }
        Entry earlier = byType.putIfAbsent(type, new Entry(provider, descriptor, loader, plugin));
        if (earlier != null) {
            throw new IllegalStateException("Two adapter providers for type '" + type + "': " + earlier.descriptor().origin()
                    + " and " + origin);
        }
    }

    private static List<Path> plugins(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("plugins folder " + dir + " is not a directory");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the plugins folder " + dir, e);
        }
    }

    private static URL[] jars(Path plugin) {
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(plugin)) {
            try (Stream<Path> entries = Files.list(plugin)) {
                entries.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the plugin folder " + plugin, e);
            }
        } else {
            jars.add(plugin);
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException("plugin jar " + jars.get(i) + ": " + e.getMessage(), e);
            }
        }
        return urls;
    }

    private static <T> T inContext(ClassLoader loader, Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** A plugin's adapter, called with the plugin's class loader as the context class loader (libraries look there). */
    private record InContext(Adapter adapter, ClassLoader loader) implements Adapter {
        @Override
        public AdapterResponse execute(AdapterCall call) throws AdapterException {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                return adapter.execute(call);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }
}
