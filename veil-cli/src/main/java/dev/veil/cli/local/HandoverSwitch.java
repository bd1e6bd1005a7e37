package dev.veil.cli.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.veil.api.EncryptedModelInfo;
import dev.veil.api.KeysInfo;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.io.DecryptionBudget;
import dev.veil.he.io.VeilIO;
import dev.veil.he.multiparty.PublicKeySwitch;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.DecryptionBudgetExhaustedException;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;

/**
 * The data owner's step of a hand-over ({@code veil dataset handover}), on the owner's machine:
 * the masked model switched from the owner's key to the builder's public key by a flooded {@link
 * PublicKeySwitch}, its noise bound traced for the trained model ({@link Models#trainedNoise}),
 * each ciphertext charged one shared decryption against the key's persisted budget. The owner
 * never sees the weights: the model is masked by the platform (a uniform one-time pad).
 */
public final class HandoverSwitch {
  private HandoverSwitch() {}

  /** What was switched: ciphertexts and the precision the flooding leaves per slot. */
  public record Switched(int ciphertexts, double precisionBits, long budgetUsed) {}

  /**
   * Switches {@code ciphertexts} ciphertexts of {@code masked} to the public key in {@code
   * publicKey} and writes them to {@code out}.
   */
  public static Switched run(Path keysDir, EncryptedModelInfo info, Path masked, int ciphertexts,
      Path publicKey, Path out) throws IOException {
    KeysInfo keys = Keys.readKeysInfo(keysDir);
    ModelKind kind = ModelKind.of(info.model(), "the hand-over's model");
    Parameters params = Workflow.readParams(keysDir.resolve(Workflow.PARAMS),
        keys.paramsDigest());
    if (info.paramsDigest() != null && !info.paramsDigest().equals(params.digestHex())) {
      throw Store.bad("the hand-over's model is of other parameters than the keys in " + keysDir
          + ": wrong key directory?");
    }
    double bound = new NoiseEstimator(params).log2Bound(
        Models.trainedNoise(kind, info, keys, params).noise());
    DecryptionBudget budget = Models.openBudget(keysDir);
    try (HeContext ctx = new HeContext(params, Workflow.threads())) {
      SecretKey sk = Store.readVeil(keysDir.resolve(Workflow.SECRET_KEY),
          in -> VeilIO.readSecretKey(in, ctx));
      PublicKey target = Store.readVeil(publicKey, in -> VeilIO.readPublicKey(in, ctx));
      Ciphertext[] cts = new Ciphertext[ciphertexts];
      try (InputStream in = Files.newInputStream(masked)) {
        for (int k = 0; k < ciphertexts; k++) {
          cts[k] = VeilIO.readCiphertext(in, ctx);
        }
      }
      PublicKeySwitch ks = PublicKeySwitch.forKey(ctx, sk, budget, bound);
      double precision = Double.POSITIVE_INFINITY;
      for (Ciphertext ct : cts) {
        ks.checkFits(ct, target, 1);
        precision = Math.min(precision, ks.expectedPrecisionBits(ct.scale()));
      }
      Ciphertext[] switched = new Ciphertext[ciphertexts];
      for (int k = 0; k < ciphertexts; k++) {
        try {
          switched[k] = ks.switchTo(cts[k], target, 1);
        } catch (DecryptionBudgetExhaustedException e) {
          throw Store.bad(e.getMessage());
        }
      }
      VeilIO.writeAtomically(out, o -> {
        for (Ciphertext c : switched) {
          VeilIO.write(o, c);
        }
      });
      return new Switched(ciphertexts, precision, budget.used());
    }
  }

}
