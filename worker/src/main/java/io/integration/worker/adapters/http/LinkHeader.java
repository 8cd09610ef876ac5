package io.integration.worker.adapters.http;

import java.util.Locale;

/**
 * Reads an RFC 8288 {@code Link} header value in one pass: {@code <uri-reference> *( ";" param )}, links separated by
 * commas, parameter values tokens or quoted strings (in which {@code ;}, {@code ,} and {@code \"} are text).
 */
final class LinkHeader {

    private LinkHeader() {
    }

    /** The target of the first link whose {@code rel} holds the relation type {@code next}, or null. */
    static String next(String header) {
        int i = 0;
        int n = header.length();
        while (i < n) {
            int open = header.indexOf('<', i);
            if (open < 0) {
                return null;
            }
            int close = header.indexOf('>', open + 1);
            if (close < 0) {
                return null;
            }
            String target = header.substring(open + 1, close);
            i = close + 1;
            boolean next = false;
            // Parameters up to the comma that ends this link (outside quotes).
            while (i < n && header.charAt(i) != ',') {
                if (header.charAt(i) != ';') {
                    i++;
                    continue;
                }
                int nameStart = ++i;
                while (i < n && header.charAt(i) != '=' && header.charAt(i) != ';' && header.charAt(i) != ',') {
                    i++;
                }
                String name = header.substring(nameStart, i).strip().toLowerCase(Locale.ROOT);
                String value = "";
                if (i < n && header.charAt(i) == '=') {
                    i++;
                    while (i < n && header.charAt(i) == ' ') {
                        i++;
                    }
                    StringBuilder v = new StringBuilder();
                    if (i < n && header.charAt(i) == '"') {
                        i++;
                        while (i < n && header.charAt(i) != '"') {
                            if (header.charAt(i) == '\\' && i + 1 < n) {
                                i++;
                            }
                            v.append(header.charAt(i++));
                        }
                        i++; // the closing quote
                    } else {
                        while (i < n && header.charAt(i) != ';' && header.charAt(i) != ',') {
                            v.append(header.charAt(i++));
                        }
                    }
                    value = v.toString().strip();
                }
                if (name.equals("rel")) {
                    for (String type : value.toLowerCase(Locale.ROOT).split("\\s+")) {
                        next |= type.equals("next");
                    }
                }
            }
            if (next) {
                return target;
            }
            i++; // past the comma
        }
        return null;
    }
}
