package dev.veil.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum.Placement;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.poly.SigmoidApproximation;
import org.junit.jupiter.api.Test;

/**
 * Prints the amortised throughput of 18-feature logistic scoring on encrypted rows at N = 2^14
 * (8192 slots, block 32: 256 rows per ciphertext). No timing assertion: the benchmark comes
 * later; only the results' correctness is checked. Parameters: a 60-bit first prime, six 50-bit
 * primes (scale 2^50), a 61-bit special prime: 421 bits, within the 128-bit bound at N = 2^14
 * (438 bits), so security stays on. Two threads, like the rest of the suite.
 */
class InferenceThroughputTest {
  private static final int FEATURES = 18;
  private static final int ROWS = 1024;

  @Test
  void printsRowsPerSecondForEighteenFeatureLogisticScoring() {
    Parameters params = Parameters.builder().logN(14).logQ(60, 50, 50, 50, 50, 50, 50)
        .logP(61).build();
    long t0 = System.nanoTime();
    InferFixture f = new InferFixture(params, InferFixture.ROTATIONS);
    double keygen = seconds(t0);
    Layout layout = Layout.of(params, ROWS, FEATURES);
    double[][] rows = InferFixture.table(ROWS, FEATURES, 61);
    double[] w = InferFixture.weights(FEATURES, 0.4, 62);
    LogisticModel model = new LogisticModel(w);
    SigmoidApproximation sig = SigmoidApproximation.leastSquares(-8, 8, 3);
    EncryptedRowsInference inf = new EncryptedRowsInference(f.evaluator, f.encoder, layout);
    TablePacker packer = new TablePacker(f.encoder, layout);

    // warm-up on the same shapes (JIT), not timed
    Ciphertext[] warm = packer.encrypt(rows, f.pkEncryptor);
    inf.scores(warm, w, Placement.RAW);
    inf.probabilities(warm, model, sig);

    t0 = System.nanoTime();
    Ciphertext[] cts = packer.encrypt(rows, f.pkEncryptor);
    double encrypt = seconds(t0);
    t0 = System.nanoTime();
    EncryptedResult scores = inf.scores(cts, w, Placement.RAW);
    double scoring = seconds(t0);
    t0 = System.nanoTime();
    EncryptedResult probs = inf.probabilities(cts, model, sig);
    double probabilities = seconds(t0);
    OutputSanitizer sanitizer = new OutputSanitizer(f.ctx, f.pk,
        new FloodingPolicy(40, 9, ROWS), -100); // timing only; precision printed below
    t0 = System.nanoTime();
    EncryptedResult clean = sanitizer.sanitize(probs);
    double sanitising = seconds(t0);

    ResultReader reader = new ResultReader(f.encoder, f.decryptor);
    double[] expScores = new double[ROWS];
    double[] expProbs = new double[ROWS];
    for (int r = 0; r < ROWS; r++) {
      expScores[r] = model.score(rows[r]);
      expProbs[r] = sig.evaluate(expScores[r]);
    }
    PrecisionStats sp = PrecisionStats.of(expScores, reader.read(scores));
    PrecisionStats pp = PrecisionStats.of(expProbs, reader.read(probs));
    PrecisionStats cp = PrecisionStats.of(expProbs, reader.read(clean));
    System.out.printf("throughput, N = 2^14, %d rows x %d features, %d ciphertexts of %d rows,"
            + " 2 threads (keygen %.1f s):%n", ROWS, FEATURES, layout.ciphertexts(),
        layout.rowsPerCiphertext(), keygen);
    System.out.printf("  encrypt rows (client)        %8.0f rows/s  (%.3f s)%n",
        ROWS / encrypt, encrypt);
    System.out.printf("  scores (log-odds, RAW)       %8.0f rows/s  (%.3f s)  %s%n",
        ROWS / scoring, scoring, sp);
    System.out.printf("  probabilities (%s)\n                               %8.0f rows/s  (%.3f s)  %s%n", sig.name(),
        ROWS / probabilities, probabilities, pp);
    System.out.printf("  sanitise probabilities       %8.0f rows/s  (%.3f s)  %s;"
            + " expected %.1f bits at scale 2^50 with s = 40, B = 2^9, D = %d%n",
        ROWS / sanitising, sanitising, cp,
        sanitizer.expectedPrecisionBits(params.defaultScale()), ROWS);
    assertThat(sp.meanBits()).isGreaterThan(50 - 7 - 4.2 - 6);
    assertThat(pp.meanBits()).isGreaterThan(50 - 7 - 4.2 - 6 - 8);
    assertThat(clean.ciphertext(0).level()).isZero();
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
