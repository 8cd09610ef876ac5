package io.integration.adapterkit;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Small JSON texts for answers, escaped properly (an echoed request holds quotes and newlines). */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** {@code {"<name>": "<value>"}} */
    public static String object(String name, String value) {
        return MAPPER.createObjectNode().put(name, value).toString();
    }
}
