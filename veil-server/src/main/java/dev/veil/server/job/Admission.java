package dev.veil.server.job;

import java.util.Map;
import java.util.Objects;

import dev.veil.server.budget.BudgetLimits;

/**
 * What a validated job request reserves, as decided by the kind's service (training or inference)
 * before anything is written: {@link JobService#submit} writes the job, consumes the query budget
 * and holds the price in one database transaction.
 *
 * @param kind the job's kind
 * @param parameters the validated request as JSON (what the runner reads)
 * @param counterpartyId the data owner or model seller, or null
 * @param price minor units the owner pays (0: free, nothing held)
 * @param payeeId who is paid on success (price minus the platform fee), or null
 * @param budget the query budget consumed, or null
 * @param audit small public facts for the audit record
 * @param placement who may claim the job: null for the server's own workers (and, for training,
 *     the remote training workers allowed to run it), or the id of a model that is not hosted,
 *     whose jobs only its seller's workers serving it claim (see {@link ClaimScope}), or {@link
 *     #PLATFORM}
 */
public record Admission(JobKind kind, String parameters, String counterpartyId, long price,
    String payeeId, BudgetCharge budget, Map<String, Object> audit, String placement) {
  /**
   * The placement of a job only the server's own workers claim, never a remote worker: a
   * training to be handed over, whose trained ciphertext the platform masks before the data
   * owner sees it.
   */
  public static final String PLATFORM = "platform";

  /** An admission for the server's own workers (placement null). */
  public Admission(JobKind kind, String parameters, String counterpartyId, long price,
      String payeeId, BudgetCharge budget, Map<String, Object> audit) {
    this(kind, parameters, counterpartyId, price, payeeId, budget, audit, null);
  }

  /**
   * A charge on a (buyer, model) query budget.
   *
   * @param modelId the model
   * @param rows rows the job scores
   * @param limits the model's per-buyer limits
   */
  public record BudgetCharge(String modelId, long rows, BudgetLimits limits) {
    public BudgetCharge {
      Objects.requireNonNull(modelId, "modelId");
      Objects.requireNonNull(limits, "limits");
    }
  }

  public Admission {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(parameters, "parameters");
    if (price < 0) {
      throw new IllegalArgumentException("negative price");
    }
    audit = Map.copyOf(audit);
  }
}
