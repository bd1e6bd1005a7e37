package dev.veil.he.rlwe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.ring.RingContext;

/**
 * Encryption and decryption: fresh randomness per encryption, the seed of secret-key ciphertexts,
 * the seed dropped by evaluator results, and decryption of degree-1 and degree-2 ciphertexts
 * against the formula {@code c0 + c1 s + c2 s^2}. N = 2^12, Q = {60, 40, 40}, P = {61}.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncryptionTest {
  private Parameters params;
  private HeContext ctx;
  private Encoder encoder;
  private SecretKey sk;
  private Encryptor skEncryptor;
  private Encryptor pkEncryptor;
  private Decryptor decryptor;
  private Evaluator evaluator;
  private double[] values;
  private Plaintext pt;

  @BeforeAll
  void setUp() {
    params = Parameters.builder().logN(12).logQ(60, 40, 40).logP(61).securityOff().build();
    ctx = new HeContext(params, 1);
    encoder = new Encoder(ctx);
    KeyGenerator kg = new KeyGenerator(ctx);
    sk = kg.secretKey();
    skEncryptor = Encryptor.withSecretKey(ctx, sk);
    pkEncryptor = Encryptor.withPublicKey(ctx, kg.publicKey(sk));
    decryptor = new Decryptor(ctx, sk);
    EvaluationKeys keys = new EvaluationKeys(params, kg.relinearizationKey(sk),
        kg.galoisKeys(sk, Evaluator.galoisElements(params, 1, 2)));
    evaluator = new Evaluator(ctx, keys.with(
        java.util.List.of(kg.galoisKey(sk, Evaluator.conjugationElement(params)))));
    SplittableRandom rnd = new SplittableRandom(0xE0C1L);
    values = new double[params.slots()];
    for (int i = 0; i < values.length; i++) {
      values[i] = rnd.nextDouble(-1, 1);
    }
    pt = encoder.encode(values);
  }

  @AfterAll
  void tearDown() {
    ctx.close();
  }

  private Encryptor encryptor(String kind) {
    return kind.equals("secret") ? skEncryptor : pkEncryptor;
  }

  private static boolean samePolynomials(Ciphertext a, Ciphertext b, int poly) {
    for (int i = 0; i <= a.level(); i++) {
      if (!java.util.Arrays.equals(a.poly(poly)[i], b.poly(poly)[i])) {
        return false;
      }
    }
    return true;
  }

  @ParameterizedTest(name = "{0}-key encryption of one plaintext twice gives different ciphertexts that decrypt alike")
  @ValueSource(strings = {"secret", "public"})
  void encrypting_twice_gives_different_ciphertexts(String kind) {
    Ciphertext a = encryptor(kind).encrypt(pt);
    Ciphertext b = encryptor(kind).encrypt(pt);
    assertThat(a.contentEquals(b)).isFalse();
    assertThat(samePolynomials(a, b, 0)).as("c0").isFalse();
    assertThat(samePolynomials(a, b, 1)).as("c1").isFalse();
    // both decrypt to the message; a loose 20-bit floor: the precision itself is EvaluatorPrecisionTest's
    PrecisionStats pa = PrecisionStats.of(values, encoder.decode(decryptor.decrypt(a)));
    PrecisionStats pb = PrecisionStats.of(values, encoder.decode(decryptor.decrypt(b)));
    assertThat(pa.minBits()).as("first: %s", pa).isGreaterThan(20);
    assertThat(pb.minBits()).as("second: %s", pb).isGreaterThan(20);
  }

  @ParameterizedTest(name = "a secret-key ciphertext at level {0} carries a seed that regenerates its c1")
  @ValueSource(ints = {2, 1, 0})
  void a_secret_key_ciphertext_has_a_seed_that_regenerates_c1(int level) {
    Ciphertext c = skEncryptor.encrypt(encoder.encode(values, level, params.defaultScale()));
    byte[] seed = c.seed();
    assertThat(seed).isNotNull().hasSize(32);
    assertThat(regenerates(c)).isTrue();
    assertThat(skEncryptor.encrypt(pt).seed()).as("a second encryption's seed").isNotEqualTo(seed);
  }

  /** True if the ciphertext's seed expands to exactly its c1. */
  private boolean regenerates(Ciphertext c) {
    long[][] expanded = new long[c.level() + 1][params.n()];
    Encryptor.expandSeed(ctx, c.seed(), c.level(), expanded);
    return sameRows(expanded, c.poly(1), c.level());
  }

  private static boolean sameRows(long[][] a, long[][] b, int level) {
    for (int i = 0; i <= level; i++) {
      if (!java.util.Arrays.equals(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }

  @Test
  void a_public_key_ciphertext_has_no_seed() {
    assertThat(pkEncryptor.encrypt(pt).seed()).isNull();
  }

  static Stream<Arguments> changingOperations() {
    return Stream.of(
        op("add", (ev, c) -> ev.addNew(c, c)),
        op("sub", (ev, c) -> ev.subNew(c, c)),
        op("negate", (ev, c) -> ev.negateNew(c)),
        op("addConst", (ev, c) -> ev.addConstNew(c, 0.5)),
        op("mulInt", (ev, c) -> ev.mulIntNew(c, 3)),
        op("mulConst", (ev, c) -> ev.mulConstNew(c, 0.5)),
        op("mul", (ev, c) -> ev.mulNew(c, c)),
        op("mulRelin", (ev, c) -> ev.mulRelinNew(c, c)),
        op("rescale", (ev, c) -> ev.rescaleNew(c)),
        op("dropToLevel to a lower level", (ev, c) -> ev.dropToLevelNew(c, 1)),
        op("dropToLevel to the same level", (ev, c) -> ev.dropToLevelNew(c, c.level())),
        op("rotate", (ev, c) -> ev.rotateNew(c, 1)),
        op("conjugate", (ev, c) -> ev.conjugateNew(c)),
        op("rotateHoisted", (ev, c) -> ev.rotateHoisted(c, 2)[0]),
        op("rotateAndSum", (ev, c) -> ev.rotateAndSumNew(c, 4)),
        op("in-place add", (ev, c) -> {
          ev.add(c, c, c);
          return c;
        }),
        op("in-place rescale", (ev, c) -> {
          ev.rescale(c, c);
          return c;
        }),
        op("in-place dropToLevel", (ev, c) -> {
          ev.dropToLevel(c, c.level(), c);
          return c;
        }),
        op("in-place mulInt by 1", (ev, c) -> {
          ev.mulInt(c, 1, c);
          return c;
        }),
        op("setScale", (ev, c) -> {
          Ciphertext out = Ciphertext.empty(c.parameters());
          ev.setScale(c, c.scale() * 1.5, out);
          return out;
        }));
  }

  private static Arguments op(String name, BiFunction<Evaluator, Ciphertext, Ciphertext> f) {
    return Arguments.of(Named.of(name, f));
  }

  @ParameterizedTest(name = "{0} of a seeded ciphertext gives a result without a seed")
  @MethodSource("changingOperations")
  void evaluator_results_have_no_seed(BiFunction<Evaluator, Ciphertext, Ciphertext> op) {
    Ciphertext seeded = skEncryptor.encrypt(pt);
    assertThat(seeded.seed()).isNotNull();
    assertThat(op.apply(evaluator, seeded).seed()).isNull();
  }

  static Stream<Arguments> identityOperations() {
    return Stream.of(
        op("rotate by 0", (ev, c) -> ev.rotateNew(c, 0)),
        op("rotateHoisted by 0", (ev, c) -> ev.rotateHoisted(c, 0)[0]),
        op("relinearize of a degree-1 ciphertext", (ev, c) -> ev.relinearizeNew(c)),
        op("rotateAndSum over 1 slot", (ev, c) -> ev.rotateAndSumNew(c, 1)),
        op("copy", (ev, c) -> c.copy()));
  }

  /**
   * The operations that return their input unchanged copy it, seed included (measured: they all
   * keep it). That is sound as long as the seed still describes c1, which this checks.
   */
  @ParameterizedTest(name = "{0} returns the input unchanged, with a seed only if it regenerates c1")
  @MethodSource("identityOperations")
  void identity_operations_keep_only_a_valid_seed(BiFunction<Evaluator, Ciphertext, Ciphertext> op) {
    Ciphertext seeded = skEncryptor.encrypt(pt);
    Ciphertext r = op.apply(evaluator, seeded);
    assertThat(r.contentEquals(seeded)).isTrue();
    if (r.seed() != null) {
      assertThat(regenerates(r)).isTrue();
    }
  }

  /** {@code c0 + c1 s (+ c2 s^2)} row by row, straight from the definition. */
  private long[][] reference(Ciphertext c) {
    RingContext ring = ctx.ring();
    long[][] s = sk.nttForm();
    long[][] m = new long[c.level() + 1][params.n()];
    for (int i = 0; i <= c.level(); i++) {
      var mod = ring.modulus(i);
      long[] s2 = new long[params.n()];
      RingContext.mul(s[i], s[i], s2, mod);
      long[] t = new long[params.n()];
      System.arraycopy(c.poly(0)[i], 0, m[i], 0, params.n());
      RingContext.mul(c.poly(1)[i], s[i], t, mod);
      RingContext.add(m[i], t, m[i], mod.q);
      if (c.degree() == 2) {
        RingContext.mul(c.poly(2)[i], s2, t, mod);
        RingContext.add(m[i], t, m[i], mod.q);
      }
    }
    return m;
  }

  static Stream<Arguments> shapes() {
    return Stream.of(1, 2).flatMap(d -> Stream.of(2, 1, 0).map(l -> Arguments.of(d, l)));
  }

  @ParameterizedTest(name = "decryption of a random degree-{0} ciphertext at level {1} is c0 + c1 s + c2 s^2 exactly")
  @MethodSource("shapes")
  void decryption_follows_the_definition(int degree, int level) {
    SplittableRandom rnd = new SplittableRandom(31L * degree + level);
    Ciphertext c = new Ciphertext(params, degree, level, params.defaultScale());
    for (int p = 0; p <= degree; p++) {
      for (int i = 0; i <= level; i++) {
        long q = params.q(i);
        long[] row = c.poly(p)[i];
        for (int j = 0; j < row.length; j++) {
          row[j] = rnd.nextLong(q);
        }
      }
    }
    Plaintext m = decryptor.decrypt(c);
    assertThat(m.level()).isEqualTo(level);
    assertThat(m.scale()).isEqualTo(c.scale());
    long[][] want = reference(c);
    for (int i = 0; i <= level; i++) {
      assertThat(m.poly()[i]).as("row %d", i).isEqualTo(want[i]);
    }
  }

  @Test
  void an_encryption_of_zero_decrypts_to_about_zero() {
    Ciphertext z = pkEncryptor.encryptZero(1, params.defaultScale());
    assertThat(z.level()).isEqualTo(1);
    double[] zero = new double[params.slots()];
    PrecisionStats st = PrecisionStats.of(zero, encoder.decode(decryptor.decrypt(z)));
    assertThat(st.minBits()).as("%s", st).isGreaterThan(20);
  }
}
