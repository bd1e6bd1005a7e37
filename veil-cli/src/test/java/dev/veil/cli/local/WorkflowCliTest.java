package dev.veil.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import dev.veil.api.DataInfo;
import dev.veil.api.ModelFile;
import dev.veil.cli.VeilCli;
import dev.veil.cli.core.CliContext;
import dev.veil.he.io.DecryptionBudget;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.Metrics;
import dev.veil.ml.data.Scaler;
import dev.veil.ml.data.Table;
import dev.veil.ml.plain.CertifiedNesterov;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.NesterovLogisticRegression;
import dev.veil.ml.plain.Sigmoid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keygen, encrypt, train, decrypt, predict, evaluate and demo through picocli's {@code execute},
 * with captured streams. The keys are real 128-bit-secure ones: the smallest plan (one iteration,
 * five levels) gets N = 2^14, whose keys take about two seconds on two cores.
 */
class WorkflowCliTest {
  static final int ROWS = 120;
  static final int TEST_ROWS = 80;

  @TempDir static Path shared;
  static Path keys;
  static Path trainCsv;
  static Path testCsv;

  @TempDir Path dir;
  private ByteArrayOutputStream out;
  private ByteArrayOutputStream err;

  @BeforeAll
  static void keysAndData() throws IOException {
    trainCsv = shared.resolve("train.csv");
    testCsv = shared.resolve("test.csv");
    writeData(trainCsv, ROWS, 1);
    writeData(testCsv, TEST_ROWS, 2);
    keys = shared.resolve("keys");
    int rc = run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "keygen", "--out",
        keys.toString(), "--rows", "" + ROWS, "--features", "3", "--iterations", "1");
    assertThat(rc).isZero();
  }

  @BeforeEach
  void streams() {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
  }

  /** Columns a, b, c in different units, label y (yes/no classes in column "cls"). */
  static void writeData(Path file, int rows, long seed) throws IOException {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("a,b,note,c,y,cls\n");
    for (int i = 0; i < rows; i++) {
      double a = 2 * r.nextDouble() - 1;
      double b = 2 * r.nextDouble() - 1;
      double c = 2 * r.nextDouble() - 1;
      double s = 2.5 * a - 1.5 * b + 0.8 * c + 0.3 * r.nextGaussian();
      int y = s > 0 ? 1 : 0;
      sb.append(String.format(Locale.ROOT, "%.5f,%.5f,\"n, %d\",%.5f,%d,%s%n", 10 * a + 3,
          b / 4, i, 100 * c, y, y == 1 ? "yes" : "no"));
    }
    Files.writeString(file, sb.toString());
  }

  static int run(ByteArrayOutputStream o, ByteArrayOutputStream e, String... args) {
    CliContext context = new CliContext(new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8));
    return VeilCli.commandLine(context).execute(args);
  }

  private int veil(String... args) {
    out.reset();
    err.reset();
    return run(out, err, args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Exit code 2 and one line on standard error naming the problem, no stack trace. */
  private void assertBadInput(int rc, String... mentions) {
    assertThat(rc).as(err()).isEqualTo(2);
    assertThat(err().lines().filter(l -> !l.isBlank())).as(err()).hasSize(1);
    assertThat(err()).startsWith("veil ").contains(mentions)
        .doesNotContain("Exception", "\tat ");
  }

  /** Only the named entries in {@code d}: no temporary or half-written files. */
  private static void assertOnly(Path d, String... names) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(names);
    }
  }

  /** A node directory holding only a copy of the evaluation keys: no secret key anywhere. */
  private Path node() throws IOException {
    Path node = Files.createDirectories(dir.resolve("node"));
    Files.copy(keys.resolve("evaluation.keys"), node.resolve("evaluation.keys"));
    return node;
  }

  private Path encrypted(Path node) {
    Path data = node.resolve("data.veil");
    assertThat(veil("encrypt", "--keys", keys.toString(), "--csv", trainCsv.toString(),
        "--label", "y", "--features", "a,b,c", "--out", data.toString())).as(err()).isZero();
    return data;
  }

  @Test
  void keygenWritesTheSecretKeyApartFromThePublicFiles() throws IOException {
    assertOnly(keys, "secret.key", "public.key", "evaluation.keys", "params.bin", "plan.json",
        "decryptions.json");
    assertThat(DecryptionBudget.open(keys).limit()).isEqualTo(Keys.DEFAULT_SHARED_DECRYPTIONS);
    assertThat(DecryptionBudget.open(keys).securityBits())
        .isEqualTo(FloodingPolicy.DEFAULT_SECURITY_BITS);
    assertThat(DecryptionBudget.SECRET_KEY_FILE).isEqualTo(Workflow.SECRET_KEY);
    assertThat(Files.readString(keys.resolve("plan.json")))
        .contains("\"rows\" : 120", "\"features\" : 3", "\"logN\" : 14", "rotations")
        .doesNotContain("secret");
  }

  @Test
  void endToEndMatchesThePlainAlgorithm() throws IOException {
    Path node = node();
    Path data = encrypted(node);
    assertThat(out()).contains("encrypted 120 rows x 3 features");
    assertThat(Files.readString(data.resolve("meta.json")))
        .contains("\"featureNames\" : [ \"a\", \"b\", \"c\" ]", "MIN_MAX", "offsets");

    Path model = node.resolve("model.veil");
    assertThat(veil("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--out", model.toString()))
        .as(err()).isZero();
    assertThat(out()).contains("trained 1 iterations");
    assertOnly(node, "evaluation.keys", "data.veil", "model.veil");

    Path modelJson = dir.resolve("model.json");
    assertThat(veil("decrypt", "--keys", keys.toString(), "--model", model.toString(), "--out",
        modelJson.toString())).as(err()).isZero();
    ModelFile m = Models.readModel(modelJson);

    // the plain twin veil encrypt certified (CertifiedNesterov) on the same scaled rows; decrypt
    // mapped the weights back to the scaler's coordinates and dropped the standardisation
    Table t = CsvReader.defaults().withLabel("y").withFeatures("a", "b", "c").read(trainCsv);
    Scaler scaler = Scaler.fit(Scaler.Kind.MIN_MAX, t.features());
    CertifiedNesterov.Prepared prep =
        CertifiedNesterov.prepare(scaler.transform(t.features()), t.labels(), 3, 1);
    LogisticModel plain = prep.toCaller(prep.weights());
    for (int j = 0; j < 4; j++) {
      assertThat(m.weights()[j]).isCloseTo(plain.weights()[j], within(1e-4));
    }
    assertThat(m.scaler().standardisation()).isNull();
    assertThat(m.scaler().kind()).isEqualTo("MIN_MAX");
    DataInfo info = Encryption.readDataInfo(data);
    assertThat(info.schedule().bound()).isEqualTo(prep.bound());
    assertThat(info.schedule().maxInnerProduct()).isLessThanOrEqualTo(info.schedule().bound());
    assertThat(info.schedule().sigmoid()).isEqualTo(prep.sigmoid().name());
    assertThat(info.scaler().standardisation().offset()).containsExactly(prep.offset());

    assertThat(veil("evaluate", "--model", modelJson.toString(), "--csv", testCsv.toString()))
        .as(err()).isZero();
    Table test = CsvReader.defaults().withLabel("y").withFeatures("a", "b", "c").read(testCsv);
    double[] pp = new double[TEST_ROWS];
    for (int i = 0; i < TEST_ROWS; i++) {
      pp[i] = plain.probability(scaler.transform(test.row(i)));
    }
    double plainAccuracy = Metrics.accuracy(test.labels(), pp, 0.5);
    assertThat(plainAccuracy).isGreaterThan(0.75);
    assertThat(out()).contains(String.format(Locale.ROOT, "accuracy  %.4f", plainAccuracy),
        String.format(Locale.ROOT, "AUC       %.4f", Metrics.auc(test.labels(), pp)),
        String.format(Locale.ROOT, "log-loss  %.4f", Metrics.logLoss(test.labels(), pp)),
        "actual\\pred");

    Path predictions = dir.resolve("p.csv");
    assertThat(veil("predict", "--model", modelJson.toString(), "--csv", testCsv.toString(),
        "--out", predictions.toString())).as(err()).isZero();
    List<String> lines = Files.readAllLines(predictions);
    assertThat(lines).hasSize(TEST_ROWS + 1).first().isEqualTo("probability,predicted");
    assertThat(Double.parseDouble(lines.get(1).split(",")[0])).isCloseTo(pp[0], within(1e-4));
  }

  /**
   * {@code veil decrypt} exact (says so, records it) and {@code --for-sharing} (flooded, charged
   * to the key's persisted budget before the file is written, refused when spent, when the budget
   * file is missing, and below the precision floor); {@code veil model publish} refuses the exact
   * file before it contacts any server.
   */
  @Test
  void decryptForSharingFloodsAndChargesTheKeysBudget() throws IOException {
    // keys for a model to share: a 50-bit scale (the flooding costs about 20 bits)
    Path keys = dir.resolve("keys50");
    assertThat(veil("keygen", "--out", keys.toString(), "--rows", "" + ROWS, "--features", "3",
        "--iterations", "1", "--scale-bits", "50", "--shared-decryptions", "8")).as(err())
        .isZero();
    assertThat(out()).contains("decryption budget: 8 shared decryptions, flooded at s = 30 bits");
    Path node = Files.createDirectories(dir.resolve("node"));
    Files.copy(keys.resolve("evaluation.keys"), node.resolve("evaluation.keys"));
    Path data = node.resolve("data.veil");
    assertThat(veil("encrypt", "--keys", keys.toString(), "--csv", trainCsv.toString(),
        "--label", "y", "--features", "a,b,c", "--out", data.toString())).as(err()).isZero();
    Path model = node.resolve("model.veil");
    assertThat(veil("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--out", model.toString()))
        .as(err()).isZero();
    Path exact = dir.resolve("exact.json");
    assertThat(veil("decrypt", "--keys", keys.toString(), "--model", model.toString(), "--out",
        exact.toString())).as(err()).isZero();
    assertThat(err()).contains("exact decryption: for your eyes only", "--for-sharing");
    ModelFile e = Models.readModel(exact);
    assertThat(e.decryption().mode()).isEqualTo("exact");
    assertBadInput(veil("model", "publish", "--model", exact.toString(), "--name", "m",
        "--price", "1", "--max-queries", "1", "--max-rows", "1", "--config-dir",
        dir.resolve("no-credentials").toString()), "decrypted exactly",
        "veil decrypt --for-sharing");

    // the flooding is sized from the noise of the certified run the training report names
    // (polynomial, step, the table's largest value); a report that lost it is refused, not
    // flooded for Kim et al.'s smaller run
    assertThat(Files.readString(model.resolve("meta.json"))).contains("\"sigmoid\"",
        "\"inputBound\"");
    Path stripped = Files.createDirectories(node.resolve("stripped.veil"));
    try (Stream<Path> files = Files.list(model)) {
      for (Path f : files.toList()) {
        Files.copy(f, stripped.resolve(f.getFileName()));
      }
    }
    com.fasterxml.jackson.databind.node.ObjectNode meta =
        (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind
            .ObjectMapper().readTree(stripped.resolve("meta.json").toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) meta.get("training")).remove("sigmoid");
    Files.writeString(stripped.resolve("meta.json"), meta.toString());
    long usedBefore = DecryptionBudget.open(keys).used();
    assertBadInput(veil("decrypt", "--keys", keys.toString(), "--model", stripped.toString(),
        "--out", dir.resolve("stripped.json").toString(), "--for-sharing"),
        "does not say with which schedule");
    assertThat(DecryptionBudget.open(keys).used()).isEqualTo(usedBefore);

    // a copy of the key directory, with a budget of one shared decryption
    Path copy = Files.createDirectories(dir.resolve("keys-copy"));
    try (Stream<Path> files = Files.list(keys)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    assertThat(DecryptionBudget.open(copy).used()).isEqualTo(DecryptionBudget.open(keys).used());
    Files.delete(copy.resolve(DecryptionBudget.FILE));
    Path shared = dir.resolve("shared.json");
    assertBadInput(veil("decrypt", "--keys", copy.toString(), "--model", model.toString(),
        "--out", shared.toString(), "--for-sharing"), "no decryption budget");
    DecryptionBudget.create(copy, FloodingPolicy.DEFAULT_SECURITY_BITS, 1);
    assertBadInput(veil("decrypt", "--keys", copy.toString(), "--model", model.toString(),
        "--out", shared.toString(), "--for-sharing", "--min-precision", "40"),
        "bits of precision in the weights, below --min-precision 40.0", "--scale-bits");
    assertThat(DecryptionBudget.open(copy).used()).as("refused below the floor: not charged")
        .isZero();
    assertThat(Files.exists(shared)).isFalse();

    assertThat(veil("decrypt", "--keys", copy.toString(), "--model", model.toString(), "--out",
        shared.toString(), "--for-sharing")).as(err()).isZero();
    assertThat(out()).contains("flooded for sharing:", "bits of precision left", "s = 30",
        "sized for 1 shared decryptions; 0 left");
    assertThat(DecryptionBudget.open(copy).used()).isEqualTo(1);
    ModelFile f = Models.readModel(shared);
    assertThat(f.sharable()).isTrue();
    double bits = f.decryption().precisionBits();
    System.out.printf("shared model: %s, weights %s vs exact %s%n", f.decryption(),
        java.util.Arrays.toString(f.weights()), java.util.Arrays.toString(e.weights()));
    for (int j = 0; j < 4; j++) {
      assertThat(f.weights()[j]).isCloseTo(e.weights()[j], within(8 * Math.pow(2, -bits)));
    }
    assertThat(f.weights()).isNotEqualTo(e.weights());

    Path again = dir.resolve("again.json");
    assertBadInput(veil("decrypt", "--keys", copy.toString(), "--model", model.toString(),
        "--out", again.toString(), "--for-sharing"),
        "made 1 of its 1 shared decryptions");
    assertThat(Files.exists(again)).isFalse();
  }

  @Test
  void classNameLabelsAndPredictionOnRowsWithoutLabel() throws IOException {
    Path data = dir.resolve("cls.veil");
    assertThat(veil("encrypt", "--keys", keys.toString(), "--csv", trainCsv.toString(),
        "--label", "cls", "--features", "a,b,c", "--out", data.toString())).as(err()).isZero();
    Path model = dir.resolve("cls-model.veil");
    assertThat(veil("train", "--data", data.toString(), "--eval-keys",
        keys.resolve("evaluation.keys").toString(), "--out", model.toString())).isZero();
    Path modelJson = dir.resolve("cls.json");
    assertThat(veil("decrypt", "--keys", keys.toString(), "--model", model.toString(), "--out",
        modelJson.toString())).isZero();
    assertThat(Files.readString(modelJson)).contains("\"classes\" : [ \"no\", \"yes\" ]");
    assertThat(veil("evaluate", "--model", modelJson.toString(), "--csv", testCsv.toString()))
        .isZero();
    assertThat(out()).contains("yes", "no");
    Path features = Files.writeString(dir.resolve("new.csv"), "c,b,a\n1,0.1,2\n-50,0,-3\n");
    Path p = dir.resolve("p.csv");
    assertThat(veil("predict", "--model", modelJson.toString(), "--csv", features.toString(),
        "--out", p.toString())).as(err()).isZero();
    assertThat(Files.readAllLines(p)).hasSize(3);
  }

  @Test
  void trainNeedsNoSecretKeyAndRefusesKeysForOtherParameters() throws IOException {
    Path node = node();
    Path data = encrypted(node);
    Path other = dir.resolve("other-keys");
    assertThat(veil("keygen", "--out", other.toString(), "--rows", "" + ROWS, "--features", "3",
        "--iterations", "1", "--degree", "7")).as(err()).isZero();
    Path model = node.resolve("model.veil");
    assertBadInput(veil("train", "--data", data.toString(), "--eval-keys",
        other.resolve("evaluation.keys").toString(), "--out", model.toString()),
        "evaluation.keys", "made for other parameters");
    assertOnly(node, "evaluation.keys", "data.veil");

    assertThat(veil("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--out", model.toString())).isZero();
    Path json = dir.resolve("model.json");
    assertBadInput(veil("decrypt", "--keys", other.toString(), "--model", model.toString(),
        "--out", json.toString()), "made for other parameters");
    assertThat(json).doesNotExist();
  }

  @Test
  void decryptRefusesAnotherKeyPairOfTheSameParameters() throws IOException {
    Path node = node();
    Path data = encrypted(node);
    Path model = node.resolve("model.veil");
    assertThat(veil("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--out", model.toString())).isZero();
    Path again = dir.resolve("again");
    assertThat(veil("keygen", "--out", again.toString(), "--rows", "" + ROWS, "--features", "3",
        "--iterations", "1")).isZero();
    assertBadInput(veil("decrypt", "--keys", again.toString(), "--model", model.toString(),
        "--out", dir.resolve("m.json").toString()), "another key pair");
    assertBadInput(veil("train", "--data", data.toString(), "--eval-keys",
        again.resolve("evaluation.keys").toString(), "--out", dir.resolve("x").toString()),
        "another key pair");
    assertThat(dir.resolve("m.json")).doesNotExist();
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void encryptErrorsNameTheProblemAndLeaveNoOutput() throws IOException {
    Path bad = dir.resolve("in");
    Files.createDirectories(bad);
    Path o = dir.resolve("data.veil");
    String k = keys.toString();

    assertBadInput(veil("encrypt", "--keys", k, "--csv", trainCsv.toString(), "--label", "z",
        "--out", o.toString()), "'z'");
    assertBadInput(veil("encrypt", "--keys", k, "--csv", trainCsv.toString(), "--label", "y",
        "--features", "a,nope", "--out", o.toString()), "'nope'");

    Path text = Files.writeString(bad.resolve("text.csv"), "a,b,c,y\n1,2,3,0\n4,five,6,1\n");
    assertBadInput(veil("encrypt", "--keys", k, "--csv", text.toString(), "--label", "y",
        "--out", o.toString()), "text.csv", "line 3", "row 2", "'b'", "five");

    Path nan = Files.writeString(bad.resolve("nan.csv"), "a,b,c,y\n1,2,3,0\n4,NaN,6,1\n");
    assertBadInput(veil("encrypt", "--keys", k, "--csv", nan.toString(), "--label", "y",
        "--out", o.toString()), "nan.csv", "NaN");

    Path wide = Files.writeString(bad.resolve("wide.csv"), "a,b,c,d,y\n1,2,3,4,0\n5,6,7,8,1\n");
    assertBadInput(veil("encrypt", "--keys", k, "--csv", wide.toString(), "--label", "y",
        "--out", o.toString()), "too many features", "4 features", "at most");

    Path labels = Files.writeString(bad.resolve("labels.csv"), "a,y\n1,0\n2,1\n3,2\n");
    assertBadInput(veil("encrypt", "--keys", k, "--csv", labels.toString(), "--label", "y",
        "--out", o.toString()), "not binary");

    assertBadInput(veil("encrypt", "--keys", dir.resolve("nokeys").toString(), "--csv",
        trainCsv.toString(), "--out", o.toString()), "no such directory");
    assertBadInput(veil("encrypt", "--keys", k, "--csv", dir.resolve("none.csv").toString(),
        "--out", o.toString()), "no such file");

    assertBadInput(veil("encrypt", "--keys", k, "--csv", trainCsv.toString(), "--scaling",
        "bogus", "--out", o.toString()), "--scaling", "bogus");

    assertOnly(dir, "in");
  }

  @Test
  void scalingIsChosenByTheOwnerAndSavedInThePublicMetadata() throws IOException {
    Path data = dir.resolve("d.veil");
    assertThat(veil("encrypt", "--keys", keys.toString(), "--csv", trainCsv.toString(),
        "--label", "y", "--features", "c,a", "--scaling", "MAX-ABS", "--out", data.toString()))
        .as(err()).isZero();
    DataInfo info = Encryption.readDataInfo(data);
    assertThat(info.featureNames()).containsExactly("c", "a");
    assertThat(info.scaler().kind()).isEqualTo("MAX_ABS");
    assertThat(info.scaler().offsets()).containsExactly(0, 0);
    // encrypting again replaces the data set as a whole
    assertThat(veil("encrypt", "--keys", keys.toString(), "--csv", trainCsv.toString(),
        "--label", "y", "--features", "a,b,c", "--out", data.toString())).isZero();
    assertThat(Encryption.readDataInfo(data).features()).isEqualTo(3);
    assertOnly(dir, "d.veil");
  }

  @Test
  void trainRefusesMoreIterationsThanTheLevelsHold() throws IOException {
    Path node = node();
    Path data = encrypted(node);
    assertBadInput(veil("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--iterations", "2", "--out",
        node.resolve("m").toString()), "2 iterations", "levels");
    assertBadInput(veil("train", "--data", trainCsv.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--out", node.resolve("m").toString()),
        "not a directory");
    assertOnly(node, "evaluation.keys", "data.veil");
  }

  @Test
  void corruptFilesAreBadInput() throws IOException {
    Path node = node();
    Path data = encrypted(node);
    Files.write(data.resolve("z-00000.ct"), new byte[] {1, 2, 3});
    assertBadInput(veil("train", "--data", data.toString(), "--eval-keys",
        node.resolve("evaluation.keys").toString(), "--out", node.resolve("m").toString()),
        "z-00000.ct");
    Path notJson = Files.writeString(dir.resolve("model.json"), "{ not json");
    assertBadInput(veil("evaluate", "--model", notJson.toString(), "--csv",
        testCsv.toString()), "model.json");
  }

  @Test
  void keygenRefusesANonEmptyDirectoryAndAnImpossiblePlan() throws IOException {
    assertBadInput(veil("keygen", "--out", keys.toString(), "--rows", "10", "--features", "2"),
        "not empty");
    assertBadInput(veil("keygen", "--out", dir.resolve("k").toString(), "--rows", "10",
        "--features", "2", "--iterations", "40"), "40 iterations", "levels");
    assertBadInput(veil("keygen", "--out", dir.resolve("k").toString(), "--rows", "10",
        "--features", "2", "--degree", "4"), "--degree");
    assertOnly(dir);
  }

  @Test
  void demoPrintsPlainAndEncryptedMetricsAndTimings() {
    assertThat(veil("demo", "--rows", "100", "--features", "2", "--iterations", "1"))
        .as(err()).isZero();
    assertThat(out()).contains("80 training rows and 20 held-out rows", "N = 2^14",
        "keygen", "encrypt", "train", "decrypt", "evaluate", "total", "plaintext", "encrypted",
        "accuracy", "AUC", "log-loss");
    String acc = out().lines().filter(l -> l.startsWith("accuracy")).findFirst().orElseThrow();
    String[] f = acc.trim().split("\\s+");
    assertThat(Double.parseDouble(f[2])).isCloseTo(Double.parseDouble(f[1]), within(0.051));
  }

  @Test
  void forALogProgressIsOneLinePerStepWithoutEscapeCodes() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    CliContext notATerminal = new CliContext(new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8), InputStream.nullInputStream(),
        Map.<String, String>of()::get, false);
    int rc = VeilCli.commandLine(notATerminal).execute("demo", "--rows", "100", "--features",
        "2", "--iterations", "1");
    String log = e.toString(StandardCharsets.UTF_8);
    assertThat(rc).as(log).isZero();
    String all = o.toString(StandardCharsets.UTF_8) + log;
    assertThat(all).doesNotContain("\u001b", "\r");
    // keygen's Galois keys, encrypt, train: one line each, when the step ends
    assertThat(log.lines()).as(log).hasSize(3).allMatch(l -> l.matches(
        "(galois keys|encrypt|train): (\\d+)/\\2 in \\d+\\.\\d s"));
    assertThat(log).startsWith("galois keys: ").contains("\nencrypt: ", "\ntrain: ");
  }

  @Test
  void helpListsTheWorkflowCommands() {
    assertThat(veil("--help")).isZero();
    assertThat(out()).contains("keygen", "encrypt", "train", "decrypt", "predict", "evaluate",
        "demo");
  }
}
