package dev.veil.he.multiparty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.KeyRecoveryAttack;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.io.DecryptionBudget;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.DecryptionBudgetExhaustedException;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.InsufficientPrecisionException;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.ParameterMismatchException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;

/**
 * {@link PublicKeySwitch}: the switched ciphertext decrypts under the target key to the message
 * within the reported precision; other parameters are refused; the persisted budget refuses a
 * switch once spent, by another handle or another process; the Li-Micciancio key recovery run by
 * the target key's holder on what it decrypts finds nothing of the source key. N = 2^12, scale
 * 2^40, fresh encryptions (noise bound traced by the {@link NoiseEstimator}).
 */
class PublicKeySwitchTest {
  @TempDir Path tmp;

  static HeContext ctx;
  static Encoder encoder;
  static SecretKey owner;
  static SecretKey builder;
  static PublicKey builderPk;
  static Ciphertext ct;
  static double[] re;
  static double[] im;
  static double bound;

  @BeforeAll
  static void setUp() {
    Parameters params = Parameters.builder().logN(12).logQ(60, 40).logP(61)
        .logDefaultScale(40).securityOff().build();
    ctx = new HeContext(params);
    KeyGenerator kg = new KeyGenerator(ctx);
    owner = kg.secretKey();
    builder = kg.secretKey();
    builderPk = kg.publicKey(builder);
    encoder = new Encoder(ctx);
    SplittableRandom r = new SplittableRandom(11);
    int slots = params.slots();
    re = new double[slots];
    im = new double[slots];
    for (int j = 0; j < slots; j++) {
      re[j] = r.nextDouble(-1, 1);
      im[j] = r.nextDouble(-1, 1);
    }
    ct = Encryptor.withPublicKey(ctx, kg.publicKey(owner)).encrypt(
        encoder.encode(re, im, 0, 0x1p40));
    NoiseEstimator est = new NoiseEstimator(params);
    bound = est.log2Bound(est.freshPublicKey(0, 0x1p40, 1.5));
  }

  @AfterAll
  static void tearDown() {
    ctx.close();
  }

  private Path keyDir(String name, long decryptions) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve(name));
    Files.writeString(dir.resolve(DecryptionBudget.SECRET_KEY_FILE), "owner's key " + name);
    DecryptionBudget.create(dir, 30, decryptions);
    return dir;
  }

  private static double[][] decrypt(SecretKey sk, Ciphertext c) {
    double[] r = new double[re.length];
    double[] i = new double[re.length];
    encoder.decode(new Decryptor(ctx, sk).decrypt(c), r, i);
    return new double[][] {r, i};
  }

  @Test
  void theSwitchedCiphertextDecryptsUnderTheTargetKeyWithinTheReportedPrecision()
      throws IOException {
    Path dir = keyDir("k", 4);
    PublicKeySwitch ks = PublicKeySwitch.forKey(ctx, owner, DecryptionBudget.open(dir), bound);
    double expected = ks.expectedPrecisionBits(ct.scale());
    assertThat(expected).isGreaterThan(8);
    Ciphertext out = ks.switchTo(ct, builderPk, 8);
    assertThat(out.level()).isEqualTo(ct.level());
    assertThat(out.scale()).isEqualTo(ct.scale());
    double[][] got = decrypt(builder, out);
    double max = 0;
    for (int j = 0; j < re.length; j++) {
      max = Math.max(max, Math.max(Math.abs(got[0][j] - re[j]), Math.abs(got[1][j] - im[j])));
    }
    double bits = -Math.log(max) / Math.log(2);
    assertThat(bits).as("worst slot's precision vs the reported %.1f", expected)
        .isGreaterThan(expected - 3);
    assertThat(bits).as("the flooding is there: no more than the reported precision + 3")
        .isLessThan(expected + 3);
    double[][] wrong = decrypt(owner, out);
    assertThat(Math.abs(wrong[0][0] - re[0]) + Math.abs(wrong[0][1] - re[1]))
        .as("the owner's key no longer decrypts it").isGreaterThan(1);
    assertThat(DecryptionBudget.open(dir).used()).isEqualTo(1);
  }

  @Test
  void otherParametersAndAFloorAboveThePrecisionAreRefusedBeforeCharging() throws IOException {
    Path dir = keyDir("k", 4);
    PublicKeySwitch ks = PublicKeySwitch.forKey(ctx, owner, DecryptionBudget.open(dir), bound);
    Parameters other = Parameters.builder().logN(12).logQ(60, 40).logP(60)
        .logDefaultScale(40).securityOff().build();
    try (HeContext octx = new HeContext(other)) {
      KeyGenerator okg = new KeyGenerator(octx);
      PublicKey foreign = okg.publicKey(okg.secretKey());
      assertThatThrownBy(() -> ks.switchTo(ct, foreign, 1))
          .isInstanceOf(ParameterMismatchException.class)
          .hasMessageContaining("target public key");
      Ciphertext foreignCt = Encryptor.withPublicKey(octx, foreign).encryptZero(0, 0x1p40);
      assertThatThrownBy(() -> ks.switchTo(foreignCt, builderPk, 1))
          .isInstanceOf(ParameterMismatchException.class).hasMessageContaining("ciphertext");
    }
    assertThatThrownBy(() -> ks.switchTo(ct, builderPk, 30))
        .isInstanceOf(InsufficientPrecisionException.class);
    assertThat(DecryptionBudget.open(dir).used()).as("refusals charge nothing").isZero();
  }

  @Test
  void aSpentBudgetIsRefusedAcrossInstancesAndProcesses() throws Exception {
    Path dir = keyDir("k", 2);
    PublicKeySwitch first = PublicKeySwitch.forKey(ctx, owner, DecryptionBudget.open(dir), bound);
    PublicKeySwitch second = PublicKeySwitch.forKey(ctx, owner, DecryptionBudget.open(dir),
        bound);
    first.switchTo(ct, builderPk, 1);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.veil.he.io.DecryptionBudgetTest$ChargeMain", dir.toString(), "1")
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
        .as("the other process spent the last decryption").isEqualTo("1");
    assertThatThrownBy(() -> second.switchTo(ct, builderPk, 1))
        .isInstanceOf(DecryptionBudgetExhaustedException.class).hasMessageContaining("made 2 of");
    assertThatThrownBy(() -> first.switchTo(ct, builderPk, 1))
        .isInstanceOf(DecryptionBudgetExhaustedException.class);
  }

  @Test
  void theKeyRecoveryAttackOnTheSwitchedOutputFails() throws IOException {
    byte[] key = owner.coefficients(SecretKeyAccess.INSECURE);
    double[][] exact = decrypt(owner, ct);
    assertThat(KeyRecoveryAttack.agreement(
        KeyRecoveryAttack.fromSlots(ctx, encoder, ct, exact[0], exact[1]), key))
        .as("control: an exact decryption gives the key away").isEqualTo(key.length);
    Path dir = keyDir("k", 4);
    PublicKeySwitch ks = PublicKeySwitch.forKey(ctx, owner, DecryptionBudget.open(dir), bound);
    double[][] seen = decrypt(builder, ks.switchTo(ct, builderPk, 1));
    assertThat(KeyRecoveryAttack.agreement(
        KeyRecoveryAttack.fromSlots(ctx, encoder, ct, seen[0], seen[1]), key))
        .as("what the target's holder decrypts").isLessThan(key.length / 100);
  }
}
