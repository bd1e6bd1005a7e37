package dev.veil.cli.local;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

import dev.veil.api.KeysInfo;
import dev.veil.api.ModelFile;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import dev.veil.cli.output.Bars;
import dev.veil.ml.data.FeatureTransform;
import dev.veil.ml.data.Scaling;
import dev.veil.ml.data.Table;
import dev.veil.ml.plain.CertifiedNesterov;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.NesterovLogisticRegression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code veil demo}: the whole workflow on a synthetic data set, through the same code as the
 * commands (keygen, encrypt, train with the evaluation keys only, decrypt, evaluate on a held-out
 * split), beside the same algorithm in double precision.
 */
@Command(
    name = "demo",
    sortOptions = false,
    description = {
      "Generate a synthetic logistic data set, then keygen, encrypt, train on the ciphertexts "
          + "(without the secret key), decrypt and evaluate on a held-out fifth of the rows, in a "
          + "temporary directory. Prints the plaintext and encrypted accuracy and AUC side by "
          + "side and the time of each step."
    })
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--rows", defaultValue = "1000", paramLabel = "N",
      description = "Rows in all, a fifth held out for evaluation (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--features", defaultValue = "8", paramLabel = "D",
      description = "Features (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(names = "--iterations", defaultValue = "3", paramLabel = "T",
      description = "Training iterations (default: ${DEFAULT-VALUE}: 15 levels, N = 2^15).")
  int iterations;

  @Option(names = "--degree", defaultValue = "3", paramLabel = "K",
      description = "Sigmoid degree 3, 5 or 7 (default: ${DEFAULT-VALUE}).")
  int degree;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
      description = "Seed of the synthetic data (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--keep", paramLabel = "DIR",
      description = "Work in DIR (created; must not exist or be empty) and keep the files, "
          + "instead of a temporary directory that is deleted.")
  Path keep;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws Exception {
    Opts.atLeast(spec, "--rows", rows, 10);
    Opts.atLeast(spec, "--features", features, 1);
    Opts.atLeast(spec, "--iterations", iterations, 1);
    Workflow.sigmoid(degree);
    CliContext ctx = CliContext.of(spec);
    Path dir;
    if (keep != null) {
      dir = Store.outputDir(keep, null);
      Files.createDirectories(dir);
    } else {
      dir = Files.createTempDirectory("veil-demo-");
    }
    try {
      run(dir, ctx.out(), Bars.of(ctx));
    } finally {
      if (keep == null) {
        Store.deleteTree(dir);
      }
    }
    return CliErrors.OK;
  }

  private void run(Path dir, PrintStream out, Bars bars) throws IOException {
    int test = Math.max(2, rows / 5);
    int train = rows - test;
    List<String> names = new ArrayList<>();
    for (int j = 0; j < features; j++) {
      names.add("x" + (j + 1));
    }
    Path trainCsv = dir.resolve("train.csv");
    Path testCsv = dir.resolve("test.csv");
    writeSynthetic(trainCsv, testCsv, names, train, test, seed);
    out.printf(Locale.ROOT, "veil demo: %d training rows and %d held-out rows, %d features, %d"
        + " iterations, sigmoid degree %d, %d threads%n", train, test, features, iterations,
        degree, Workflow.threads());
    out.flush();

    Map<String, Double> seconds = new LinkedHashMap<>();
    Path keys = dir.resolve("keys");
    Path node = dir.resolve("node"); // what the untrusted node holds: no secret key
    Path data = node.resolve("data.veil");
    Path model = node.resolve("model.veil");
    Path modelJson = dir.resolve("model.json");

    long t = System.nanoTime();
    KeysInfo info = Keys.keygen(keys, train, features, iterations, degree, bars);
    seconds.put("keygen", Opts.seconds(t));
    Files.createDirectories(node);
    Files.copy(keys.resolve(Workflow.EVALUATION_KEYS), node.resolve(Workflow.EVALUATION_KEYS));

    t = System.nanoTime();
    Encryption.encrypt(keys, trainCsv, "y", null, Scaling.MIN_MAX, data, bars);
    seconds.put("encrypt", Opts.seconds(t));

    t = System.nanoTime();
    Training.TrainResult tr = Training.train(data, node.resolve(Workflow.EVALUATION_KEYS), null,
        null, model, bars);
    seconds.put("train", Opts.seconds(t));

    t = System.nanoTime();
    ModelFile m = Models.decrypt(keys, model, modelJson);
    seconds.put("decrypt", Opts.seconds(t));

    t = System.nanoTime();
    Scoring.Scored enc = Scoring.score(m, testCsv, true);
    Scoring.Evaluation encEval = Scoring.Evaluation.of(enc.labels(), enc.probabilities());
    seconds.put("evaluate", Opts.seconds(t));

    // The same algorithm in double precision (the plain twin veil encrypt certified), on the
    // same scaled rows.
    Table trainTable = Encryption.readTable(trainCsv, "y", null);
    FeatureTransform scaler = m.scaler().transform();
    CertifiedNesterov.Prepared prep = CertifiedNesterov.prepare(
        scaler.transform(trainTable.features()), Workflow.binaryLabels(trainTable), degree,
        iterations);
    LogisticModel plain = prep.toCaller(prep.weights());
    double[] pp = new double[enc.probabilities().length];
    double[][] xt = scaler.transform(enc.table().features());
    for (int i = 0; i < pp.length; i++) {
      pp[i] = plain.probability(xt[i]);
    }
    Scoring.Evaluation plainEval = Scoring.Evaluation.of(enc.labels(), pp);
    double maxDiff = 0;
    for (int j = 0; j < m.weights().length; j++) {
      maxDiff = Math.max(maxDiff, Math.abs(m.weights()[j] - plain.weights()[j]));
    }

    out.printf(Locale.ROOT, "parameters: N = 2^%d, %d levels, %d Galois keys (128-bit secure)%n",
        info.logN(), info.levels(), info.rotations().length);
    out.println();
    out.printf(Locale.ROOT, "%-10s %10s%n", "step", "seconds");
    double total = 0;
    for (Map.Entry<String, Double> e : seconds.entrySet()) {
      out.printf(Locale.ROOT, "%-10s %10.2f%n", e.getKey(), e.getValue());
      total += e.getValue();
    }
    out.printf(Locale.ROOT, "%-10s %10.2f%n", "total", total);
    out.println();
    out.printf(Locale.ROOT, "%-22s %10s %10s%n", "held-out metric", "plaintext", "encrypted");
    out.printf(Locale.ROOT, "%-22s %10.4f %10.4f%n", "accuracy", plainEval.accuracy(),
        encEval.accuracy());
    out.printf(Locale.ROOT, "%-22s %10.4f %10.4f%n", "AUC", plainEval.auc(), encEval.auc());
    out.printf(Locale.ROOT, "%-22s %10.4f %10.4f%n", "log-loss", plainEval.logLoss(),
        encEval.logLoss());
    out.printf(Locale.ROOT, "max |weight difference| %.2e%n", maxDiff);
    out.flush();
  }

  /**
   * Rows x uniform in [-1, 1]^d, written in other units (a scale and an offset per column, which
   * the owner's min-max scaler undoes), labels Bernoulli(sigmoid(4 (w . x + b))) with weights
   * drawn from the seed; the first {@code train} rows to one file, the rest to the other.
   */
  static void writeSynthetic(Path trainCsv, Path testCsv, List<String> names, int train,
      int test, long seed) throws IOException {
    Random r = new Random(seed);
    int d = names.size();
    double[] w = new double[d];
    double[] colScale = new double[d];
    double[] colOffset = new double[d];
    for (int j = 0; j < d; j++) {
      w[j] = (r.nextBoolean() ? 1 : -1) * (0.5 + r.nextDouble()) * 2 / Math.sqrt(d);
      colScale[j] = 1 + 9 * r.nextDouble(); // columns in different units
      colOffset[j] = 20 * r.nextDouble() - 10;
    }
    double b = 0.2;
    try (BufferedWriter a = Files.newBufferedWriter(trainCsv, StandardCharsets.UTF_8);
        BufferedWriter c = Files.newBufferedWriter(testCsv, StandardCharsets.UTF_8)) {
      String header = String.join(",", names) + ",y\n";
      a.write(header);
      c.write(header);
      for (int i = 0; i < train + test; i++) {
        StringBuilder line = new StringBuilder();
        double s = b;
        for (int j = 0; j < d; j++) {
          double x = 2 * r.nextDouble() - 1;
          s += w[j] * x;
          line.append(String.format(Locale.ROOT, "%.5f,", x * colScale[j] + colOffset[j]));
        }
        int y = r.nextDouble() < 1 / (1 + Math.exp(-4 * s)) ? 1 : 0;
        line.append(y).append('\n');
        (i < train ? a : c).write(line.toString());
      }
    }
  }
}
