package io.integration.worker.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON trees as plain Java values (objects as insertion-ordered maps, arrays as lists, numbers as the node holds them),
 * what {@code ObjectMapper.convertValue(node, Map.class)} gives for parsed JSON, without its serialize-and-read-back
 * round trip: the params of every call pass here.
 */
final class JsonValues {

    private JsonValues() {
    }

    static Map<String, Object> toMap(JsonNode object) {
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, object.size() * 4 / 3 + 1));
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            map.put(field.getKey(), toJava(field.getValue()));
        }
        return map;
    }

    static Object toJava(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> toMap(node);
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode item : node) {
                    list.add(toJava(item));
                }
                yield list;
            }
            case STRING -> node.textValue();
            case NUMBER -> node.numberValue();
            case BOOLEAN -> node.booleanValue();
            case NULL, MISSING -> null;
            case BINARY -> node.asText(); // base64, as convertValue writes binary
            case POJO -> ((POJONode) node).getPojo();
        };
    }
}
