package dev.veil.api;

import java.time.Instant;
import java.util.List;

/**
 * A registered remote worker as its owner sees it: never its token.
 *
 * @param id {@code wkr_...}, also the worker id written on the jobs it claims
 * @param ownerId the user it works for
 * @param name its label
 * @param models the model ids whose inference jobs it serves
 * @param training whether it runs training jobs
 * @param createdAt when it was registered
 * @param lastSeenAt when it last claimed or reported, or null
 * @param revokedAt when its token was revoked, or null
 */
public record WorkerInfo(String id, String ownerId, String name, List<String> models,
    boolean training, Instant createdAt, Instant lastSeenAt, Instant revokedAt) {}
