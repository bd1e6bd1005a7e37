package dev.veil.server.worker;

import java.time.Instant;
import java.util.List;

/**
 * A registered remote worker: never its token (only the token's SHA-256 is stored).
 *
 * @param id {@code wkr_...}, the worker id written on the jobs it claims
 * @param ownerId the user it works for (a seller, a data owner, an operator)
 * @param name its label
 * @param models the owner's listings (not hosted) whose inference jobs it serves
 * @param training whether it runs the training jobs its owner may run
 * @param createdAt registered
 * @param lastSeenAt last claim or report, or null
 * @param revokedAt when its token was revoked, or null
 */
public record Worker(String id, String ownerId, String name, List<String> models,
    boolean training, Instant createdAt, Instant lastSeenAt, Instant revokedAt) {
  public Worker {
    models = List.copyOf(models);
  }
}
