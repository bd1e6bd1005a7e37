package dev.veil.he.rlwe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import dev.veil.he.ckks.Encoder;

/**
 * The flooding rule {@code sigma = sqrt(12 tau) 2^(s/2) B}, its limits, and the decryptor's floor:
 * a decryption that would leave fewer bits than asked is refused before anything is counted.
 */
class FloodingPolicyTest {
  @Test
  void sigmaFollowsTheRuleOfThumb() {
    FloodingPolicy p = new FloodingPolicy(30, 12, 16);
    assertThat(p.log2Sigma()).isCloseTo(0.5 * Math.log(12 * 16.0) / Math.log(2) + 15 + 12,
        within(1e-12));
    assertThat(Math.pow(2, p.log2Sigma())).isCloseTo(Math.sqrt(12 * 16) * Math.pow(2, 15) * 4096,
        within(1e-3));
    assertThat(p.precisionBits(0x1p50, 13)).isCloseTo(50 - p.log2Sigma() - 6.5, within(1e-12));
    assertThat(p.withNoiseBound(20).log2Sigma() - p.log2Sigma()).isCloseTo(8, within(1e-12));
    assertThat(FloodingPolicy.of(12, 16)).isEqualTo(p);
    assertThatThrownBy(() -> new FloodingPolicy(29, 12, 16))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[30, 128]");
    assertThatThrownBy(() -> new FloodingPolicy(30, 12, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDecryptionBelowTheFloorIsRefusedAndNotCounted() {
    Parameters params = Parameters.builder().logN(12).logQ(60).logP(61).logDefaultScale(40)
        .securityOff().build();
    try (HeContext ctx = new HeContext(params)) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      Ciphertext ct = Encryptor.withPublicKey(ctx, kg.publicKey(sk))
          .encrypt(new Encoder(ctx).encode(new double[] {0.5}, 0, 0x1p40));
      FloodingDecryptor d = new FloodingDecryptor(ctx, sk, FloodingPolicy.of(8, 4));
      double bits = d.expectedPrecisionBits(0x1p40);
      assertThatThrownBy(() -> d.decrypt(ct, bits + 1))
          .isInstanceOf(InsufficientPrecisionException.class)
          .hasMessageContaining("below the")
          .satisfies(e -> assertThat(((InsufficientPrecisionException) e).precisionBits())
              .isCloseTo(bits, within(1e-9)));
      assertThat(d.used()).isZero();
      d.decrypt(ct, bits - 1);
      assertThat(d.used()).isEqualTo(1);
      FloodingDecryptor other = d.forNoise(20);
      assertThat(other.used()).isEqualTo(1);
      assertThat(other.policy().maxDecryptions()).isEqualTo(4);
      assertThat(other.sigma()).isEqualTo(Math.pow(2, FloodingPolicy.of(20, 4).log2Sigma()));
    }
  }
}
