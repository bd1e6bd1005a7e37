package dev.veil.he.rlwe;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ring.Modulus;
import dev.veil.he.ring.RingContext;

/**
 * Hybrid key switching at the polynomial level: {@code k0 + k1 s = c s'} up to a noise bounded
 * from the parameters, the hoisting split against the one-shot switch, and ModDown against an
 * exact big-integer rounding. N = 2^12, Q = {60, 40, 40}, P = {61} unless a test says otherwise.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeySwitcherTest {
  private Parameters params;
  private HeContext ctx;
  private RingContext ring;
  private SecretKey sk;
  private SwitchingKey relin;
  private SwitchingKey galois;
  private KeySwitcher switcher;

  @BeforeAll
  void setUp() {
    params = Parameters.builder().logN(12).logQ(60, 40, 40).logP(61).securityOff().build();
    ctx = new HeContext(params, 1);
    ring = ctx.ring();
    KeyGenerator kg = new KeyGenerator(ctx);
    sk = kg.secretKey();
    relin = kg.relinearizationKey(sk);
    galois = kg.galoisKey(sk, Evaluator.galoisElement(params, 1));
    switcher = new KeySwitcher(ctx);
  }

  @AfterAll
  void tearDown() {
    ctx.close();
  }

  private long[][] randomPoly(SplittableRandom rnd, HeContext c, int[] rows) {
    long[][] p = new long[rows.length][c.parameters().n()];
    for (int r = 0; r < rows.length; r++) {
      long q = c.ring().modulus(rows[r]).q;
      for (int j = 0; j < p[r].length; j++) {
        p[r][j] = rnd.nextLong(q);
      }
    }
    return p;
  }

  /** The secret {@code s'} a key switches from, NTT form over every prime. */
  private long[][] sourceSecret(SwitchingKey key) {
    int rows = params.qCount() + params.pCount();
    long[][] s = sk.nttForm();
    long[][] out = new long[rows][params.n()];
    if (key.isRelinearization()) {
      for (int i = 0; i < rows; i++) {
        RingContext.mul(s[i], s[i], out[i], ring.modulus(i));
      }
    } else {
      ring.automorphismNtt(s, out, rows, ring.galoisPermutation(key.galoisElement()));
    }
    return out;
  }

  /**
   * Per-coefficient standard deviation of the key-switching noise: digits d_j centered in
   * (-D_j/2, D_j/2] (variance D_j^2/12) times key errors of variance sigma^2 summed over N terms
   * and divided by P, plus the ModDown rounding r0 + r1 s (variance (1 + N 2/3)/12).
   */
  private double noiseStd(int level) {
    double n = params.n();
    double p = params.p(0);
    double digits = 0;
    for (int i = 0; i <= level; i++) { // one prime per digit here
      double d = params.q(i) / p;
      digits += d * d / 12;
    }
    return Math.sqrt(n * params.sigma() * params.sigma() * digits + (1 + n * 2.0 / 3) / 12);
  }

  static Stream<Arguments> keysAndLevels() {
    return Stream.of("relinearisation", "rotation").flatMap(
        k -> Stream.of(2, 1, 0).map(level -> Arguments.of(k, level)));
  }

  @ParameterizedTest(name = "switching with the {0} key at level {1} gives k0 + k1 s = c s' up to small noise")
  @MethodSource("keysAndLevels")
  void switchKey_satisfies_the_key_switching_relation(String which, int level) {
    SwitchingKey key = which.equals("relinearisation") ? relin : galois;
    SplittableRandom rnd = new SplittableRandom(level * 7L + which.length());
    long[][] c = randomPoly(rnd, ctx, ctx.qIndices(level));
    long[][] k0 = new long[level + 1][params.n()];
    long[][] k1 = new long[level + 1][params.n()];
    switcher.switchKey(c, level, key, k0, k1);
    long[][] s = sk.nttForm();
    long[][] sPrime = sourceSecret(key);
    long[][] e = new long[level + 1][params.n()];
    for (int i = 0; i <= level; i++) {
      Modulus m = ring.modulus(i);
      long[] t = new long[params.n()];
      RingContext.mul(k1[i], s[i], t, m);
      RingContext.add(k0[i], t, e[i], m.q);
      RingContext.mul(c[i], sPrime[i], t, m);
      RingContext.sub(e[i], t, e[i], m.q);
      ring.ntt(i).inverse(e[i]);
    }
    double bound = 10 * noiseStd(level);
    long max = 0;
    for (int j = 0; j < params.n(); j++) {
      long q0 = params.q(0);
      long v = e[0][j] > q0 / 2 ? e[0][j] - q0 : e[0][j];
      max = Math.max(max, Math.abs(v));
      for (int i = 1; i <= level; i++) { // the same small integer under every prime
        assertThat(e[i][j]).as("coefficient %d under prime %d", j, i)
            .isEqualTo(ring.modulus(i).reduceSigned(v));
      }
    }
    assertThat((double) max).as("largest noise coefficient (10 standard deviations: %.0f)", bound)
        .isLessThanOrEqualTo(bound).isGreaterThan(0);
  }

  @ParameterizedTest(name = "decompose then apply without a permutation equals switchKey bit for bit at level {0}")
  @ValueSource(ints = {2, 1, 0})
  void decompose_and_apply_equal_switchKey(int level) {
    long[][] c = randomPoly(new SplittableRandom(level), ctx, ctx.qIndices(level));
    long[][] a0 = new long[level + 1][params.n()];
    long[][] a1 = new long[level + 1][params.n()];
    long[][] b0 = new long[level + 1][params.n()];
    long[][] b1 = new long[level + 1][params.n()];
    switcher.switchKey(c, level, relin, a0, a1);
    KeySwitcher.Decomposition dec = switcher.decompose(c, level);
    assertThat(dec.level()).isEqualTo(level);
    switcher.apply(dec, relin, null, b0, b1);
    for (int i = 0; i <= level; i++) {
      assertThat(b0[i]).as("k0 row %d", i).isEqualTo(a0[i]);
      assertThat(b1[i]).as("k1 row %d", i).isEqualTo(a1[i]);
    }
  }

  static Stream<Arguments> specialPrimes() {
    return Stream.of(new int[] {61}, new int[] {61, 61}, new int[] {50, 50, 50})
        .map(p -> Arguments.of(java.util.Arrays.toString(p), p));
  }

  /**
   * ModDown against {@code round(X / P)} computed with big integers. Its error u (per
   * coefficient, the same integer under every prime) is the overflow of the fast conversion from
   * the special primes: 0 with one special prime.
   *
   * <p>Regression (fixed: BasisConverter now removes the overflow u). Was: u lies in [-(k-1), 0] for k
   * special primes and is -1 about half the time with k = 2, so the rounding is biased by about
   * -(k-1)/2 per coefficient instead of being centered. This is the unit-level cause of the
   * slot-0 error concentration shown by KeySwitchingTest.key_switching_noise_has_no_bias.
   */
  @ParameterizedTest(name = "modDown with P = {0} divides by P with unbiased rounding")
  @MethodSource("specialPrimes")
  void modDown_rounds_without_bias(String name, int[] logP) {
    Parameters p = Parameters.builder().logN(12).logQ(60, 40, 40).logP(logP).dnum(3)
        .securityOff().build();
    try (HeContext c = new HeContext(p, 1)) {
      int level = p.maxLevel();
      int[] rows = c.qpIndices(level);
      BigInteger bigP = BigInteger.ONE;
      for (long x : p.pPrimes()) {
        bigP = bigP.multiply(BigInteger.valueOf(x));
      }
      BigInteger modulus = bigP;
      for (int i = 0; i <= level; i++) {
        modulus = modulus.multiply(BigInteger.valueOf(p.q(i)));
      }
      SplittableRandom rnd = new SplittableRandom(0xD0L + logP.length);
      int n = p.n();
      BigInteger[] x = new BigInteger[n];
      long[][] acc = new long[rows.length][n];
      byte[] bytes = new byte[(modulus.bitLength() + 7) / 8 + 8];
      for (int j = 0; j < n; j++) {
        rnd.nextBytes(bytes);
        // uniform in (-QP/2, QP/2]
        x[j] = new BigInteger(1, bytes).mod(modulus).subtract(modulus.shiftRight(1));
        for (int r = 0; r < rows.length; r++) {
          acc[r][j] = x[j].mod(BigInteger.valueOf(c.ring().modulus(rows[r]).q)).longValueExact();
        }
      }
      for (int r = 0; r < rows.length; r++) {
        c.ring().ntt(rows[r]).forward(acc[r]);
      }
      long[][] out = new long[level + 1][n];
      new KeySwitcher(c).modDown(acc, level, out);
      long q0 = p.q(0);
      double sum = 0;
      double sumSq = 0;
      long worst = 0;
      for (int i = 0; i <= level; i++) {
        c.ring().ntt(i).inverse(out[i]);
      }
      for (int j = 0; j < n; j++) {
        // round(x / P) = floor((2x + P) / 2P)
        BigInteger rounded = floorDiv(x[j].shiftLeft(1).add(bigP), bigP.shiftLeft(1));
        long u0 = BigInteger.valueOf(out[0][j]).subtract(rounded).mod(BigInteger.valueOf(q0))
            .longValueExact();
        long u = u0 > q0 / 2 ? u0 - q0 : u0;
        for (int i = 1; i <= level; i++) {
          BigInteger qi = BigInteger.valueOf(p.q(i));
          assertThat(BigInteger.valueOf(out[i][j]).subtract(rounded).subtract(BigInteger.valueOf(u))
              .mod(qi).signum()).as("same error under prime %d", i).isZero();
        }
        worst = Math.max(worst, Math.abs(u));
        sum += u;
        sumSq += (double) u * u;
      }
      assertThat(worst).as("largest error: the overflow is below the number of special primes")
          .isLessThan(logP.length);
      double mean = sum / n;
      double standardError = Math.sqrt((sumSq / n - mean * mean) / n);
      assertThat(Math.abs(mean)).as("mean rounding error %.3f (standard error %.4f)", mean,
          standardError).isLessThanOrEqualTo(5 * standardError);
    }
  }

  private static BigInteger floorDiv(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.divideAndRemainder(b);
    return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }
}
