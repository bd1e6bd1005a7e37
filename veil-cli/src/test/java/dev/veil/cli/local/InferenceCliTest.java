package dev.veil.cli.local;

import static dev.veil.cli.local.CliHarness.assertOnly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.veil.api.Label;
import dev.veil.api.ModelFile;
import dev.veil.api.PredictionsInfo;
import dev.veil.api.Scaling;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.Scaler;
import dev.veil.ml.data.Table;
import dev.veil.ml.plain.LinearRegression;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.NesterovLogisticRegression;
import dev.veil.ml.plain.OneVsRest;
import dev.veil.ml.plain.Sigmoid;
import dev.veil.ml.poly.SigmoidApproximation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted inference from files: the row owner's keygen --model inference and encrypt --schema,
 * the model holder's schema and predict --data (evaluation keys only, sanitised results), the row
 * owner's decrypt --predictions; against the plaintext models. The models are plaintext
 * model.json files trained here in double precision (encrypted training is {@link
 * ModelsCliTest}'s). Keys: 128-bit secure, N = 2^14 (5 levels at scale 2^58 for probabilities, 2
 * at 2^55 for scores), a relinearisation key and no Galois key: well under a second each.
 */
class InferenceCliTest {
  static final int ROWS = 120;
  static final int TEST_ROWS = 80;

  @TempDir static Path shared;
  static Path probabilityKeys;
  static Path scoreKeys;
  static Path trainCsv;
  static Path testCsv;
  static Path logisticJson;
  static LogisticModel logistic;
  static Scaler scaler;

  @TempDir Path dir;
  private final CliHarness cli = new CliHarness();

  @BeforeAll
  static void keysAndModel() throws IOException {
    trainCsv = shared.resolve("train.csv");
    testCsv = shared.resolve("test.csv");
    WorkflowCliTest.writeData(trainCsv, ROWS, 1);
    WorkflowCliTest.writeData(testCsv, TEST_ROWS, 2);
    // the model holder's logistic model, trained in clear
    Table t = CsvReader.defaults().withLabel("y").withFeatures("a", "b", "c").read(trainCsv);
    scaler = Scaler.fit(Scaler.Kind.MIN_MAX, t.features());
    logistic = NesterovLogisticRegression.defaults().withIterations(7)
        .fit(scaler.transform(t.features()), t.labels());
    logisticJson = shared.resolve("logistic.json");
    Store.writeJson(logisticJson, new ModelFile(ModelFile.FORMAT, "logistic",
        List.of("a", "b", "c"), new Label("y", null), Scaling.of(scaler),
        logistic.weights(), null, null));
    CliHarness c = new CliHarness();
    probabilityKeys = shared.resolve("keys");
    assertThat(c.ok("keygen", "--model", "inference", "--out", probabilityKeys.toString(),
        "--features", "3")).contains("inference (probabilities, sigmoid degree 3) on up to 3"
        + " features, 8192 rows per batch: N = 2^14, 5 levels, 0 rotations");
    scoreKeys = shared.resolve("score-keys");
    assertThat(c.ok("keygen", "--model", "inference", "--out", scoreKeys.toString(),
        "--features", "3", "--output", "scores")).contains("N = 2^14, 2 levels");
  }

  /** What the model holder has: the model and a copy of the row owner's evaluation keys. */
  private Path node(Path keys) throws IOException {
    Path node = Files.createDirectories(dir.resolve("node"));
    Files.copy(keys.resolve("evaluation.keys"), node.resolve("evaluation.keys"));
    return node;
  }

  private Path schema(Path model) {
    Path s = dir.resolve("schema.json");
    cli.ok("schema", "--model", model.toString(), "--out", s.toString());
    return s;
  }

  private double[][] scaledTestRows() throws IOException {
    Table test = CsvReader.defaults().withLabel("y").withFeatures("a", "b", "c").read(testCsv);
    return scaler.transform(test.features());
  }

  @Test
  void probabilitiesOfEncryptedRowsMatchThePlainModel() throws IOException {
    // model holder: the schema, no weights
    Path schema = schema(logisticJson);
    assertThat(Files.readString(schema)).contains("veil-schema/1", "\"featureNames\"", "MIN_MAX")
        .doesNotContain("weights");
    // row owner: rows scaled with the schema's scaler, encrypted feature-major
    Path rows = dir.resolve("rows.veil");
    assertThat(cli.ok("encrypt", "--keys", probabilityKeys.toString(), "--csv",
        testCsv.toString(), "--schema", schema.toString(), "--out", rows.toString()))
        .contains("encrypted 80 rows x 3 features for inference (probabilities) into 1 batches");
    assertOnly(rows, "meta.json", "params.bin", "public.key", "x-00000-0000.ct",
        "x-00000-0001.ct", "x-00000-0002.ct");
    // model holder: evaluation keys and the rows, no secret key
    Path node = node(probabilityKeys);
    Path preds = node.resolve("preds.veil");
    assertThat(cli.ok("predict", "--model", logisticJson.toString(), "--data", rows.toString(),
        "--eval-keys", node.resolve("evaluation.keys").toString(), "--result-budget", "4",
        "--out", preds.toString()))
        .contains("probabilities of 80 encrypted rows (1 result ciphertexts, sanitised");
    assertOnly(node, "evaluation.keys", "preds.veil");
    assertOnly(preds, "meta.json", "out-000-00000.ct");
    PredictionsInfo info = Store.readJson(preds.resolve("meta.json"), PredictionsInfo.class);
    assertThat(info.sanitizer().resultBudget()).isEqualTo(4);
    assertThat(info.sanitizer().expectedPrecisionBits()).isGreaterThan(12);
    // row owner
    Path csv = dir.resolve("p.csv");
    assertThat(cli.ok("decrypt", "--keys", probabilityKeys.toString(), "--predictions",
        preds.toString(), "--out", csv.toString())).contains("decrypted 80 predictions");
    assertThat(CliHarness.header(csv)).isEqualTo("probability,predicted");
    List<String[]> got = CliHarness.rows(csv);
    assertThat(got).hasSize(TEST_ROWS);
    // the plain model through the same polynomial sigmoid (Kim et al.'s degree 3 on [-8, 8])
    SigmoidApproximation sig = SigmoidApproximation.kimEtAl(3);
    double[][] x = scaledTestRows();
    for (int i = 0; i < TEST_ROWS; i++) {
      double expected = Math.min(1, Math.max(0, sig.evaluate(logistic.score(x[i]))));
      double p = Double.parseDouble(got.get(i)[0]);
      assertThat(p).as("row " + i).isCloseTo(expected, within(1e-3));
      if (Math.abs(expected - 0.5) > 2e-3) {
        assertThat(got.get(i)[1]).isEqualTo(logistic.probability(x[i]) >= 0.5 ? "1" : "0");
      }
    }
  }

  @Test
  void scoresGiveExactSigmoidProbabilitiesAndLinearPredictions() throws IOException {
    Path rows = dir.resolve("rows.veil");
    cli.ok("encrypt", "--keys", scoreKeys.toString(), "--csv", testCsv.toString(), "--schema",
        logisticJson.toString(), "--out", rows.toString());
    // scores need no evaluation key at all
    Path preds = dir.resolve("preds.veil");
    cli.ok("predict", "--model", logisticJson.toString(), "--data", rows.toString(),
        "--result-budget", "4", "--out", preds.toString());
    Path csv = dir.resolve("p.csv");
    cli.ok("decrypt", "--keys", scoreKeys.toString(), "--predictions", preds.toString(),
        "--out", csv.toString());
    Path plainCsv = dir.resolve("plain.csv");
    cli.ok("predict", "--model", logisticJson.toString(), "--csv", testCsv.toString(), "--out",
        plainCsv.toString());
    List<String[]> got = CliHarness.rows(csv);
    List<String[]> plain = CliHarness.rows(plainCsv);
    assertThat(CliHarness.header(csv)).isEqualTo(CliHarness.header(plainCsv));
    for (int i = 0; i < TEST_ROWS; i++) {
      assertThat(Double.parseDouble(got.get(i)[0])).as("row " + i)
          .isCloseTo(Double.parseDouble(plain.get(i)[0]), within(1e-3));
    }

    // a linear model (weights in the label's units) on the same encrypted rows: the model holder
    // computes standardised predictions, the row owner maps them back
    Table t = CsvReader.defaults().withLabel("y").withFeatures("a", "b", "c").read(trainCsv);
    double[] y = new double[t.rows()];
    for (int i = 0; i < y.length; i++) {
      y[i] = 2 + 0.5 * t.get(i, 1) - 0.01 * t.get(i, 2); // a made-up target in other units
    }
    double[] beta = LinearRegression.defaults().withIterations(50)
        .fit(scaler.transform(t.features()), y).weights();
    Path linearJson = dir.resolve("linear.json");
    Store.writeJson(linearJson, new ModelFile(ModelFile.FORMAT, "linear",
        List.of("a", "b", "c"), new Label("target", null, 2.0, 0.6), Scaling.of(scaler),
        beta, null, null));
    Path linearPreds = dir.resolve("linear.veil");
    cli.ok("predict", "--model", linearJson.toString(), "--data", rows.toString(),
        "--result-budget", "4", "--out", linearPreds.toString());
    Path linearCsv = dir.resolve("linear.csv");
    cli.ok("decrypt", "--keys", scoreKeys.toString(), "--predictions", linearPreds.toString(),
        "--out", linearCsv.toString());
    assertThat(CliHarness.header(linearCsv)).isEqualTo("prediction");
    PredictionsInfo info = Store.readJson(linearPreds.resolve("meta.json"),
        PredictionsInfo.class);
    // 7 standard deviations of the flooding error, in the label's units (scale 0.6)
    double tolerance = 7 * 0.6 * Math.pow(2, -info.sanitizer().expectedPrecisionBits() - 0.5);
    double[][] x = scaledTestRows();
    List<String[]> lin = CliHarness.rows(linearCsv);
    for (int i = 0; i < TEST_ROWS; i++) {
      assertThat(Double.parseDouble(lin.get(i)[0])).as("row " + i)
          .isCloseTo(new dev.veil.ml.plain.LinearModel(beta).predict(x[i]), within(tolerance));
    }
  }

  @Test
  void rowsSpanningTwoBatchesComeBackInOrder() throws IOException {
    int n = 8192 + 100;
    Path many = dir.resolve("many.csv");
    WorkflowCliTest.writeData(many, n, 3);
    Path rows = dir.resolve("rows.veil");
    assertThat(cli.ok("encrypt", "--keys", scoreKeys.toString(), "--csv", many.toString(),
        "--schema", logisticJson.toString(), "--out", rows.toString()))
        .contains("into 2 batches of up to 8192 rows");
    Path preds = dir.resolve("preds.veil");
    cli.ok("predict", "--model", logisticJson.toString(), "--data", rows.toString(),
        "--result-budget", "2", "--out", preds.toString());
    assertOnly(preds, "meta.json", "out-000-00000.ct", "out-000-00001.ct");
    Path csv = dir.resolve("p.csv");
    cli.ok("decrypt", "--keys", scoreKeys.toString(), "--predictions", preds.toString(),
        "--out", csv.toString());
    Path plainCsv = dir.resolve("plain.csv");
    cli.ok("predict", "--model", logisticJson.toString(), "--csv", many.toString(), "--out",
        plainCsv.toString());
    List<String[]> got = CliHarness.rows(csv);
    List<String[]> plain = CliHarness.rows(plainCsv);
    assertThat(got).hasSize(n);
    for (int i = 0; i < n; i += i < 8180 ? 97 : 1) {
      assertThat(Double.parseDouble(got.get(i)[0])).as("row " + i)
          .isCloseTo(Double.parseDouble(plain.get(i)[0]), within(1e-3));
    }
  }

  @Test
  void oneVsRestGivesEveryClassAProbability() throws IOException {
    Table t = CsvReader.defaults().withLabel("cls").withFeatures("a", "b", "c").read(trainCsv);
    OneVsRest ovr = OneVsRest.fit(NesterovLogisticRegression.defaults().withIterations(3)
        .withSigmoid(Sigmoid.KIM_DEGREE_3), scaler.transform(t.features()), t.classIndices(), 2);
    double[][] cw = new double[2][];
    for (int c = 0; c < 2; c++) {
      cw[c] = ((LogisticModel) ovr.classifiers().get(c)).weights();
    }
    Path json = dir.resolve("ovr.json");
    Store.writeJson(json, new ModelFile(ModelFile.FORMAT, "ovr", List.of("a", "b", "c"),
        new Label("cls", t.classNames()), Scaling.of(scaler), null, cw, null));
    Path rows = dir.resolve("rows.veil");
    cli.ok("encrypt", "--keys", probabilityKeys.toString(), "--csv", testCsv.toString(),
        "--schema", schema(json).toString(), "--out", rows.toString());
    Path preds = dir.resolve("preds.veil");
    // two results (one per class): a budget of 1 is refused before any work
    cli.assertBadInput(cli.veil("predict", "--model", json.toString(), "--data",
        rows.toString(), "--eval-keys", probabilityKeys.resolve("evaluation.keys").toString(),
        "--result-budget", "1", "--out", preds.toString()), "2 result ciphertexts",
        "--result-budget 1");
    assertThat(preds).doesNotExist();
    cli.ok("predict", "--model", json.toString(), "--data", rows.toString(), "--eval-keys",
        probabilityKeys.resolve("evaluation.keys").toString(), "--result-budget", "8", "--out",
        preds.toString());
    Path csv = dir.resolve("p.csv");
    cli.ok("decrypt", "--keys", probabilityKeys.toString(), "--predictions", preds.toString(),
        "--out", csv.toString());
    assertThat(CliHarness.header(csv)).isEqualTo("predicted,p_no,p_yes");
    SigmoidApproximation sig = SigmoidApproximation.kimEtAl(3);
    double[][] x = scaledTestRows();
    List<String[]> got = CliHarness.rows(csv);
    for (int i = 0; i < TEST_ROWS; i++) {
      double[] expected = new double[2];
      for (int c = 0; c < 2; c++) {
        expected[c] = sig.evaluate(((LogisticModel) ovr.classifiers().get(c)).score(x[i]));
        assertThat(Double.parseDouble(got.get(i)[c + 1])).isCloseTo(expected[c], within(1e-3));
      }
      if (Math.abs(expected[0] - expected[1]) > 4e-3) {
        assertThat(got.get(i)[0]).isEqualTo(expected[1] > expected[0] ? "yes" : "no");
      }
    }
  }

  @Test
  void wrongKeysKindsAndColumnsAreRefused() throws IOException {
    Path schema = schema(logisticJson);
    Path rows = dir.resolve("rows.veil");
    // rows need inference keys and a schema; inference keys need a schema
    Path training = dir.resolve("training-keys");
    cli.ok("keygen", "--out", training.toString(), "--rows", "" + ROWS, "--features", "3",
        "--iterations", "1");
    cli.assertBadInput(cli.veil("encrypt", "--keys", training.toString(), "--csv",
        testCsv.toString(), "--schema", schema.toString(), "--out", rows.toString()),
        "made for training", "--model inference");
    cli.assertBadInput(cli.veil("encrypt", "--keys", probabilityKeys.toString(), "--csv",
        trainCsv.toString(), "--label", "y", "--out", rows.toString()), "encrypted inference",
        "--schema");
    cli.assertBadInput(cli.veil("encrypt", "--keys", probabilityKeys.toString(), "--csv",
        testCsv.toString(), "--schema", schema.toString(), "--label", "y", "--out",
        rows.toString()), "--label", "does not apply with --schema");
    // a missing column
    Path partial = Files.writeString(dir.resolve("partial.csv"), "a,c\n1,2\n3,4\n");
    cli.assertBadInput(cli.veil("encrypt", "--keys", probabilityKeys.toString(), "--csv",
        partial.toString(), "--schema", schema.toString(), "--out", rows.toString()),
        "partial.csv", "'b'");
    // too many features for the keys
    Path narrow = dir.resolve("narrow");
    cli.ok("keygen", "--model", "inference", "--out", narrow.toString(), "--features", "2");
    cli.assertBadInput(cli.veil("encrypt", "--keys", narrow.toString(), "--csv",
        testCsv.toString(), "--schema", schema.toString(), "--out", rows.toString()),
        "too many features", "3 features", "at most 2");
    // options that do not apply to inference keys
    cli.assertBadInput(cli.veil("keygen", "--model", "inference", "--out",
        dir.resolve("k").toString(), "--features", "3", "--rows", "10"), "--rows");
    cli.assertBadInput(cli.veil("keygen", "--model", "inference", "--out",
        dir.resolve("k").toString(), "--features", "3", "--output", "scores", "--degree", "5"),
        "--degree", "scores need no sigmoid");
    cli.assertBadInput(cli.veil("keygen", "--out", dir.resolve("k").toString(), "--features",
        "3"), "--rows");

    cli.ok("encrypt", "--keys", probabilityKeys.toString(), "--csv", testCsv.toString(),
        "--schema", schema.toString(), "--out", rows.toString());
    Path preds = dir.resolve("preds.veil");
    String evk = probabilityKeys.resolve("evaluation.keys").toString();
    // a training data set is not rows; probabilities need the evaluation keys
    cli.assertBadInput(cli.veil("predict", "--model", logisticJson.toString(), "--data",
        trainCsv.toString(), "--eval-keys", evk, "--out", preds.toString()), "not a directory");
    cli.assertBadInput(cli.veil("predict", "--model", logisticJson.toString(), "--data",
        rows.toString(), "--out", preds.toString()), "--eval-keys",
        "relinearisation key");
    // evaluation keys of another key pair, of other parameters
    Path other = dir.resolve("other");
    cli.ok("keygen", "--model", "inference", "--out", other.toString(), "--features", "3");
    cli.assertBadInput(cli.veil("predict", "--model", logisticJson.toString(), "--data",
        rows.toString(), "--eval-keys", other.resolve("evaluation.keys").toString(), "--out",
        preds.toString()), "another key pair");
    cli.assertBadInput(cli.veil("predict", "--model", logisticJson.toString(), "--data",
        rows.toString(), "--eval-keys", training.resolve("evaluation.keys").toString(), "--out",
        preds.toString()), "evaluation keys made for binary logistic regression",
        "encrypted inference");
    // a model whose scaler differs from the one the rows were scaled with; a linear model on
    // probability keys
    Path maxAbs = dir.resolve("max-abs.json");
    Table t = CsvReader.defaults().withLabel("y").withFeatures("a", "b", "c").read(trainCsv);
    Store.writeJson(maxAbs, new ModelFile(ModelFile.FORMAT, "logistic", List.of("a", "b", "c"),
        new Label("y", null), Scaling.of(Scaler.fit(Scaler.Kind.MAX_ABS,
            t.features())), logistic.weights(), null, null));
    cli.assertBadInput(cli.veil("predict", "--model", maxAbs.toString(), "--data",
        rows.toString(), "--eval-keys", evk, "--out", preds.toString()), "another scaler",
        "veil schema");
    Path linear = dir.resolve("linear.json");
    Store.writeJson(linear, new ModelFile(ModelFile.FORMAT, "linear", List.of("a", "b", "c"),
        new Label("t", null, 0.0, 1.0), Scaling.of(scaler), logistic.weights(), null,
        null));
    cli.assertBadInput(cli.veil("predict", "--model", linear.toString(), "--data",
        rows.toString(), "--eval-keys", evk, "--out", preds.toString()), "linear regression",
        "--output scores");
    Path wrongCols = dir.resolve("ba.json");
    Store.writeJson(wrongCols, new ModelFile(ModelFile.FORMAT, "logistic",
        List.of("b", "a", "c"), new Label("y", null), Scaling.of(scaler),
        logistic.weights(), null, null));
    cli.assertBadInput(cli.veil("predict", "--model", wrongCols.toString(), "--data",
        rows.toString(), "--eval-keys", evk, "--out", preds.toString()), "[a, b, c]",
        "[b, a, c]");
    assertThat(preds).doesNotExist();

    // predictions decrypted with the wrong keys
    cli.ok("predict", "--model", logisticJson.toString(), "--data", rows.toString(),
        "--eval-keys", evk, "--out", preds.toString());
    Path csv = dir.resolve("p.csv");
    cli.assertBadInput(cli.veil("decrypt", "--keys", other.toString(), "--predictions",
        preds.toString(), "--out", csv.toString()), "another key pair", "wrong key directory?");
    cli.assertBadInput(cli.veil("decrypt", "--keys", scoreKeys.toString(), "--predictions",
        preds.toString(), "--out", csv.toString()), "made for other parameters");
    cli.assertBadInput(cli.veil("decrypt", "--keys", training.toString(), "--predictions",
        preds.toString(), "--out", csv.toString()), "made for training");
    cli.assertBadInput(cli.veil("decrypt", "--keys", probabilityKeys.toString(), "--predictions",
        preds.toString(), "--model", preds.toString(), "--out", csv.toString()),
        "exactly one of --model");
    assertThat(csv).doesNotExist();
    // a schema is not a model
    cli.assertBadInput(cli.veil("predict", "--model", schema.toString(), "--csv",
        testCsv.toString(), "--out", csv.toString()), "schema", "no weights");
    assertOnly(dir, "schema.json", "rows.veil", "training-keys", "partial.csv", "narrow",
        "other", "max-abs.json", "linear.json", "ba.json", "preds.veil");
  }
}
