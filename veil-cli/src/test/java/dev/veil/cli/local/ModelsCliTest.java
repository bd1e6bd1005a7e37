package dev.veil.cli.local;

import static dev.veil.cli.local.CliHarness.assertOnly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import dev.veil.api.ModelFile;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.Metrics;
import dev.veil.ml.data.Scaler;
import dev.veil.ml.data.Table;
import dev.veil.ml.plain.LinearModel;
import dev.veil.ml.plain.LinearRegression;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.NesterovLogisticRegression;
import dev.veil.ml.plain.OneVsRest;
import dev.veil.ml.plain.Sigmoid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model linear} and {@code --model ovr} through keygen, encrypt, train (evaluation keys
 * only), decrypt, predict and evaluate, against the same algorithms in double precision, and the
 * model kind checked at every step. Real 128-bit-secure keys, as in {@link WorkflowCliTest}: two
 * linear iterations (6 levels) and one one-vs-rest iteration (5 levels) both fit N = 2^14, whose
 * keys take a few seconds on two cores.
 */
class ModelsCliTest {
  static final int ROWS = 120;
  static final int TEST_ROWS = 60;
  static final int LINEAR_ITERATIONS = 2;

  @TempDir static Path shared;
  static Path linearKeys;
  static Path ovrKeys;
  static Path linearCsv;
  static Path linearTest;
  static Path classCsv;
  static Path classTest;

  @TempDir Path dir;
  private final CliHarness cli = new CliHarness();

  @BeforeAll
  static void keysAndData() throws IOException {
    linearCsv = writeLinear(shared.resolve("linear.csv"), ROWS, 1);
    linearTest = writeLinear(shared.resolve("linear-test.csv"), TEST_ROWS, 2);
    classCsv = writeClasses(shared.resolve("classes.csv"), ROWS, 3);
    classTest = writeClasses(shared.resolve("classes-test.csv"), TEST_ROWS, 4);
    CliHarness c = new CliHarness();
    linearKeys = shared.resolve("linear-keys");
    c.ok("keygen", "--model", "linear", "--out", linearKeys.toString(), "--rows", "" + ROWS,
        "--features", "3", "--iterations", "" + LINEAR_ITERATIONS);
    ovrKeys = shared.resolve("ovr-keys");
    c.ok("keygen", "--model", "ovr", "--out", ovrKeys.toString(), "--rows", "" + ROWS,
        "--features", "3", "--iterations", "1");
  }

  /** Columns a, b, c in different units, numeric label y = 3 + 2a - b + 0.5c + noise. */
  static Path writeLinear(Path file, int rows, long seed) throws IOException {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("a,b,c,y\n");
    for (int i = 0; i < rows; i++) {
      double a = 2 * r.nextDouble() - 1;
      double b = 2 * r.nextDouble() - 1;
      double c = 2 * r.nextDouble() - 1;
      double y = 3 + 2 * a - b + 0.5 * c + 0.1 * r.nextGaussian();
      sb.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f,%.5f%n", 10 * a + 3, b / 4, 100 * c,
          y));
    }
    return Files.writeString(file, sb.toString());
  }

  /** Three classes (red, green, blue) around three centres in (a, b, c), other units. */
  static Path writeClasses(Path file, int rows, long seed) throws IOException {
    Random r = new Random(seed);
    String[] names = {"red", "green", "blue"};
    double[][] centres = {{0.6, 0.5, -0.2}, {-0.5, 0.4, 0.3}, {0, -0.6, 0}};
    StringBuilder sb = new StringBuilder("a,b,c,colour\n");
    for (int i = 0; i < rows; i++) {
      int k = i % 3;
      double[] v = new double[3];
      for (int j = 0; j < 3; j++) {
        v[j] = centres[k][j] + 0.25 * r.nextGaussian();
      }
      sb.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f,%s%n", 5 * v[0], v[1] - 2,
          20 * v[2], names[k]));
    }
    return Files.writeString(file, sb.toString());
  }

  /** A directory holding only a copy of some evaluation keys: no secret key anywhere. */
  private Path node(Path keys) throws IOException {
    Path node = Files.createDirectories(dir.resolve("node"));
    Files.copy(keys.resolve("evaluation.keys"), node.resolve("evaluation.keys"));
    return node;
  }

  // ================================================================== linear

  @Test
  void linearEndToEndMatchesThePlainGradientDescent() throws IOException {
    assertThat(Files.readString(linearKeys.resolve("plan.json")))
        .contains("\"model\" : \"linear\"", "\"iterations\" : 2", "\"logN\" : 14");
    Path node = node(linearKeys);
    Path data = node.resolve("data.veil");
    assertThat(cli.ok("encrypt", "--keys", linearKeys.toString(), "--csv", linearCsv.toString(),
        "--label", "y", "--out", data.toString()))
        .contains("encrypted 120 rows x 3 features (label 'y', linear) into 2 ciphertexts");
    assertThat(Files.readString(data.resolve("meta.json")))
        .contains("\"model\" : \"linear\"", "\"offset\"", "\"scale\"");
    Path model = node.resolve("model.veil");
    assertThat(cli.ok("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--out", model.toString()))
        .contains("trained 2 iterations (linear regression, step 0.5, 3 levels each)");
    assertOnly(node, "evaluation.keys", "data.veil", "model.veil");

    Path json = dir.resolve("model.json");
    cli.ok("decrypt", "--keys", linearKeys.toString(), "--model", model.toString(), "--out",
        json.toString());
    ModelFile m = Models.readModel(json);
    assertThat(m.model()).isEqualTo("linear");

    // the same gradient descent in double precision on the same scaled rows and standardised
    // label, mapped back to the label's units
    Table t = CsvReader.defaults().withLabel("y").read(linearCsv);
    Scaler scaler = Scaler.fit(Scaler.Kind.MIN_MAX, t.features());
    double[] y = t.labels();
    double mean = java.util.Arrays.stream(y).average().orElseThrow();
    double sd = Math.sqrt(java.util.Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum()
        / y.length);
    double[] ys = java.util.Arrays.stream(y).map(v -> (v - mean) / sd).toArray();
    double[] beta = LinearRegression.defaults().withIterations(LINEAR_ITERATIONS)
        .withLearningRate(0.5).fit(scaler.transform(t.features()), ys).weights();
    double[] expected = new double[beta.length];
    for (int j = 0; j < beta.length; j++) {
      expected[j] = sd * beta[j];
    }
    expected[0] += mean;
    assertThat(m.label().offset()).isCloseTo(mean, within(1e-9));
    assertThat(m.label().scale()).isCloseTo(sd, within(1e-9));
    for (int j = 0; j < expected.length; j++) {
      assertThat(m.weights()[j]).as("weight " + j)
          .isCloseTo(expected[j], within(1e-3 * Math.abs(expected[j])));
    }

    // evaluate: RMSE and R2 of the plain model on the test rows
    LinearModel plain = new LinearModel(expected);
    Table test = CsvReader.defaults().withLabel("y").read(linearTest);
    double[] pred = plain.predict(scaler.transform(test.features()));
    String report = cli.ok("evaluate", "--model", json.toString(), "--csv", linearTest.toString());
    assertThat(report).contains("rows      60",
        String.format(Locale.ROOT, "R2        %.2f", Metrics.r2(test.labels(), pred)), "RMSE");
    double rmse = Double.parseDouble(report.lines().filter(l -> l.startsWith("RMSE"))
        .findFirst().orElseThrow().substring(4).strip());
    assertThat(rmse).isCloseTo(Metrics.rmse(test.labels(), pred), within(1e-3 * rmse));

    Path p = dir.resolve("p.csv");
    cli.ok("predict", "--model", json.toString(), "--csv", linearTest.toString(), "--out",
        p.toString());
    assertThat(CliHarness.header(p)).isEqualTo("prediction");
    List<String[]> rows = CliHarness.rows(p);
    assertThat(rows).hasSize(TEST_ROWS);
    for (int i = 0; i < TEST_ROWS; i++) {
      assertThat(Double.parseDouble(rows.get(i)[0])).isCloseTo(pred[i],
          within(1e-3 * Math.abs(pred[i]) + 1e-6));
    }
  }

  @Test
  void linearRefusesOtherKindsKeysAndLabels() throws IOException {
    Path node = node(linearKeys);
    Path data = node.resolve("data.veil");
    cli.ok("encrypt", "--keys", linearKeys.toString(), "--csv", linearCsv.toString(), "--label",
        "y", "--out", data.toString());
    // the data set is linear: training it as another kind, or with other kinds' keys, is refused
    cli.assertBadInput(cli.veil("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--model", "logistic", "--out",
        dir.resolve("m").toString()), "linear regression ('linear')", "--model linear");
    cli.assertBadInput(cli.veil("train", "--data", data.toString(), "--eval-keys",
        ovrKeys.resolve("evaluation.keys").toString(), "--out", dir.resolve("m").toString()),
        "evaluation keys made for one-vs-rest", "('ovr')", "linear regression ('linear')");
    cli.assertBadInput(cli.veil("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--degree", "5", "--out",
        dir.resolve("m").toString()), "--degree", "linear regression has no sigmoid");
    cli.assertBadInput(cli.veil("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--iterations", "3", "--out",
        dir.resolve("m").toString()), "3 iterations need 9 levels", "at most 2");
    cli.assertBadInput(cli.veil("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--learning-rate", "-1", "--out",
        dir.resolve("m").toString()), "--learning-rate must be finite and > 0");
    // a model trained on it decrypts only with linear keys
    Path model = node.resolve("model.veil");
    cli.ok("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--out", model.toString());
    cli.assertBadInput(cli.veil("decrypt", "--keys", ovrKeys.toString(), "--model",
        model.toString(), "--out", dir.resolve("m.json").toString()),
        "linear regression model ('linear')", "one-vs-rest", "wrong key directory?");
    // another linear key pair of the same parameters
    Path other = dir.resolve("other");
    cli.ok("keygen", "--model", "linear", "--out", other.toString(), "--rows", "" + ROWS,
        "--features", "3", "--iterations", "" + LINEAR_ITERATIONS);
    cli.assertBadInput(cli.veil("train", "--data", data.toString(), "--eval-keys",
        other.resolve("evaluation.keys").toString(), "--out", dir.resolve("m").toString()),
        "another key pair");
    cli.assertBadInput(cli.veil("decrypt", "--keys", other.toString(), "--model",
        model.toString(), "--out", dir.resolve("m.json").toString()), "another key pair");

    // labels: non-numeric, constant
    Path text = Files.writeString(dir.resolve("text.csv"), "a,b,c,y\n1,2,3,4\n5,6,7,high\n");
    cli.assertBadInput(cli.veil("encrypt", "--keys", linearKeys.toString(), "--csv",
        text.toString(), "--label", "y", "--out", dir.resolve("d").toString()), "text.csv",
        "'y'", "high");
    Path flat = Files.writeString(dir.resolve("flat.csv"), "a,b,c,y\n1,2,3,4\n5,6,7,4\n");
    cli.assertBadInput(cli.veil("encrypt", "--keys", linearKeys.toString(), "--csv",
        flat.toString(), "--label", "y", "--out", dir.resolve("d").toString()), "constant");
    // keygen: options that do not apply, too many iterations
    cli.assertBadInput(cli.veil("keygen", "--model", "linear", "--out",
        dir.resolve("k").toString(), "--rows", "10", "--features", "2", "--degree", "3"),
        "--degree", "linear regression has no sigmoid");
    cli.assertBadInput(cli.veil("keygen", "--model", "linear", "--out",
        dir.resolve("k").toString(), "--rows", "10", "--features", "2", "--iterations", "40"),
        "40 iterations of linear regression need 120 levels", "at most");
    cli.assertBadInput(cli.veil("keygen", "--model", "forest", "--out",
        dir.resolve("k").toString(), "--rows", "10", "--features", "2"), "forest",
        "logistic, linear, ovr, inference");
    assertOnly(dir, "node", "other", "text.csv", "flat.csv");
    assertOnly(node, "evaluation.keys", "data.veil", "model.veil");
  }

  // ================================================================== one-vs-rest

  @Test
  void ovrEndToEndPredictsLikeThePlainOneVsRest() throws IOException {
    assertThat(Files.readString(ovrKeys.resolve("plan.json"))).contains("\"model\" : \"ovr\"");
    Path node = node(ovrKeys);
    Path data = node.resolve("data.veil");
    assertThat(cli.ok("encrypt", "--keys", ovrKeys.toString(), "--csv", classCsv.toString(),
        "--label", "colour", "--out", data.toString()))
        .contains("(label 'colour', ovr) into 3 ciphertexts");
    assertThat(Files.readString(data.resolve("meta.json")))
        .contains("\"classes\" : [ \"blue\", \"green\", \"red\" ]");
    Path model = node.resolve("model.veil");
    assertThat(cli.ok("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--out", model.toString()))
        .contains("trained 1 iterations (one-vs-rest, 3 classes, sigmoid degree 3");
    assertOnly(model, "params.bin", "meta.json", "weights-c000.ct", "weights-c001.ct",
        "weights-c002.ct");
    Path json = dir.resolve("model.json");
    assertThat(cli.ok("decrypt", "--keys", ovrKeys.toString(), "--model", model.toString(),
        "--out", json.toString())).contains("3 classes [blue, green, red]");
    ModelFile m = Models.readModel(json);
    assertThat(m.classWeights()).hasNumberOfRows(3);
    assertThat(m.weights()).isNull();

    // the plain one-vs-rest with the same trainer, iterations and sigmoid
    Table t = CsvReader.defaults().withLabel("colour").read(classCsv);
    Scaler scaler = Scaler.fit(Scaler.Kind.MIN_MAX, t.features());
    OneVsRest plain = OneVsRest.fit(NesterovLogisticRegression.defaults().withIterations(1)
        .withSigmoid(Sigmoid.KIM_DEGREE_3), scaler.transform(t.features()), t.classIndices(), 3);
    for (int c = 0; c < 3; c++) {
      double[] w = ((LogisticModel) plain.classifiers().get(c)).weights();
      for (int j = 0; j < w.length; j++) {
        assertThat(m.classWeights()[c][j]).isCloseTo(w[j], within(1e-4));
      }
    }
    Table test = CsvReader.defaults().withLabel("colour").withClasses(t.classNames())
        .read(classTest);
    int[] expected = plain.predict(scaler.transform(test.features()));
    double accuracy = Metrics.accuracy(test.classIndices(), expected);
    assertThat(accuracy).isGreaterThan(0.8);

    Path p = dir.resolve("p.csv");
    cli.ok("predict", "--model", json.toString(), "--csv", classTest.toString(), "--out",
        p.toString());
    assertThat(CliHarness.header(p)).isEqualTo("predicted,p_blue,p_green,p_red");
    List<String[]> rows = CliHarness.rows(p);
    assertThat(rows).hasSize(TEST_ROWS);
    for (int i = 0; i < TEST_ROWS; i++) {
      assertThat(rows.get(i)[0]).as("row " + i).isEqualTo(t.classNames().get(expected[i]));
    }

    assertThat(cli.ok("evaluate", "--model", json.toString(), "--csv", classTest.toString()))
        .contains("rows      60", String.format(Locale.ROOT, "accuracy  %.4f", accuracy),
            "actual\\pred", "blue", "green", "red");
    String matrix = cli.out().substring(cli.out().indexOf("actual\\pred"));
    assertThat(matrix.lines()).hasSize(4);
  }

  @Test
  void ovrRefusesOneClassAndLogisticTwoClassNames() throws IOException {
    Path one = Files.writeString(dir.resolve("one.csv"), "a,b,c,colour\n1,2,3,red\n4,5,6,red\n");
    cli.assertBadInput(cli.veil("encrypt", "--keys", ovrKeys.toString(), "--csv",
        one.toString(), "--label", "colour", "--out", dir.resolve("d").toString()),
        "one.csv", "at least 2 classes");
    // a three-class table under logistic keys points at ovr
    Path logistic = dir.resolve("logistic");
    cli.ok("keygen", "--out", logistic.toString(), "--rows", "" + ROWS, "--features", "3",
        "--iterations", "1");
    cli.assertBadInput(cli.veil("encrypt", "--keys", logistic.toString(), "--csv",
        classCsv.toString(), "--label", "colour", "--out", dir.resolve("d").toString()),
        "not binary", "--model ovr");
    // an ovr data set with logistic keys' evaluation keys (same parameters: same plan)
    Path data = dir.resolve("data.veil");
    cli.ok("encrypt", "--keys", ovrKeys.toString(), "--csv", classCsv.toString(), "--label",
        "colour", "--out", data.toString());
    cli.assertBadInput(cli.veil("train", "--data", data.toString(), "--eval-keys",
        logistic.resolve("evaluation.keys").toString(), "--out", dir.resolve("m").toString()),
        "evaluation keys made for binary logistic regression ('logistic')", "('ovr')");
    cli.assertBadInput(cli.veil("train", "--data", data.toString(), "--eval-keys",
        ovrKeys.resolve("evaluation.keys").toString(), "--model", "inference", "--out",
        dir.resolve("m").toString()), "--model", "not a model to train");
    cli.assertBadInput(cli.veil("train", "--data", data.toString(), "--eval-keys",
        ovrKeys.resolve("evaluation.keys").toString(), "--learning-rate", "2", "--out",
        dir.resolve("m").toString()), "--learning-rate applies to linear regression only");
    assertOnly(dir, "one.csv", "logistic", "data.veil");
  }
}
