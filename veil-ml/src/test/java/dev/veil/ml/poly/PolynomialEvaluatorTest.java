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
    assertThat(st.minBits()).isGreaterThan(meanFloor(p, ct.scale()) - 4);
    return res;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 7, 8, 15})
  void matchesDoubleEvaluationAtMinimalDepth(int degree) {
    ChebyshevSeries p = randomSeries(degree, -1, 1, 100 + degree);
    PolynomialEvaluator.Result res = run(p, uniform(-1, 1, degree), "random [-1,1]");
    PolynomialEvaluator.Plan plan = res.plan();
    assertThat(plan.polynomialDepth()).isEqualTo(ceilLog2DegreePlusOne(degree))
        .isEqualTo(PolynomialEvaluator.depth(degree));
    assertThat(plan.affineLevels()).isZero(); // [-1, 1]: nothing to map
    assertThat(PolynomialEvaluator.levelsNeeded(degree, -1, 1)).isEqualTo(plan.levelsNeeded());
  }
}
