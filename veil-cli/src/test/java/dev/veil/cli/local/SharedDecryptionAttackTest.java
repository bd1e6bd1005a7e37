package dev.veil.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.KeyRecoveryAttack;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.io.DecryptionBudget;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;

/**
 * The Li-Micciancio key recovery against {@code veil decrypt --for-sharing}'s decryptions
 * ({@link Models#decryptShared}, with the key directory's persisted budget): it recovers the key
 * from an exact decryption of the same ciphertext and nothing from the shared one, even given
 * every slot (the model file publishes only the averaged weights). N = 2^12, level 0, scale 2^40.
 */
class SharedDecryptionAttackTest {
  @TempDir Path keyDir;

  @Test
  void theAttackRecoversTheKeyFromAnExactDecryptionAndNothingFromASharedOne()
      throws IOException {
    Parameters p = Parameters.builder().logN(12).logQ(60, 40).logP(61).logDefaultScale(40)
        .securityOff().build();
    try (HeContext ctx = new HeContext(p)) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      VeilIO.writeAtomically(keyDir.resolve(Workflow.SECRET_KEY),
          o -> VeilIO.writeSecretKey(o, sk, SecretKeyAccess.INSECURE));
      DecryptionBudget budget = DecryptionBudget.create(keyDir, 30, 2);
      Encoder encoder = new Encoder(ctx);
      int slots = p.slots();
      double[] re = new double[slots];
      double[] im = new double[slots];
      Random r = new Random(9);
      for (int j = 0; j < slots; j++) {
        re[j] = 2 * r.nextDouble() - 1;
        im[j] = 2 * r.nextDouble() - 1;
      }
      Ciphertext ct = Encryptor.withPublicKey(ctx, kg.publicKey(sk))
          .encrypt(encoder.encode(re, im, 0, p.defaultScale()));
      byte[] key = sk.coefficients(SecretKeyAccess.INSECURE);
      assertThat(recovered(ctx, encoder, ct, new Decryptor(ctx, sk).decrypt(ct), key))
          .isEqualTo(key.length);

      NoiseEstimator est = new NoiseEstimator(p);
      double bound = est.log2Bound(est.freshPublicKey(0, p.defaultScale(), 1.5));
      Models.Shared shared = Models.decryptShared(ctx, sk, budget, bound,
          new Ciphertext[] {ct}, 2);
      assertThat(budget.used()).as("charged before the values are returned").isEqualTo(1);
      assertThat(shared.policy().maxDecryptions()).isEqualTo(2);
      assertThat(recovered(ctx, encoder, ct, shared.plaintexts()[0], key))
          .isLessThan(key.length / 100);
      assertThatThrownBy(() -> Models.decryptShared(ctx, sk, budget, bound,
          new Ciphertext[] {ct, ct}, 2)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("made 1 of its 2");
    }
  }

  private static int recovered(HeContext ctx, Encoder encoder, Ciphertext ct, Plaintext pt,
      byte[] key) {
    int slots = ctx.parameters().slots();
    double[] re = new double[slots];
    double[] im = new double[slots];
    encoder.decode(pt, re, im);
    return KeyRecoveryAttack.agreement(KeyRecoveryAttack.fromSlots(ctx, encoder, ct, re, im),
        key);
  }
}
