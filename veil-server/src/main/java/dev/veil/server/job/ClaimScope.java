package dev.veil.server.job;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which queued jobs a worker may claim. A job's placement (fixed at admission) says who may run
 * it: null for the server's own workers, or the id of a model that is not hosted, whose weights
 * only its seller's worker holds.
 *
 * <ul>
 *   <li>{@link #serverKinds}: jobs of these kinds with no placement (the server's in-process
 *       workers: hosted inference, training);
 *   <li>{@link #models}: inference jobs placed on one of these models (a seller's worker serving
 *       them);
 *   <li>{@link #training}: training jobs with no placement, every one ({@link Training#ANY}, an
 *       operator's worker) or those on the data sets of {@link #trainerId} ({@link
 *       Training#OWN_DATA}, a data owner's worker).
 * </ul>
 *
 * @param serverKinds kinds claimed without a placement (empty for a remote worker)
 * @param models model ids whose placed inference jobs are claimed
 * @param training which training jobs a remote worker claims
 * @param trainerId the data owner, for {@link Training#OWN_DATA}; else null
 */
public record ClaimScope(Set<JobKind> serverKinds, Set<String> models, Training training,
    String trainerId) {
  /** Which training jobs a remote worker may claim. */
  public enum Training {
    /** None. */
    NONE,
    /** Those on the worker owner's data sets (its own training and training it sold). */
    OWN_DATA,
    /** Every one (an operator's worker). */
    ANY
  }

  public ClaimScope {
    serverKinds = serverKinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(serverKinds));
    models = Set.copyOf(models);
    Objects.requireNonNull(training, "training");
    if (training == Training.OWN_DATA) {
      Objects.requireNonNull(trainerId, "trainerId");
    }
  }

  /** The server's own workers, running these kinds. */
  public static ClaimScope server(Set<JobKind> kinds) {
    return new ClaimScope(kinds, Set.of(), Training.NONE, null);
  }

  /** A remote worker serving these models and these training jobs. */
  public static ClaimScope remote(Set<String> models, Training training, String ownerId) {
    return new ClaimScope(Set.of(), models, training, training == Training.OWN_DATA ? ownerId
        : null);
  }
}
