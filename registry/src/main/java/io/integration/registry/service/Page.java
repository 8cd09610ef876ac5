package io.integration.registry.service;

import java.util.List;

/**
 * One page of a list: {@code items} from {@code offset}, at most {@code limit}, of {@code total}.
 *
 * @param nextOffset the offset of the next page, or null on the last one
 */
public record Page<T>(List<T> items, int offset, int limit, int total, Integer nextOffset) {

    public static final int MAX_LIMIT = 500;

    public Page {
        items = List.copyOf(items);
    }

    /** The page of {@code all} from {@code offset} holding at most {@code limit} items. */
    public static <T> Page<T> of(List<T> all, int offset, int limit) {
        if (offset < 0) {
            throw ManagementException.invalid("offset", offset + " (expected: >= 0)");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ManagementException.invalid("limit", limit + " (expected: 1.." + MAX_LIMIT + ")");
        }
        int from = Math.min(offset, all.size());
        int to = Math.min(all.size(), from + limit);
        return new Page<>(all.subList(from, to), offset, limit, all.size(), to < all.size() ? to : null);
    }
}
