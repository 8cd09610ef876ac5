package io.integration.worker.plugins;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin: its own jars first, so that a plugin can bring a library in another version than the
 * worker's (or another plugin's) without either seeing the other's; the JDK (whatever the platform loader has), the
 * adapter SPI and the rest of the service ({@code io.integration.}), and the logging API always from the worker, so
 * that the SPI types a plugin implements are the ones the worker calls and its logs go where the worker's go. A class
 * or resource the plugin does not have falls back to the worker's.
 */
final class PluginClassLoader extends URLClassLoader {

    /** Always the worker's: a plugin carrying a copy of one of these would implement a type the worker does not call. */
    private static final List<String> SHARED = List.of("java.", "io.integration.", "org.slf4j.");
    private static final String SERVICES = "META-INF/services/";

    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

    static {
        ClassLoader.registerAsParallelCapable();
    }

    PluginClassLoader(String name, URL[] jars, ClassLoader worker) {
        super(name, jars, worker);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (shared(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> found = findLoadedClass(name);
            if (found == null) {
                found = jdk(name);
            }
            if (found == null) {
                try {
                    found = findClass(name);
                } catch (ClassNotFoundException notInPlugin) {
                    found = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(found);
            }
            return found;
        }
    }

    /** The JDK's class of that name ({@code javax.crypto...}, not {@code javax.inject...}, which a plugin may bring), or null. */
    private Class<?> jdk(String name) {
        try {
            return platform.loadClass(name);
        } catch (ClassNotFoundException notJdk) {
            return null;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = shared(name.replace('/', '.')) ? null : findResource(name);
        return own != null ? own : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        // A service of a library the plugin brings is the plugin's alone: the worker's implementations of the worker's
        // copy would not be subtypes of the plugin's. Services of shared types (the adapter SPI) see both; the catalog
        // keeps the providers the plugin defines.
        boolean ownService = name.startsWith(SERVICES) && !shared(name.substring(SERVICES.length()));
        if (!ownService || all.isEmpty()) {
            all.addAll(Collections.list(getParent().getResources(name)));
        }
        return Collections.enumeration(all);
    }

    private static boolean shared(String name) {
        for (String prefix : SHARED) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
