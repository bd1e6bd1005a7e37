package dev.veil.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.Folds;
import dev.veil.ml.data.Metrics;
import dev.veil.ml.data.Scaler;
import dev.veil.ml.data.SharedDatasets;
import dev.veil.ml.data.Table;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.NesterovLogisticRegression;
import dev.veil.ml.plain.OneVsRest;
import dev.veil.ml.plain.Sigmoid;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Encrypted one-vs-rest on iris against {@link OneVsRest} over the plain Nesterov trainer.
 *
 * <p>Parameters: N = 2^12, primes 60 + 10 x 40, special prime 61: log2(QP) = 521 bits, far above
 * the 128-bit bound of 109 bits at N = 2^12, hence {@code securityOff()}. Test-only: ten levels at
 * scale 2^40 (two iterations of five levels with the degree-3 sigmoid), fast enough for two
 * shared cores; 120 training rows x 4 features fit one ciphertext.
 */
class EncryptedOneVsRestTest {
  static final Parameters PARAMS = Parameters.builder().logN(12)
      .logQ(60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40).logP(61).securityOff().build();
  static final int ITERATIONS = 2;

  @Test
  void irisMatchesPlainOneVsRest() throws IOException {
    var file = SharedDatasets.file("iris.csv");
    Assumptions.assumeTrue(file.isPresent(), SharedDatasets.missing("iris.csv"));
    Table iris = CsvReader.defaults().withLabel("species").read(file.get());
    int k = iris.numClasses();
    // seeded, stratified 80/20 split: fold 0 of 5 is held out
    Folds folds = Folds.of(iris, 5, 42);
    Table train = iris.select(folds.train(0));
    Table test = iris.select(folds.test(0));
    Scaler scaler = Scaler.fit(Scaler.Kind.MIN_MAX, train);
    double[][] xTrain = scaler.transform(train.features());
    double[][] xTest = scaler.transform(test.features());
    int[] cTrain = train.classIndices();
    int[] cTest = test.classIndices();
    int d = xTrain[0].length;

    // plain reference: same sigmoid, iterations, learning rate (Kim's 10/(t+1)), no L2, lambda0 0
    NesterovLogisticRegression plainTrainer = NesterovLogisticRegression.defaults()
        .withIterations(ITERATIONS).withSigmoid(Sigmoid.KIM_DEGREE_3);
    OneVsRest plain = OneVsRest.fit(plainTrainer, xTrain, cTrain, k);

    long start = System.nanoTime();
    TrainingPlan plan = Planner.logistic(xTrain.length, d).withIterations(ITERATIONS)
        .withParameters(PARAMS).plan();
    TrainFixture f = new TrainFixture(PARAMS, plan.rotations());
    // data owner
    Ciphertext[][] z = EncryptedOneVsRest.encrypt(EncryptedOneVsRest.designs(xTrain, cTrain, k),
        plan, f.encoder, f.encryptor);
    // untrusted node
    EncryptedOneVsRest.Result result = new EncryptedOneVsRest(f.evaluator, f.encoder, plan).train(z);
    // key holder
    OneVsRest model = EncryptedOneVsRest.decrypt(result, f.encoder, f.decryptor, d);
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(model.numClasses()).isEqualTo(k);
    // CKKS error: 2^-40 per slot, grown by sqrt(N), by the n rows summed into the gradient and by
    // the depth (as in EncryptedLogisticRegressionTest), and by the first step size alpha_0 = 10,
    // which multiplies the noise of the sigmoid's input and output (measured errors 3-5.4e-8
    // against a bound of 7e-8 without that factor: too close for random keys)
    double tol = plan.learningRate().at(0) * Math.pow(2, -40 + PARAMS.logN() / 2.0
        + log2(xTrain.length) + log2(plan.totalLevels()));
    double err = 0;
    for (int c = 0; c < k; c++) {
      double[] expected = ((LogisticModel) plain.classifiers().get(c)).weights();
      double[] got = ((LogisticModel) model.classifiers().get(c)).weights();
      for (int j = 0; j <= d; j++) {
        err = Math.max(err, Math.abs(got[j] - expected[j]));
      }
      assertThat(result.perClass().get(c).report().levelsUsed()).isEqualTo(plan.totalLevels());
    }
    double accE = Metrics.accuracy(cTest, model.predict(xTest));
    double accP = Metrics.accuracy(cTest, plain.predict(xTest));
    System.out.printf(Locale.ROOT, "iris one-vs-rest (%d it, %d held-out rows): encrypted %.4f,"
        + " plain %.4f; max weight error %.3g (tol %.3g); %.1f s for keys + %d trainings%n",
        ITERATIONS, cTest.length, accE, accP, err, tol, seconds, k);
    for (int c = 0; c < k; c++) {
      System.out.printf(Locale.ROOT, "  class %s: %s%n", iris.classNames().get(c),
          Arrays.toString(((LogisticModel) model.classifiers().get(c)).weights()));
    }
    assertThat(err).isLessThan(tol);
    assertThat(Math.abs(accE - accP)).isLessThanOrEqualTo(0.02);
    // scores argmax agrees with the plain probabilities' argmax on every held-out row
    assertThat(model.predict(xTest)).containsExactly(plain.predict(xTest));
  }

  @Test
  void designsAreSignedPerClass() {
    double[][] x = {{1, 2}, {3, 4}, {5, 6}};
    double[][][] z = EncryptedOneVsRest.designs(x, new int[] {0, 1, 2}, 3);
    assertThat(z.length).isEqualTo(3);
    assertThat(z[1][0]).containsExactly(-1, -1, -2);
    assertThat(z[1][1]).containsExactly(1, 3, 4);
    assertThat(z[1][2]).containsExactly(-1, -5, -6);
    assertThatThrownBy(() -> EncryptedOneVsRest.designs(x, new int[] {0, 0, 2}, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class 1");
    assertThatThrownBy(() -> EncryptedOneVsRest.designs(x, new int[] {0, 1, 3}, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void modelPredictsArgmaxLowestOnTies() {
    OneVsRest m = OneVsRest.of(java.util.List.of(new LogisticModel(new double[] {0, 1}),
        new LogisticModel(new double[] {0, 1}), new LogisticModel(new double[] {0, -1})));
    assertThat(m.predict(new double[] {2})).isEqualTo(0);
    assertThat(m.predict(new double[] {-2})).isEqualTo(2);
  }

  static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }
}
