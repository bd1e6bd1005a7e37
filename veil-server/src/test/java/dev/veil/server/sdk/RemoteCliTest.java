package dev.veil.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.DepositRequest;
import dev.veil.cli.VeilCli;
import dev.veil.client.VeilClient;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.Scaler;
import dev.veil.ml.data.Table;
import dev.veil.ml.plain.CertifiedNesterov;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.poly.SigmoidApproximation;
import dev.veil.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote commands of {@code veil} against the real server on port 0: accounts, keys and a
 * data set made by the real {@code veil keygen} and {@code veil encrypt} (128-bit-secure keys at
 * the smallest plan, N = 2^14), paid remote training downloaded and decrypted by the data owner
 * with {@code veil decrypt}, a model published and bought through {@code veil infer --remote},
 * balances, the audit chain; and the errors a user sees, one line each. The commands run
 * in-process with their own environment ({@code VEIL_HOME} per user, so that nothing touches
 * {@code ~/.veil}).
 */
class RemoteCliTest {
  static final int ROWS = 120;
  static final int TEST_ROWS = 80;
  static final String PASSWORD = "cli-password-1";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static TestServer server;
  static Path trainCsv;
  static Path testCsv;
  static Path ownerKeys;
  static Path buyerKeys;

  @TempDir Path dir;

  @BeforeAll
  static void serverKeysAndData() throws IOException {
    server = new TestServer(TestServer.config(shared.resolve("server")).build());
    trainCsv = shared.resolve("train.csv");
    testCsv = shared.resolve("test.csv");
    writeData(trainCsv, ROWS, 1);
    writeData(testCsv, TEST_ROWS, 2);
    Cli cli = new Cli(Map.of());
    ownerKeys = shared.resolve("owner-keys");
    // a 50-bit scale: the owner shares the trained model (veil decrypt --for-sharing)
    cli.ok("keygen", "--out", ownerKeys.toString(), "--rows", "" + ROWS, "--features", "3",
        "--iterations", "1", "--scale-bits", "50");
    buyerKeys = shared.resolve("buyer-keys");
    cli.ok("keygen", "--model", "inference", "--features", "3", "--out", buyerKeys.toString());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Columns a, b, c, label y (as veil-cli's workflow tests write them). */
  static void writeData(Path file, int rows, long seed) throws IOException {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("a,b,c,y\n");
    for (int i = 0; i < rows; i++) {
      double a = 2 * r.nextDouble() - 1;
      double b = 2 * r.nextDouble() - 1;
      double c = 2 * r.nextDouble() - 1;
      double s = 2.5 * a - 1.5 * b + 0.8 * c + 0.3 * r.nextGaussian();
      sb.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f,%d%n", 10 * a + 3, b / 4, 100 * c,
          s > 0 ? 1 : 0));
    }
    Files.writeString(file, sb.toString());
  }

  /** {@code veil} in-process with an environment of its own and captured streams. */
  static final class Cli {
    final Map<String, String> env;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    Cli(Map<String, String> env) {
      this.env = env;
    }

    int input(String stdin, String... args) {
      out.reset();
      err.reset();
      return VeilCli.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8),
          new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env).execute(args);
    }

    int run(String... args) {
      return input("", args);
    }

    String ok(String... args) {
      int rc = run(args);
      assertThat(rc).as(String.join(" ", args) + "\n" + err()).isZero();
      return out();
    }

    String withPassword(String... args) {
      int rc = input(PASSWORD + "\n", args);
      assertThat(rc).as(String.join(" ", args) + "\n" + err()).isZero();
      return out();
    }

    String out() {
      return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
      return err.toString(StandardCharsets.UTF_8);
    }

    /** Exit code {@code code} and one line on standard error naming the problem. */
    void fails(int rc, int code, String... mentions) {
      assertThat(rc).as(err()).isEqualTo(code);
      assertThat(err().lines().filter(l -> !l.isBlank())).as(err()).hasSize(1);
      assertThat(err()).startsWith("veil ").contains(mentions)
          .doesNotContain("Exception", "\tat ");
    }
  }

  /** A user's command line: its own configuration directory. */
  private Cli user(String name) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("VEIL_HOME", Files.createDirectories(dir.resolve("home-" + name)).toString());
    return new Cli(env);
  }

  /** {@code veil predict}'s rows (probability, predicted class) of the test rows. */
  private static List<String[]> predictions(Cli who, Path modelJson, Path out) throws IOException {
    who.ok("predict", "--model", modelJson.toString(), "--csv", testCsv.toString(), "--out",
        out.toString());
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(TEST_ROWS + 1).first().isEqualTo("probability,predicted");
    return lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
  }

  private static String id(String prefix, String text) {
    Matcher m = Pattern.compile("\\b(" + prefix + "_[a-z2-7]+)\\b").matcher(text);
    assertThat(m.find()).as("no " + prefix + "_ id in: " + text).isTrue();
    return m.group(1);
  }

  /** The whole of a command's standard output as one JSON value: nothing else is there. */
  private static JsonNode json(String out) throws IOException {
    return JSON.readerFor(JsonNode.class)
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(out);
  }

  /** The REST API's JSON for {@code path}, with the user's saved token. */
  private static JsonNode rest(Cli user, String path) throws Exception {
    String token = JSON.readTree(Path.of(user.env.get("VEIL_HOME"))
        .resolve("credentials.json").toFile()).get("token").asText();
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(server.url() + path)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** {@code --json} names every field as the REST API does, with the same non-null values. */
  private static void assertSameFields(JsonNode cli, JsonNode api) {
    api.fieldNames().forEachRemaining(f -> {
      assertThat(cli.has(f)).as("field " + f + " of " + api).isTrue();
      JsonNode v = api.get(f);
      if (!v.isNull() && (v.isNumber() || v.isBoolean() || f.equals("id"))) {
        assertThat(cli.get(f).asText()).as(f).isEqualTo(v.asText());
      }
    });
  }

  @Test
  void theMarketplaceFromTheCommandLine() throws Exception {
    Cli owner = user("olivia");
    Cli buyer = user("bruno");
    Cli op = user("operator");
    String url = server.url();

    // accounts: registered and logged in, the token saved for the owner only
    assertThat(owner.withPassword("register", "--server", url, "--username", "olivia",
        "--role", "data-owner,model-seller", "--password-stdin"))
        .contains("registered olivia [DATA_OWNER, MODEL_SELLER]", "token saved in");
    Path creds = Path.of(owner.env.get("VEIL_HOME")).resolve("credentials.json");
    assertThat(Files.readString(creds)).contains("\"server\"", url, "veil_");
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)))
          .isEqualTo("rw-------");
    }
    buyer.withPassword("register", "--server", url, "--username", "bruno", "--role", "buyer",
        "--password-stdin");
    assertThat(op.input("operator-password\n", "login", "--server", url, "--username",
        "operator", "--password-stdin")).as(op.err()).isZero();
    assertThat(op.out()).contains("logged in to " + url + " as operator [OPERATOR]");

    // the data owner: keys and an encrypted data set, listed for 500
    Path data = dir.resolve("data.veil");
    owner.ok("encrypt", "--keys", ownerKeys.toString(), "--csv", trainCsv.toString(),
        "--label", "y", "--out", data.toString());
    String keySet = id("ks", owner.ok("keys", "upload", "--keys", ownerKeys.toString()));
    assertThat(owner.ok("keys", "upload", "--keys", ownerKeys.toString()))
        .contains("key set " + keySet, "is already on");
    assertThat(owner.ok("keys", "list")).contains(keySet, "2^14", "yes");
    assertThat(json(owner.ok("keys", "list", "--json")).get(0).get("id").asText())
        .isEqualTo(keySet);
    String ds = id("ds", owner.ok("dataset", "upload", "--data", data.toString(), "--name",
        "clinic", "--description", "visits", "--price", "500", "--listed"));
    assertThat(owner.out()).contains("120 rows x 3 features", "listed, price 500");

    // the buyer finds it, is credited by the operator, trains on it and waits
    assertThat(buyer.ok("dataset", "list")).contains(ds, "clinic", "olivia", "500", "READY");
    assertThat(buyer.ok("dataset", "show", ds)).contains("[a, b, c]", "500 per training job")
        .doesNotContain("key set");
    JsonNode listed = json(buyer.ok("dataset", "list", "--json"));
    assertThat(listed.isArray()).isTrue();
    assertThat(listed.findValuesAsText("id")).contains(ds);
    JsonNode shown = json(buyer.ok("dataset", "show", ds, "--json"));
    assertThat(shown.get("pricePerTraining").asLong()).isEqualTo(500);
    assertThat(shown.get("state").asText()).isEqualTo("READY");
    assertThat(shown.get("meta").get("featureNames").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
    assertThat(shown.has("keySetId")).isTrue(); // every field, null when not the owner's
    assertThat(shown.get("keySetId").isNull()).isTrue();
    assertSameFields(shown, rest(buyer, "/api/datasets/" + ds));
    VeilClient.connect(url, JSON.readTree(Files.readString(Path.of(op.env.get("VEIL_HOME"))
        .resolve("credentials.json"))).get("token").asText())
        .deposit(DepositRequest.toUser("bruno", 10_000, "card"));
    assertThat(buyer.ok("balance")).contains("available 10000, held 0", "DEPOSIT", "card");
    JsonNode balance = json(buyer.ok("balance", "--json", "--transactions", "1"));
    assertThat(balance.get("available").asLong()).isEqualTo(10_000);
    assertThat(balance.get("held").asLong()).isZero();
    assertThat(balance.get("transactions")).hasSize(1);
    assertThat(balance.get("transactions").get(0).get("kind").asText()).isEqualTo("DEPOSIT");
    Path bought = dir.resolve("bought.veil");
    String trained = buyer.ok("train", "--remote", ds, "--wait", "--out", bought.toString());
    String trainJob = id("job", trained);
    assertThat(trained).contains("training job " + trainJob + " queued on data set " + ds
        + ", price 500", "SUCCEEDED", "encrypted model (logistic, 3 features) in " + bought);
    assertThat(buyer.err()).contains("train", "100%").doesNotContain("\r", "\u001b");
    try (Stream<Path> s = Files.list(bought)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
          "meta.json", "weights.ct");
    }

    // the data owner sees the job, downloads the model and decrypts it: the plain algorithm's
    assertThat(owner.ok("job", "list")).contains(trainJob, "training", "SUCCEEDED");
    JsonNode jobs = json(owner.ok("job", "list", "--json"));
    assertThat(jobs.get(0).get("id").asText()).isEqualTo(trainJob);
    assertThat(jobs.get(0).get("kind").asText()).isEqualTo("TRAINING");
    Path mine = dir.resolve("model.veil");
    assertThat(owner.ok("job", "result", trainJob, "--out", mine.toString()))
        .contains("encrypted model");
    assertThat(Files.readAllBytes(mine.resolve("weights.ct")))
        .isEqualTo(Files.readAllBytes(bought.resolve("weights.ct")));
    Path modelJson = dir.resolve("model.json");
    owner.ok("decrypt", "--keys", ownerKeys.toString(), "--model", mine.toString(), "--out",
        modelJson.toString());
    JsonNode model = JSON.readTree(modelJson.toFile());
    Table t = CsvReader.defaults().withLabel("y").withFeatures("a", "b", "c").read(trainCsv);
    Scaler scaler = Scaler.fit(Scaler.Kind.MIN_MAX, t.features());
    // the server followed the run veil encrypt certified (CertifiedNesterov's plain twin), and
    // decrypt mapped the weights back to the scaler's coordinates
    CertifiedNesterov.Prepared prep =
        CertifiedNesterov.prepare(scaler.transform(t.features()), t.labels(), 3, 1);
    LogisticModel plain = prep.toCaller(prep.weights());
    for (int j = 0; j < 4; j++) {
      assertThat(model.get("weights").get(j).asDouble()).isCloseTo(plain.weights()[j],
          within(1e-4));
    }

    // the owner sells the model, decrypted for sharing (an exact decryption is refused); the
    // buyer encrypts rows with its schema and buys predictions
    owner.fails(owner.run("model", "publish", "--model", modelJson.toString(), "--name", "risk",
        "--price", "2", "--max-queries", "5", "--max-rows", "100"), 2, "decrypted exactly",
        "--for-sharing");
    Path sharedJson = dir.resolve("model-shared.json");
    assertThat(owner.ok("decrypt", "--keys", ownerKeys.toString(), "--model", mine.toString(),
        "--out", sharedJson.toString(), "--for-sharing")).contains("flooded for sharing");
    String mdl = id("mdl", owner.ok("model", "publish", "--model", sharedJson.toString(),
        "--name", "risk", "--description", "visit risk", "--price", "2", "--max-queries", "5",
        "--max-rows", "100", "--hosted"));
    assertThat(owner.out()).contains("logistic on 3 features, price 2 per row");
    assertThat(buyer.ok("model", "list")).contains(mdl, "risk", "logistic");
    assertThat(json(buyer.ok("model", "list", "--json")).findValuesAsText("id")).contains(mdl);
    Path schemaToo = dir.resolve("schema-too.json");
    JsonNode forSale = json(buyer.ok("model", "show", mdl, "--json", "--schema",
        schemaToo.toString()));
    assertThat(forSale.get("pricePerPrediction").asLong()).isEqualTo(2);
    assertThat(forSale.get("inputSchema").get("featureNames")).hasSize(3);
    assertThat(Files.readString(schemaToo)).contains("veil-schema/1");
    assertSameFields(forSale, rest(buyer, "/api/models/" + mdl));
    Path schema = dir.resolve("schema.json");
    assertThat(buyer.ok("model", "show", mdl, "--schema", schema.toString()))
        .contains("[a, b, c]", "MIN_MAX", "2 per row", "0 queries, 0 rows");
    assertThat(Files.readString(schema)).contains("veil-schema/1").doesNotContain("weights");
    buyer.ok("keys", "upload", "--keys", buyerKeys.toString());
    Path rows = dir.resolve("rows.veil");
    buyer.ok("encrypt", "--keys", buyerKeys.toString(), "--csv", testCsv.toString(), "--schema",
        schema.toString(), "--out", rows.toString());
    Path preds = dir.resolve("preds.veil");
    String inferred = buyer.ok("infer", "--remote", mdl, "--data", rows.toString(), "--wait",
        "--out", preds.toString());
    String inferJob = id("job", inferred);
    assertThat(inferred).contains("probabilities of 80 rows through model " + mdl
        + ", price 160", "SUCCEEDED", "encrypted predictions");
    Path csv = dir.resolve("p.csv");
    buyer.ok("decrypt", "--keys", buyerKeys.toString(), "--predictions", preds.toString(),
        "--out", csv.toString());
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines).hasSize(TEST_ROWS + 1).first().isEqualTo("probability,predicted");
    // the server's sigmoid: least squares of degree 3 on [-8, 8]
    JsonNode sharedModel = JSON.readTree(sharedJson.toFile());
    double[] w = new double[4];
    for (int j = 0; j < 4; j++) {
      w[j] = sharedModel.get("weights").get(j).asDouble();
    }
    LogisticModel sold = new LogisticModel(w);
    SigmoidApproximation sig = SigmoidApproximation.leastSquares(-8, 8, 3);
    Table test = CsvReader.defaults().withLabel("y").withFeatures("a", "b", "c").read(testCsv);
    double[][] x = scaler.transform(test.features());
    for (int i = 0; i < TEST_ROWS; i++) {
      double expected = Math.min(1, Math.max(0, sig.evaluate(sold.score(x[i]))));
      assertThat(Double.parseDouble(lines.get(i + 1).split(",")[0])).as("row " + i)
          .isCloseTo(expected, within(0.02));
    }

    // money and the rest
    assertThat(buyer.ok("balance")).contains("available 9340, held 0");
    assertThat(buyer.ok("job", "status", inferJob)).contains(inferJob, "inference SUCCEEDED",
        "100%", "price 160", "SHA-256");
    JsonNode status = json(buyer.ok("job", "status", inferJob, "--json"));
    assertThat(status.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(status.get("progress").asInt()).isEqualTo(100);
    assertThat(status.get("price").asLong()).isEqualTo(160);
    assertSameFields(status, rest(buyer, "/api/jobs/" + inferJob));
    buyer.fails(buyer.run("job", "cancel", inferJob), 2, "veil job cancel:", "HTTP 409");
    assertThat(buyer.ok("job", "wait", inferJob)).contains(inferJob + ": inference SUCCEEDED");
    Path again = dir.resolve("again.veil");
    buyer.fails(buyer.run("job", "result", inferJob, "--out", again.toString()), 2,
        "needs the rows", "--data");
    assertThat(buyer.ok("job", "result", inferJob, "--out", again.toString(), "--data",
        rows.toString())).contains("encrypted predictions (probabilities of 80 rows)");
    assertThat(Files.readAllBytes(again.resolve("out-000-00000.ct")))
        .isEqualTo(Files.readAllBytes(preds.resolve("out-000-00000.ct")));
    buyer.fails(buyer.run("job", "result", trainJob, "--out", dir.resolve("x").toString(),
        "--data", rows.toString()), 2, "Option '--data' applies to inference jobs");
    assertThat(buyer.ok("model", "show", mdl)).contains("1 queries, 80 rows");
    assertThat(op.ok("audit", "verify")).contains("audit log intact");
    buyer.fails(buyer.run("audit", "verify"), 2, "only operators", "HTTP 403");
    assertThat(owner.ok("logout")).contains("logged out of " + url);
    assertThat(creds).doesNotExist();
    owner.fails(owner.run("dataset", "list"), 2, "not logged in", "veil login");
  }

  @Test
  void aPaidTrainingIsHandedOverFromTheCommandLineAndTheServerTrainsLinearModels()
      throws Exception {
    Cli owner = user("hana");
    Cli buyer = user("ben");
    String url = server.url();
    owner.withPassword("register", "--server", url, "--username", "hana", "--role",
        "data-owner", "--password-stdin");
    buyer.withPassword("register", "--server", url, "--username", "ben", "--role", "buyer",
        "--password-stdin");
    Cli op = user("operator-h");
    op.input("operator-password\n", "login", "--server", url, "--username", "operator",
        "--password-stdin");
    VeilClient.connect(url, JSON.readTree(Files.readString(Path.of(op.env.get("VEIL_HOME"))
        .resolve("credentials.json"))).get("token").asText())
        .deposit(DepositRequest.toUser("ben", 1000, "card"));

    Path data = dir.resolve("data.veil");
    owner.ok("encrypt", "--keys", ownerKeys.toString(), "--csv", trainCsv.toString(),
        "--label", "y", "--out", data.toString());
    owner.ok("keys", "upload", "--keys", ownerKeys.toString());
    String ds = id("ds", owner.ok("dataset", "upload", "--data", data.toString(), "--name",
        "clinic", "--price", "300", "--listed", "--handover-hours", "24"));
    // the builder's keys: the owner's options give the data set's parameters
    Path bkeys = dir.resolve("builder-keys");
    buyer.ok("keygen", "--out", bkeys.toString(), "--rows", "" + ROWS, "--features", "3",
        "--iterations", "1", "--scale-bits", "50");
    String bks = id("ks", buyer.ok("keys", "upload", "--keys", bkeys.toString()));
    String job = id("job", buyer.ok("train", "--remote", ds, "--key-set", bks));
    for (int i = 0; i < 600 && !buyer.ok("job", "status", job).contains("HANDOVER_PENDING");
        i++) {
      Thread.sleep(100);
    }
    assertThat(buyer.ok("job", "status", job)).contains("HANDOVER_PENDING");
    assertThat(owner.ok("dataset", "handover")).contains(job, bks);
    String handed = owner.ok("dataset", "handover", job, "--keys", ownerKeys.toString());
    assertThat(handed).contains("handed job " + job + " over to key set " + bks, "SUCCEEDED");
    Matcher bits = Pattern.compile("\\(([0-9.]+) bits of precision").matcher(handed);
    assertThat(bits.find()).as(handed).isTrue();
    // the flooding's error per slot, times the scaler's factors in model.json's units (at most
    // 1/0.5 here): a few times 2^-bits
    double tolerance = 16 * Math.pow(2, -Double.parseDouble(bits.group(1)));
    assertThat(buyer.ok("balance")).contains("available 700");
    Path model = dir.resolve("model.veil");
    buyer.ok("job", "result", job, "--out", model.toString());
    Path modelJson = dir.resolve("model.json");
    buyer.ok("decrypt", "--keys", bkeys.toString(), "--model", model.toString(), "--out",
        modelJson.toString());
    // the same training on one's own data: the owner's, decrypted exactly
    Path own = dir.resolve("own.veil");
    owner.ok("train", "--remote", ds, "--wait", "--out", own.toString());
    Path ownJson = dir.resolve("own.json");
    owner.ok("decrypt", "--keys", ownerKeys.toString(), "--model", own.toString(), "--out",
        ownJson.toString());
    JsonNode got = JSON.readTree(modelJson.toFile()).get("weights");
    JsonNode want = JSON.readTree(ownJson.toFile()).get("weights");
    assertThat(got.size()).isEqualTo(want.size());
    for (int j = 0; j < want.size(); j++) {
      assertThat(got.get(j).asDouble()).as("weight " + j).isCloseTo(want.get(j).asDouble(),
          within(Math.max(0.02, tolerance * Math.max(1, Math.abs(want.get(j).asDouble())))));
    }
    // the same predictions but where the flooding's error on the weights can move a row across
    // the boundary: a row predicted otherwise must have a score (logit) within what the weight
    // differences can change it by (features min-max scaled into about [0, 1]; 1.5 covers test
    // rows a little outside the training range). The flooding is random, so which rows move is.
    double moved = 0;
    for (int j = 0; j < want.size(); j++) {
      moved += Math.abs(got.get(j).asDouble() - want.get(j).asDouble());
    }
    List<String[]> ownRows = predictions(owner, ownJson, dir.resolve("own.csv"));
    List<String[]> gotRows = predictions(buyer, modelJson, dir.resolve("got.csv"));
    int flipped = 0;
    for (int r = 0; r < TEST_ROWS; r++) {
      if (!ownRows.get(r)[1].equals(gotRows.get(r)[1])) {
        flipped++;
        double p = Double.parseDouble(ownRows.get(r)[0]);
        assertThat(Math.abs(Math.log(p / (1 - p)))).as("test row " + r + " changed class: its"
            + " score must be within the weights' difference of the boundary")
            .isLessThanOrEqualTo(1.5 * moved);
      }
    }
    assertThat(flipped).as("rows that changed class").isLessThan(TEST_ROWS / 4);

    // a linear regression trained by the server on the owner's own data
    Path lkeys = dir.resolve("linear-keys");
    owner.ok("keygen", "--model", "linear", "--out", lkeys.toString(), "--rows", "" + ROWS,
        "--features", "3", "--iterations", "2");
    Path ldata = dir.resolve("linear.veil");
    owner.ok("encrypt", "--keys", lkeys.toString(), "--csv", trainCsv.toString(), "--label",
        "a", "--out", ldata.toString());
    owner.ok("keys", "upload", "--keys", lkeys.toString());
    String lds = id("ds", owner.ok("dataset", "upload", "--data", ldata.toString(), "--name",
        "linear"));
    Path lmodel = dir.resolve("linear-model.veil");
    owner.ok("train", "--remote", lds, "--model", "linear", "--wait", "--out",
        lmodel.toString());
    Path lmodelJson = dir.resolve("linear.json");
    owner.ok("decrypt", "--keys", lkeys.toString(), "--model", lmodel.toString(), "--out",
        lmodelJson.toString());
    assertThat(JSON.readTree(lmodelJson.toFile()).get("model").asText()).isEqualTo("linear");
  }

  @Test
  void errorsAreOneLineThatNameTheProblem() throws Exception {
    Cli nobody = user("nobody");
    nobody.fails(nobody.run("dataset", "list"), 2, "veil dataset list: not logged in",
        "VEIL_SERVER");
    nobody.fails(nobody.run("login", "--server", server.url(), "--username", "operator"), 2,
        "no terminal", "--password-stdin");
    nobody.fails(nobody.input("not-the-password\n", "login", "--server", server.url(),
        "--username", "operator", "--password-stdin"), 2, "HTTP 401");
    assertThat(Path.of(nobody.env.get("VEIL_HOME")).resolve("credentials.json"))
        .doesNotExist();

    Map<String, String> env = new HashMap<>(nobody.env);
    env.put("VEIL_SERVER", server.url());
    env.put("VEIL_TOKEN", "veil_not_a_real_token");
    Cli forged = new Cli(env);
    forged.fails(forged.run("balance"), 2, "veil balance:", "HTTP 401", "veil login");

    Cli user = user("uma");
    user.withPassword("register", "--server", server.url(), "--username", "uma", "--role",
        "data-owner", "--password-stdin");
    user.fails(user.run("dataset", "show", "ds_nope"), 2,
        "veil dataset show: data set 'ds_nope' does not exist (HTTP 404 not_found)");
    user.fails(user.run("job", "status", "job_nope"), 2, "HTTP 404");
    user.fails(user.run("train", "--remote", "ds_nope", "--data", "x"), 2,
        "Option '--data' does not apply with --remote");
    user.fails(user.run("train", "--remote", "ds_nope", "--out", "x"), 2, "needs --wait");
    user.fails(user.run("train", "--iterations", "2"), 2,
        "Missing required options: '--data=DIR', '--eval-keys=FILE', '--out=DIR'");
    user.fails(user.run("train", "--remote", "ds_nope"), 2, "veil train:", "ds_nope");
    user.fails(user.run("dataset", "upload", "--data", dir.toString(), "--name", "x"), 2,
        "meta.json");
    user.fails(user.run("keys", "upload", "--keys", dir.resolve("none").toString()), 2,
        "no such directory");
    user.fails(user.run("register", "--server", server.url(), "--username", "x", "--role",
        "king", "--password-stdin"), 2, "unknown role 'king'");

    // a saved token goes only to its own server
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> elsewhere = new HashMap<>(user.env);
    elsewhere.put("VEIL_SERVER", "http://127.0.0.1:" + port);
    Cli moved = new Cli(elsewhere);
    moved.fails(moved.run("balance"), 2, "not logged in to http://127.0.0.1:" + port);
    elsewhere.put("VEIL_TOKEN", "veil_x");
    Cli down = new Cli(elsewhere);
    down.fails(down.run("balance"), 1, "cannot reach the Veil server at http://127.0.0.1:"
        + port, "connection refused", "is the server running");
  }
}
