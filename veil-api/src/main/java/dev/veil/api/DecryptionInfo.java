package dev.veil.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a model file's weights were decrypted ({@code decryption} in {@code model.json}): {@value
 * #FLOODED} (by {@code veil decrypt --for-sharing}: the exact decryption plus flooding noise sized
 * for the training circuit, charged to the key's persisted budget, so that it may leave the key
 * holder) or {@value #EXACT} (for the key holder's own eyes only: {@code veil model publish}
 * refuses it). A file without the record is treated as exact.
 *
 * @param mode {@value #FLOODED} or {@value #EXACT}
 * @param securityBits flooded: the statistical security s of the flooding (at least 30, the
 *     engine's minimum); exact: absent
 * @param sharedDecryptions flooded: tau, the key's declared number of shared decryptions the
 *     flooding was sized for; exact: absent
 * @param log2Sigma flooded: log2 of the flooding noise's standard deviation per coefficient (the
 *     largest over the model's ciphertexts); exact: absent
 * @param precisionBits flooded: bits of precision the flooding leaves in every weight (the
 *     smallest over the model's ciphertexts); exact: absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DecryptionInfo(String mode, Integer securityBits, Long sharedDecryptions,
    Double log2Sigma, Double precisionBits) {
  /** A decryption with flooding, fit to be shared. */
  public static final String FLOODED = "flooded";
  /** An exact decryption, for the key holder only. */
  public static final String EXACT = "exact";

  /** The record of an exact decryption. */
  public static DecryptionInfo exact() {
    return new DecryptionInfo(EXACT, null, null, null, null);
  }

  /** Whether this is a flooded decryption. */
  public boolean flooded() {
    return FLOODED.equals(mode);
  }

  /**
   * Checks the record: a known mode; for a flooded one every number present, s in [30, 128], at
   * least one shared decryption, finite sigma and precision; for an exact one no number.
   *
   * @return this
   * @throws IllegalArgumentException naming the field
   */
  public DecryptionInfo validate() {
    FileChecks.present(mode, "decryption.mode");
    if (EXACT.equals(mode)) {
      if (securityBits != null || sharedDecryptions != null || log2Sigma != null
          || precisionBits != null) {
        throw new IllegalArgumentException("an exact decryption has no flooding fields");
      }
      return this;
    }
    if (!FLOODED.equals(mode)) {
      throw new IllegalArgumentException("decryption.mode must be '" + FLOODED + "' or '" + EXACT
          + "', got '" + mode + "'");
    }
    int s = FileChecks.present(securityBits, "decryption.securityBits");
    if (s < 30 || s > 128) {
      throw new IllegalArgumentException("decryption.securityBits must be in [30, 128], got " + s);
    }
    if (FileChecks.present(sharedDecryptions, "decryption.sharedDecryptions") < 1) {
      throw new IllegalArgumentException("decryption.sharedDecryptions must be at least 1");
    }
    if (!Double.isFinite(FileChecks.present(log2Sigma, "decryption.log2Sigma"))
        || !Double.isFinite(FileChecks.present(precisionBits, "decryption.precisionBits"))) {
      throw new IllegalArgumentException("decryption.log2Sigma and precisionBits must be finite");
    }
    return this;
  }
}
