package dev.veil.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.he.ckks.LevelException;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum.Placement;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.poly.SigmoidApproximation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sanitiser on scores of 150 encrypted rows (3 ciphertexts, the last partial) at scale 2^55,
 * N = 2^12. Policy: s = 40, the noise bound B that {@link ScoringNoise} traces for RAW row-major
 * scores (checked against the measured noise below), D = 150 results (the row budget of the
 * buyer): {@code log2(sigma) = log2(12 * 150)/2 + 20 + log2 B}, leaving {@code 55 - log2(sigma) -
 * 6} bits.
 * Errors are checked against {@code 7 sigma sqrt(N/2) / scale} per slot (a 7-sigma Gaussian tail
 * over a few thousand slots: probability below 1e-8).
 */
class OutputSanitizerTest {
  /** The traced bound may exceed the measured noise by at most this (see NoiseEstimatorTest). */
  static final double SLACK_BITS = 6;
  private static final int ROWS = 150;
  private static final int FEATURES = 18;
  private static InferFixture f;
  private static Layout layout;
  private static double[] w;
  private static double[][] rows;
  private static double[] expected;
  private static Ciphertext[] cts;
  private static EncryptedResult raw;
  private static FloodingPolicy policy;
  private static double noiseBoundBits;

  @BeforeAll
  static void compute() {
    f = InferFixture.n12();
    layout = Layout.of(f.params, ROWS, FEATURES);
    rows = InferFixture.table(ROWS, FEATURES, 51);
    w = InferFixture.weights(FEATURES, 0.4, 52);
    LogisticModel m = new LogisticModel(w);
    expected = new double[ROWS];
    for (int r = 0; r < ROWS; r++) {
      expected[r] = m.score(rows[r]);
    }
    cts = new TablePacker(f.encoder, layout).encrypt(rows, f.pkEncryptor);
    raw = new EncryptedRowsInference(f.rotationsOnly, f.encoder, layout)
        .scores(cts, w, Placement.RAW);
    noiseBoundBits = ScoringNoise.noiseBoundBits(f.params, ScoringNoise.Circuit.ROW_MAJOR_SCORES,
        f.params.maxLevel(), f.params.defaultScale(), 1, new double[][] {w}, layout, null);
    policy = new FloodingPolicy(40, noiseBoundBits, ROWS);
  }

  private static OutputSanitizer sanitizer(double minBits) {
    return new OutputSanitizer(f.ctx, f.pk, policy, minBits);
  }

  private static double tolerance(OutputSanitizer s) {
    return 7 * s.expectedSlotError(f.params.defaultScale());
  }

  @Test
  void tracedNoiseBoundCoversTheMeasuredNoise() {
    OutputSanitizer s = sanitizer(0);
    double max = 0;
    for (int c = 0; c < raw.size(); c++) {
      Ciphertext cleared = s.clearAndDrop(raw.ciphertext(c), raw.descriptor(), c);
      double[] slots = new double[f.params.slots()];
      int[] rs = raw.descriptor().resultSlots(c);
      for (int i = 0; i < rs.length; i++) {
        slots[rs[i]] = expected[layout.firstRow(c) + i];
      }
      Plaintext ideal = f.encoder.encode(slots, 0, cleared.scale());
      for (long e : f.difference(f.decryptor.decrypt(cleared), ideal)) {
        max = Math.max(max, Math.abs(e));
      }
    }
    System.out.printf("sanitiser: measured noise of the cleared scores 2^%.1f, traced 2^%.1f%n",
        InferFixture.log2(max), noiseBoundBits);
    assertThat(InferFixture.log2(max)).isLessThan(noiseBoundBits)
        .isGreaterThan(noiseBoundBits - SLACK_BITS);
  }

  @Test
  void sanitisedScoresAreAtLevelZeroWithOnlyNoiseOutsideTheResultSlots() {
    OutputSanitizer s = sanitizer(5);
    EncryptedResult clean = s.sanitize(raw);
    assertThat(clean.descriptor().otherSlotsZero()).isTrue();
    assertThat(clean.descriptor().layout()).isEqualTo(layout);
    for (Ciphertext ct : clean.ciphertexts()) {
      assertThat(ct.level()).isZero();
      assertThat(ct.scale()).isEqualTo(raw.ciphertext(0).scale());
      assertThat(ct.degree()).isEqualTo(1);
    }
    assertThat(raw.ciphertext(0).level()).isEqualTo(f.params.maxLevel() - 1); // input untouched
    ResultReader reader = new ResultReader(f.encoder, f.decryptor);
    double tol = tolerance(s);
    double[] got = reader.read(clean);
    PrecisionStats st = PrecisionStats.of(expected, got);
    System.out.printf("sanitised scores: %s; expected %.1f bits (sigma 2^%.1f, slot error %.2e)%n",
        st, s.expectedPrecisionBits(f.params.defaultScale()), s.log2Sigma(),
        s.expectedSlotError(f.params.defaultScale()));
    assertThat(st.maxError()).isLessThan(tol);
    assertThat(st.meanBits()).isGreaterThan(s.expectedPrecisionBits(f.params.defaultScale()) - 1);
    double[][] slots = reader.slots(clean);
    double maxOther = 0;
    for (int c = 0; c < slots.length; c++) {
      double[] mask = clean.descriptor().resultMask(c);
      for (int i = 0; i < slots[c].length; i++) {
        if (mask[i] == 0) {
          maxOther = Math.max(maxOther, Math.abs(slots[c][i]));
        }
      }
    }
    System.out.printf("sanitised non-result slots: max |value| %.2e (tolerance %.2e)%n", maxOther,
        tol);
    assertThat(maxOther).isLessThan(tol);
    // before sanitising, the RAW by-products (partial sums, the intercept of padding rows) are
    // far above the noise
    double[][] before = reader.slots(raw);
    assertThat(Math.abs(before[0][1]) + Math.abs(before[0][2]) + Math.abs(before[2][
        layout.blockSize() * 30])).isGreaterThan(100 * tol);
  }

  @Test
  void twoSanitisationsDifferButDecryptToTheSameScores() {
    OutputSanitizer s = sanitizer(5);
    EncryptedResult a = s.sanitize(raw);
    EncryptedResult b = s.sanitize(raw);
    for (int c = 0; c < a.size(); c++) {
      assertThat(a.ciphertext(c).contentEquals(b.ciphertext(c))).isFalse();
    }
    ResultReader reader = new ResultReader(f.encoder, f.decryptor);
    double[] ra = reader.read(a);
    double[] rb = reader.read(b);
    double diff = 0;
    for (int r = 0; r < ROWS; r++) {
      diff = Math.max(diff, Math.abs(ra[r] - rb[r]));
    }
    assertThat(diff).isLessThan(2 * tolerance(s)).isGreaterThan(0);
  }

  @Test
  void floodingNoiseHasTheDeclaredStandardDeviation() {
    OutputSanitizer s = sanitizer(5);
    EncryptedResult clean = s.sanitize(raw);
    double sum2 = 0;
    double sum = 0;
    long count = 0;
    for (int c = 0; c < raw.size(); c++) {
      // clearing and dropping are deterministic: the difference is the re-randomisation and
      // flooding encryption (flooding polynomial + fresh encryption noise, the latter tiny)
      Ciphertext cleared = s.clearAndDrop(raw.ciphertext(c), raw.descriptor(), c);
      long[] d = f.difference(f.decryptor.decrypt(clean.ciphertext(c)),
          f.decryptor.decrypt(cleared));
      for (long v : d) {
        sum += v;
        sum2 += (double) v * v;
        count++;
      }
    }
    double mean = sum / count;
    double sd = Math.sqrt(sum2 / count - mean * mean);
    System.out.printf("flooding noise: measured sd 2^%.3f (%.4f x declared), mean %.2e sigma%n",
        InferFixture.log2(sd), sd / s.sigma(), mean / s.sigma());
    assertThat(sd / s.sigma()).isBetween(0.97, 1.03);
    assertThat(Math.abs(mean / s.sigma())).isLessThan(0.05);
    assertThat(s.log2Sigma()).isCloseTo(
        InferFixture.log2(12 * ROWS) / 2 + 20 + noiseBoundBits, within(1e-9));
  }

  @Test
  void refusesWhenTheFloodingWouldLeaveTooLittlePrecision() {
    OutputSanitizer s = sanitizer(20);
    assertThatThrownBy(() -> s.sanitize(raw)).isInstanceOf(PrecisionTooLowException.class)
        .hasMessageContaining("below the 20.0 bits required")
        .satisfies(e -> assertThat(((PrecisionTooLowException) e).expectedBits())
            .isCloseTo(s.expectedPrecisionBits(f.params.defaultScale()), within(1e-9)));
    // a flooding that does not fit the first prime is refused at construction
    assertThatThrownBy(() -> new OutputSanitizer(f.ctx, f.pk,
        new FloodingPolicy(80, 20, 1_000_000), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first prime");
  }

  @Test
  void levelZeroResultsAreClearedOnlyIfAlreadyMasked() {
    OutputSanitizer s = sanitizer(5);
    Ciphertext[] bottom = new Ciphertext[raw.size()];
    for (int c = 0; c < bottom.length; c++) {
      bottom[c] = f.evaluator.dropToLevelNew(raw.ciphertext(c), 0);
    }
    EncryptedResult unmasked = new EncryptedResult(bottom, raw.descriptor());
    assertThatThrownBy(() -> s.sanitize(unmasked)).isInstanceOf(LevelException.class)
        .hasMessageContaining("keep one level");
    EncryptedResult first = new EncryptedRowsInference(f.rotationsOnly, f.encoder, layout)
        .scores(cts, w, Placement.FIRST);
    Ciphertext[] firstBottom = new Ciphertext[first.size()];
    for (int c = 0; c < firstBottom.length; c++) {
      firstBottom[c] = f.evaluator.dropToLevelNew(first.ciphertext(c), 0);
    }
    EncryptedResult clean = s.sanitize(new EncryptedResult(firstBottom, first.descriptor()));
    double[] got = new ResultReader(f.encoder, f.decryptor).read(clean);
    assertThat(PrecisionStats.of(expected, got).maxError()).isLessThan(tolerance(s));
  }

  @Test
  void endToEndBudgetedProbabilityQuery() {
    QueryBudget budget = new QueryBudget(10, ROWS);
    budget.charge("buyer-1", "model-a", ROWS);
    SigmoidApproximation sig = SigmoidApproximation.leastSquares(-8, 8, 7);
    EncryptedResult probs = new EncryptedRowsInference(f.evaluator, f.encoder, layout)
        .probabilities(cts, new LogisticModel(w), sig);
    assertThat(probs.ciphertext(0).level()).isEqualTo(1);
    OutputSanitizer s = sanitizer(5);
    EncryptedResult clean = s.sanitize(probs);
    assertThat(clean.ciphertext(0).level()).isZero();
    double[] got = new ResultReader(f.encoder, f.decryptor).read(clean);
    double maxErr = 0;
    for (int r = 0; r < ROWS; r++) {
      maxErr = Math.max(maxErr, Math.abs(got[r] - sig.evaluate(expected[r])));
    }
    System.out.printf("sanitised probabilities: max error vs the polynomial %.2e (tolerance"
        + " %.2e)%n", maxErr, tolerance(s));
    assertThat(maxErr).isLessThan(tolerance(s));
    assertThatThrownBy(() -> budget.charge("buyer-1", "model-a", 1))
        .isInstanceOf(QueryBudgetExceededException.class);
  }

  private static org.assertj.core.data.Offset<Double> within(double v) {
    return org.assertj.core.data.Offset.offset(v);
  }
}
