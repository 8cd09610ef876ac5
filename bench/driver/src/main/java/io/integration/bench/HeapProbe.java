package io.integration.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of an arm's JVM: {@code jcmd <pid> GC.run}, then the used figures of
 * {@code jcmd <pid> GC.heap_info}. Taken while the arm has its most work in flight.
 */
final class HeapProbe {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private HeapProbe() {
    }

    /** Live heap in MiB after a full GC, or -1 when jcmd could not tell. */
    static long liveHeapMiB(long pid) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        if (run(jcmd, pid, "GC.run") == null) {
            return -1;
        }
        String info = run(jcmd, pid, "GC.heap_info");
        if (info == null) {
            return -1;
        }
        // The first "used" of each generation line ("PSYoungGen total 1K, used 2K", "ParOldGen total 3K, used 4K").
        long usedK = 0;
        for (String line : info.split("\n")) {
            if (line.contains("total") && (line.contains("Gen") || line.contains("heap"))) {
                Matcher m = USED.matcher(line);
                if (m.find()) {
                    usedK += Long.parseLong(m.group(1));
                }
            }
        }
        return usedK / 1024;
    }

    private static String run(String jcmd, long pid, String command) {
        try {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
