package dev.veil.ml.poly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKey;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolynomialEvaluatorTest {
  // N = 2^12 keeps the suite fast; five 40-bit levels give depth 4 plus the affine level. log2(QP)
  // = 60 + 5 * 40 + 61 = 321 bits exceeds the 109 bits that N = 2^12 allows at 128-bit security
  // (218 at N = 2^13 would not fit either): a test-only set, hence securityOff().
  private static final Parameters PARAMS = Parameters.builder().logN(12)
      .logQ(60, 40, 40, 40, 40, 40).logP(61).logDefaultScale(40).securityOff().build();

  private HeContext ctx;
  private Encoder encoder;
  private Encryptor encryptor;
  private Decryptor decryptor;
  private Evaluator evaluator;
  private PolynomialEvaluator poly;

  @BeforeAll
  void setUp() {
    ctx = new HeContext(PARAMS, 2);
    KeyGenerator keygen = new KeyGenerator(ctx);
    SecretKey sk = keygen.secretKey();
    encoder = new Encoder(ctx);
    encryptor = Encryptor.withSecretKey(ctx, sk);
    decryptor = new Decryptor(ctx, sk);
    evaluator = new Evaluator(ctx,
        new EvaluationKeys(PARAMS, keygen.relinearizationKey(sk), List.of()));
    poly = new PolynomialEvaluator(evaluator);
  }

  @AfterAll
  void tearDown() {
    ctx.close();
  }

  private double[] uniform(double a, double b, long seed) {
    Random r = new Random(seed);
    double[] x = new double[PARAMS.slots()];
    for (int i = 0; i < x.length; i++) {
      x[i] = a + (b - a) * r.nextDouble();
    }
    x[0] = a; // the ends, where |T_k| = 1
    x[1] = b;
    return x;
  }

  private static ChebyshevSeries randomSeries(int degree, double a, double b, long seed) {
    Random r = new Random(seed);
    double[] c = new double[degree + 1];
    for (int k = 0; k <= degree; k++) {
      c[k] = 2 * r.nextDouble() - 1;
    }
    if (Math.abs(c[degree]) < 0.1) {
      c[degree] = 0.5;
    }
    return new ChebyshevSeries(a, b, c);
  }

  private static int ceilLog2DegreePlusOne(int d) {
    int m = 0;
    while ((1 << m) < d + 1) {
      m++;
    }
    return m;
  }

  /**
   * Precision floor in bits. A fresh encryption and each rescale leave an error of a few times
   * sqrt(N) in the scaled message (ternary secret: the rounding error of a rescale, multiplied by
   * the secret, has size about sqrt(N h / 12) with h ~ 2N/3; fresh noise about sigma sqrt(N)),
   * i.e. about 2^(log2(N)/2 + 2) / scale in each T_j. The result is a combination of T_j with
   * coefficients summing to sum |c_k| in magnitude, and products add errors proportional to the
   * values (|T_j| <= 1), so the error is at most a small multiple of sum |c_k| 2^(log2(N)/2) /
   * scale. The 6-bit margin covers that multiple (about a dozen operations along the deepest
   * path) and the tail of the slot distribution for the mean.
   */
  private static double meanFloor(ChebyshevSeries p, double scale) {
    return log2(scale) - PARAMS.logN() / 2.0 - log2(Math.max(1, p.l1Norm())) - 6;
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  private PolynomialEvaluator.Result run(ChebyshevSeries p, double[] x, String label) {
    Ciphertext ct = encryptor.encrypt(encoder.encode(x));
    PolynomialEvaluator.Result res = poly.evaluateWithReport(ct, p, ct.scale());
    double[] got = encoder.decode(decryptor.decrypt(res.ciphertext()));
    double[] want = p.evaluate(x);
    PrecisionStats st = PrecisionStats.of(want, got);
    PolynomialEvaluator.Plan plan = res.plan();
    System.out.println(String.format(Locale.ROOT,
        "%-28s d=%2d depth %d+%d level %d->%d  mults %2d (scalar %2d) baby %2d  %s  floor %.1f",
        label, plan.degree(), plan.polynomialDepth(), plan.affineLevels(), ct.level(),
        res.ciphertext().level(), res.nonScalarMultiplications(), res.scalarMultiplications(),
        plan.babyStepBound(), st, meanFloor(p, ct.scale())));
    // exact scale and promised level
    assertThat(res.ciphertext().scale()).isEqualTo(ct.scale());
    assertThat(res.ciphertext().level()).isEqualTo(ct.level() - plan.levelsNeeded());
    assertThat(res.nonScalarMultiplications()).isEqualTo(plan.nonScalarMultiplications());
    assertThat(res.scalarMultiplications()).isEqualTo(plan.scalarMultiplications());
    assertThat(st.meanBits()).isGreaterThan(meanFloor(p, ct.scale()));
    // the worst of N/2 slots sits in the tail of the error distribution (about 4 sigma for
    // 2048 Gaussian slots, 2-3 bits below the typical slot; the ends of the interval, where
    // every |T_k| = 1 and the errors of the terms align, lose a little more): 6 bits more
    assertThat(st.minBits()).isGreaterThan(meanFloor(p, ct.scale()) - 6);
    return res;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 7, 8, 15, 16, 31})
  void matchesDoubleEvaluationAtMinimalDepth(int degree) {
    ChebyshevSeries p = randomSeries(degree, -1, 1, 100 + degree);
    PolynomialEvaluator.Result res = run(p, uniform(-1, 1, degree), "random [-1,1]");
    PolynomialEvaluator.Plan plan = res.plan();
    assertThat(plan.polynomialDepth()).isEqualTo(ceilLog2DegreePlusOne(degree))
        .isEqualTo(PolynomialEvaluator.depth(degree));
    assertThat(plan.affineLevels()).isZero(); // [-1, 1]: nothing to map
    assertThat(PolynomialEvaluator.levelsNeeded(degree, -1, 1)).isEqualTo(plan.levelsNeeded());
  }

  @Test
  void sigmoidOnMinusEightEightWithTheAffineLevel() {
    double[] x = uniform(-8, 8, 42);
    for (int d : new int[] {3, 5, 7}) {
      SigmoidApproximation kim = SigmoidApproximation.kimEtAl(d);
      PolynomialEvaluator.Plan plan = run(kim.series(), x, "kim-et-al [-8,8]").plan();
      // alpha = 1/8 cannot be folded into the scale: one level for the map, then the minimum
      assertThat(plan.affineLevels()).isOne();
      assertThat(plan.polynomialDepth()).isEqualTo(ceilLog2DegreePlusOne(d));
      assertThat(PolynomialEvaluator.levelsNeeded(d, -8, 8)).isEqualTo(plan.levelsNeeded());
    }
    SigmoidApproximation ls = SigmoidApproximation.leastSquares(-8, 8, 15);
    PolynomialEvaluator.Result res = run(ls.series(), x, "least-squares-15 [-8,8]");
    assertThat(res.plan().levelsNeeded()).isEqualTo(5);
    assertThat(res.ciphertext().level()).isZero();
    // and the encrypted result approximates the true sigmoid within the fit's error
    double[] got = encoder.decode(decryptor.decrypt(res.ciphertext()));
    for (int i = 0; i < x.length; i++) {
      assertThat(Math.abs(got[i] - SigmoidApproximation.sigmoid(x[i])))
          .isLessThan(ls.maxError() + 1e-6);
    }
  }

  @Test
  void foldedAffineMapsCostNoLevel() {
    // [0, 1]: alpha = 2, beta = -1: T_1 = 2x - 1 by mulInt and addConst
    ChebyshevSeries p = randomSeries(7, 0, 1, 5);
    PolynomialEvaluator.Plan plan = run(p, uniform(0, 1, 6), "random [0,1]").plan();
    assertThat(plan.affineLevels()).isZero();
    assertThat(plan.foldFactor()).isEqualTo(2);
    assertThat(PolynomialEvaluator.levelsNeeded(7, 0, 1)).isEqualTo(3);
    // an input at a scale below the primes (2^30 against 40-bit primes) is raised to the
    // primes' size by the integer of the fold: q / 2^30 ~ 1024
    double[] x = uniform(-1, 1, 8);
    Ciphertext ct = encryptor.encrypt(encoder.encode(x, PARAMS.maxLevel(), 0x1p30));
    ChebyshevSeries p5 = randomSeries(5, -1, 1, 9);
    PolynomialEvaluator.Result res = poly.evaluateWithReport(ct, p5, 0x1p30);
    assertThat(res.plan().affineLevels()).isZero();
    assertThat(res.plan().foldFactor()).isBetween(1000L, 1050L);
    assertThat(res.ciphertext().scale()).isEqualTo(0x1p30);
    double[] got = encoder.decode(decryptor.decrypt(res.ciphertext()));
    PrecisionStats st = PrecisionStats.of(p5.evaluate(x), got);
    System.out.println("scale 2^30 input, degree 5: " + st);
    assertThat(st.meanBits()).isGreaterThan(meanFloor(p5, 0x1p30));
  }

  @Test
  void randomPolynomialOnAShiftedInterval() {
    // [-2, 6]: alpha = 1/4, beta = -1/2, the map takes one level
    ChebyshevSeries p = randomSeries(13, -2, 6, 77);
    PolynomialEvaluator.Plan plan = run(p, uniform(-2, 6, 78), "random [-2,6]").plan();
    assertThat(plan.levelsNeeded()).isEqualTo(5);
    assertThat(plan.affineLevels()).isOne();
  }

  @Test
  void multiplicationCountsAreAboutTwiceTheSquareRootOfTheDegree() {
    Ciphertext ct = encryptor.encrypt(encoder.encode(uniform(-1, 1, 1)));
    StringBuilder table = new StringBuilder("degree: non-scalar multiplications, baby steps\n");
    for (int d = 1; d <= 31; d++) {
      PolynomialEvaluator.Plan plan = poly.plan(randomSeries(d, -1, 1, d), ct);
      table.append(String.format(Locale.ROOT, "%2d: %2d, T_1..T_%d%n", d,
          plan.nonScalarMultiplications(), plan.babyStepBound()));
      // Paterson-Stockmeyer order: 2 sqrt(d) plus the extra splits of the depth-tight chain
      assertThat(plan.nonScalarMultiplications())
          .isLessThanOrEqualTo((int) Math.ceil(2 * Math.sqrt(d) + PolynomialEvaluator.depth(d)));
      assertThat(plan.polynomialDepth()).isEqualTo(ceilLog2DegreePlusOne(d));
    }
    System.out.print(table);
  }

  @Test
  void constantPolynomialCostsNothing() {
    double[] x = uniform(-1, 1, 3);
    Ciphertext ct = encryptor.encrypt(encoder.encode(x));
    PolynomialEvaluator.Result res =
        poly.evaluateWithReport(ct, new ChebyshevSeries(-1, 1, new double[] {0.75, 0, 0}), 0x1p40);
    assertThat(res.plan().levelsNeeded()).isZero();
    assertThat(res.ciphertext().level()).isEqualTo(ct.level());
    double[] got = encoder.decode(decryptor.decrypt(res.ciphertext()));
    assertThat(PrecisionStats.of(new double[] {0.75, 0.75, 0.75}, got).minBits()).isGreaterThan(25);
  }

  @Test
  void tooFewLevelsFailsBeforeAnyWork() {
    double[] x = uniform(-8, 8, 4);
    Ciphertext ct = encryptor.encrypt(encoder.encode(x, 3, PARAMS.defaultScale()));
    Ciphertext before = ct.copy();
    ChebyshevSeries p = SigmoidApproximation.kimEtAl(7).series(); // 3 + 1 levels
    assertThat(poly.levelsNeeded(p, ct)).isEqualTo(4);
    // veil-he would fail mid-way with its own LevelException at level 0; this type and message
    // come from the up-front check
    assertThatThrownBy(() -> poly.evaluate(ct, p))
        .isInstanceOf(InsufficientLevelsException.class)
        .hasMessageContaining("needs 4 levels")
        .hasMessageContaining("1 for the affine map")
        .hasMessageContaining("at level 3")
        .satisfies(e -> {
          InsufficientLevelsException ile = (InsufficientLevelsException) e;
          assertThat(ile.levelsNeeded()).isEqualTo(4);
          assertThat(ile.levelsAvailable()).isEqualTo(3);
        });
    assertThat(ct.contentEquals(before)).isTrue();
    // the same polynomial on [-1, 1] data fits: no affine level
    ChebyshevSeries unit = new ChebyshevSeries(-1, 1, p.coefficients());
    assertThat(poly.evaluate(ct, unit).level()).isZero();
  }

  @Test
  void needsTheRelinearisationKeyOnly() {
    PolynomialEvaluator noKeys = new PolynomialEvaluator(new Evaluator(ctx));
    Ciphertext ct = encryptor.encrypt(encoder.encode(uniform(-1, 1, 2)));
    assertThatThrownBy(() -> noKeys.evaluate(ct, randomSeries(3, -1, 1, 1)))
        .isInstanceOf(MissingKeyException.class).hasMessageContaining("relinearisation key");
    // degree 1 needs no product at all
    assertThat(noKeys.evaluate(ct, randomSeries(1, -1, 1, 1)).level())
        .isEqualTo(ct.level() - 1);
  }

  @Test
  void staticPlanningHelpers() {
    assertThat(PolynomialEvaluator.depth(0)).isZero();
    assertThat(PolynomialEvaluator.depth(1)).isOne();
    assertThat(PolynomialEvaluator.depth(7)).isEqualTo(3);
    assertThat(PolynomialEvaluator.depth(8)).isEqualTo(4);
    assertThat(PolynomialEvaluator.depth(63)).isEqualTo(6);
    assertThat(PolynomialEvaluator.levelsNeeded(15, -1, 1)).isEqualTo(4);
    assertThat(PolynomialEvaluator.levelsNeeded(15, -0.5, 0.5)).isEqualTo(4); // alpha = 2
    assertThat(PolynomialEvaluator.levelsNeeded(15, -8, 8)).isEqualTo(5);
    assertThat(PolynomialEvaluator.levelsNeeded(3, -1.5, 1.5)).isEqualTo(3); // alpha = 2/3
  }
}
