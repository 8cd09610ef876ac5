package io.integration.registry.service;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.integration.registry.secret.Secret;
import io.integration.registry.store.MongoCalls;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * API tokens in the MongoDB collection {@code api_tokens}: {@code {_id: tokenId, name, scope, sha256, createdAt,
 * revokedAt?}}. The raw token ({@code ist_} + 256 random bits, base64url) is returned once, at creation, and stored
 * only as its SHA-256 (a slow hash buys nothing for a 256-bit random value, and lookups stay one indexed read).
 */
public final class ApiTokens {

    public static final String COLLECTION = "api_tokens";
    private static final String PREFIX = "ist_";
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$");

    /** What a token may do; each scope includes the ones before it. */
    public enum Scope {
        READ, WRITE, ADMIN;

        public boolean allows(Scope needed) {
            return ordinal() >= needed.ordinal();
        }

        public static Scope parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw ManagementException.invalid("$.scope", "'" + text + "' (expected: read, write or admin)");
            }
        }
    }

    /** A token as listed: never its value or hash. */
    public record Token(String id, String name, Scope scope, Instant createdAt, Instant revokedAt) {
        public boolean active() {
            return revokedAt == null;
        }
    }

    /** A new token and its raw value, which exists nowhere else. */
    public record Created(Token token, Secret value) {
    }

    private final MongoCollection<Document> collection;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiTokens(MongoDatabase database, Clock clock) {
        this.collection = database.getCollection(COLLECTION);
        this.clock = clock;
        // One document per value: a value can never be active in one document and revoked in another.
        MongoCalls.run("index tokens", () -> collection.createIndex(Indexes.ascending("sha256"), new IndexOptions().unique(true)));
    }

    public Created create(String name, Scope scope) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return store(name, scope, Secret.of(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
    }

    /**
     * Stores {@code value} as a token unless a token with that value exists (the bootstrap token, given by the
     * operator through the environment). A revoked bootstrap token stays revoked: it is never stored again, and
     * the answer is empty.
     */
    public Optional<Token> ensure(String name, Scope scope, Secret value) {
        String hash = sha256(value.reveal());
        Document doc = MongoCalls.call("find token", () -> collection.find(eq("sha256", hash)).first());
        if (doc != null) {
            return Optional.of(toToken(doc)).filter(Token::active);
        }
        return Optional.of(store(name, scope, value).token());
    }

    /** The active token whose value is {@code presented}, if any. Compares hashes, never raw values. */
    public Optional<Token> authenticate(String presented) {
        if (presented == null || presented.isBlank() || presented.length() > 200) {
            return Optional.empty();
        }
        String hash = sha256(presented);
        Document doc = MongoCalls.call("find token", () -> collection.find(eq("sha256", hash)).first());
        return Optional.ofNullable(doc).map(ApiTokens::toToken).filter(Token::active);
    }

    /** Revokes the token {@code id}: it authenticates nothing from now on. 404 when unknown. */
    public Token revoke(String id) {
        Document doc = MongoCalls.call("find token " + id, () -> collection.find(eq("_id", id)).first());
        if (doc == null) {
            throw ManagementException.notFound("token '" + id + "' not found");
        }
        if (doc.getDate("revokedAt") == null) {
            Date now = Date.from(clock.instant());
            MongoCalls.run("revoke token " + id, () -> collection.updateOne(eq("_id", id), Updates.set("revokedAt", now)));
            doc.put("revokedAt", now);
        }
        return toToken(doc);
    }

    public List<Token> list() {
        List<Document> docs = MongoCalls.call("list tokens", () -> collection.find().sort(Sorts.ascending("createdAt")).into(new ArrayList<>()));
        return docs.stream().map(ApiTokens::toToken).toList();
    }

    private Created store(String name, Scope scope, Secret value) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ManagementException.invalid("$.name", "'" + name + "' (expected: 1-64 letters, digits, spaces or . _ @ -)");
        }
        byte[] id = new byte[6];
        random.nextBytes(id);
        Token token = new Token("tok_" + HexFormat.of().formatHex(id), name, scope, clock.instant(), null);
        Document doc = new Document("_id", token.id()).append("name", name).append("scope", scope.name())
                .append("sha256", sha256(value.reveal())).append("createdAt", Date.from(token.createdAt()));
        MongoCalls.run("create token " + token.id(), () -> collection.insertOne(doc));
        return new Created(token, value);
    }

    private static Token toToken(Document doc) {
        Date revoked = doc.getDate("revokedAt");
        return new Token(doc.getString("_id"), doc.getString("name"), Scope.valueOf(doc.getString("scope")),
                doc.getDate("createdAt").toInstant(), revoked == null ? null : revoked.toInstant());
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
