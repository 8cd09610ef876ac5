package io.integration.worker.adapters.http;

import io.integration.worker.adapter.AdapterException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Inflates a gzip body with the same cap as a plain one, so a small compressed bomb cannot fill the heap. */
final class Gzip {

    private Gzip() {
    }

    static byte[] inflate(byte[] compressed, long cap, String what) throws AdapterException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > cap) {
                    throw new AdapterException.ResponseTooLarge(what + ": response body exceeds " + cap + " bytes once inflated");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new AdapterException.InvalidCall(what + ": gzip body cannot be inflated: " + e.getMessage());
        }
    }
}
