package io.integration.registry.store;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.ErrorCategory;
import java.util.function.Supplier;
import org.bson.BsonSerializationException;

/**
 * Runs a MongoDB operation and classifies its failures: connectivity and timeouts become
 * {@link StoreUnavailableException} (wait and try again), a write the server refuses for the document's own
 * sake becomes {@link StoreRejectedException} (trying again cannot help).
 */
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
            throw classify(what, e, e.getError().getCategory());
        } catch (MongoBulkWriteException e) {
            ErrorCategory category = e.getWriteErrors().isEmpty() ? ErrorCategory.UNCATEGORIZED
                    : ErrorCategory.fromErrorCode(e.getWriteErrors().getFirst().getCode());
            throw e.getWriteErrors().isEmpty() ? new StoreUnavailableException("MongoDB " + what + " failed: " + e.getMessage(), e)
                    : classify(what, e, category);
        } catch (MongoException e) {
            throw new StoreUnavailableException("MongoDB " + what + " failed: " + e.getMessage(), e);
        } catch (BsonSerializationException | org.bson.codecs.configuration.CodecConfigurationException e) {
            // Raised by the driver before anything is sent, e.g. a document over 16 MiB or a value BSON cannot hold (a
            // 30-digit integer): the same every time.
            throw new StoreRejectedException("MongoDB " + what + " refused: " + e.getMessage(), e);
        }
    }

    /** A write error the server answered: waiting helps only a timeout; anything else is the document's own. */
    private static RuntimeException classify(String what, MongoException e, ErrorCategory category) {
        return category == ErrorCategory.EXECUTION_TIMEOUT
                ? new StoreUnavailableException("MongoDB " + what + " failed: " + e.getMessage(), e)
                : new StoreRejectedException("MongoDB " + what + " refused: " + e.getMessage(), e);
    }

    /** {@link #call} for operations without a result. */
    public static void run(String what, Runnable operation) {
        call(what, () -> {
            operation.run();
            return null;
        });
    }
}
