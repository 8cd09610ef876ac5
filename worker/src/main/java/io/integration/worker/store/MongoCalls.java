package io.integration.worker.store;

import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.ErrorCategory;
import java.util.function.Supplier;

/** Runs a MongoDB operation and turns connectivity failures into {@link StoreUnavailableException}. */
public final class MongoCalls {

    private MongoCalls() {
    }

    /**
     * Runs {@code operation}; {@code what} names it in the error. Duplicate-key write errors are not
     * connectivity failures and propagate unchanged.
     */
    public static <T> T call(String what, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            throw new StoreUnavailableException("MongoDB " + what + " failed: " + e.getMessage(), e);
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB " + what + " failed: " + e.getMessage(), e);
        }
    }

    /** {@link #call} for operations without a result. */
    public static void run(String what, Runnable operation) {
        call(what, () -> {
            operation.run();
            return null;
        });
    }
}
