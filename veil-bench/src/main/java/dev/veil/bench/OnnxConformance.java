package dev.veil.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.veil.he.io.VeilIO;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.onnx.OnnxImport;
import dev.veil.ml.nn.onnx.OnnxTensor;
import dev.veil.ml.nn.onnx.UnsupportedModelException;

/**
 * ONNX's backend test cases through Veil's importer ({@code veil bench onnx}): every folder under
 * a directory that holds a {@code model.onnx} and {@code test_data_set_*} folders is one case.
 * Each model is imported; a refusal is recorded with its reason. An imported model runs in
 * exact mode on every data set ({@code input_0.pb} is the sample batch, further inputs are bound
 * as constants, as the operator tests pass their weights as inputs; a batch of B samples runs as
 * B one-sample forwards) and its largest absolute error against {@code output_0.pb} is recorded.
 *
 * <p>A case passes when that error is at most {@link #RELATIVE_TOLERANCE} times {@code max(1,
 * max |expected|)}. A case that imports but misses, or that throws anything, is a failure: its
 * {@code refusal} field then starts with {@code "failed: "}, and it counts in neither the passed
 * nor the refused cases. With an {@link Encrypted} evaluation ({@link CompiledForward}: the
 * bench's {@code --encrypted}) every sample of a supported case is also computed under
 * encryption and the largest absolute error against the expected output is {@code
 * encryptedMaxError} (null without it, or where the compiler does not take the network).
 */
public final class OnnxConformance {
  /** Largest error of a passed case, relative to the largest expected value (at least 1). */
  public static final double RELATIVE_TOLERANCE = 1e-5;

  /** Prefix of the refusal field of a failed case. */
  public static final String FAILED = "failed: ";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** An encrypted evaluation of an imported network on one sample (the compiler, later). */
  @FunctionalInterface
  public interface Encrypted {
    /**
     * The network's output (before {@link Network#output()}) computed under encryption, or null
     * when the encrypted evaluation cannot take this network (the case's encryptedMaxError is
     * then null).
     */
    double[] forward(Network network, double[] sample) throws Exception;
  }

  /**
   * One case of the report.
   *
   * @param name the case folder's name
   * @param supported whether the model imported
   * @param plainMaxError largest absolute error of the exact forward over all outputs, or null
   * @param encryptedMaxError the same under encryption, null while not wired
   * @param refusal the importer's reason for a refused case, {@code "failed: ..."} for a
   *     failure, null for a passed case
   */
  public record Case(String name, boolean supported, Double plainMaxError,
      Double encryptedMaxError, String refusal) {
    /** Whether the case imported and matched its expected outputs. */
    public boolean passed() {
      return supported && refusal == null;
    }

    /** Whether the case failed (imported but missed, or threw). */
    public boolean failed() {
      return refusal != null && refusal.startsWith(FAILED);
    }
  }

  /** The JSON report: {@code {"cases": [...]}}. */
  public record Report(List<Case> cases) {
    public Report {
      cases = List.copyOf(cases);
    }

    /** Cases that passed. */
    public long passed() {
      return cases.stream().filter(Case::passed).count();
    }

    /** Cases refused with a reason. */
    public long refused() {
      return cases.stream().filter(c -> !c.supported() && !c.failed()).count();
    }

    /** Cases that failed. */
    public List<Case> failures() {
      return cases.stream().filter(Case::failed).toList();
    }
  }

  private final Encrypted encrypted;

  /** Plaintext only. */
  public OnnxConformance() {
    this(null);
  }

  /** With an encrypted evaluation of each supported case (null: plaintext only). */
  public OnnxConformance(Encrypted encrypted) {
    this.encrypted = encrypted;
  }

  /** Every case folder under {@code dir} (any depth), sorted by path. */
  public static List<Path> cases(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName() != null && p.getFileName().toString()
          .equals("model.onnx") && Files.isRegularFile(p)).map(Path::getParent).sorted()
          .toList();
    }
  }

  /** Runs every case under {@code dir}. */
  public Report run(Path dir) throws IOException {
    List<Case> out = new ArrayList<>();
    for (Path c : cases(dir)) {
      out.add(runCase(c));
    }
    return new Report(out);
  }

  /** One case; never throws (a throw is recorded as a failure). */
  public Case runCase(Path dir) {
    String name = dir.getFileName().toString();
    boolean imported = false;
    try {
      OnnxImport.Model model = OnnxImport.Model.read(dir.resolve("model.onnx"));
      List<String> inputs = model.inputs();
      List<Path> sets;
      try (Stream<Path> s = Files.list(dir)) {
        sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_")
            && Files.isDirectory(p)).sorted().toList();
      }
      double plain = 0;
      double enc = 0;
      boolean encryptable = true;
      double scale = 1;
      if (sets.isEmpty()) {
        model.imported(Map.of());
        return new Case(name, true, null, null, FAILED + "no test_data_set folder");
      }
      for (Path set : sets) {
        Map<String, OnnxTensor> bound = new HashMap<>();
        for (int k = 1; k < inputs.size(); k++) {
          Path f = set.resolve("input_" + k + ".pb");
          if (Files.exists(f)) {
            bound.put(inputs.get(k), OnnxTensor.read(f));
          }
        }
        OnnxImport.Result r = model.imported(bound);
        imported = true;
        OnnxTensor x = OnnxTensor.read(set.resolve("input_0.pb"));
        OnnxTensor y = OnnxTensor.read(set.resolve("output_0.pb"));
        Network net = r.network();
        int in = net.input().size();
        int outSize = net.outputShape().size();
        if (x.size() == 0 || x.size() % in != 0) {
          return new Case(name, true, null, null, FAILED + "input of " + x.size()
              + " values for samples of " + in);
        }
        int samples = x.size() / in;
        if (y.size() != samples * outSize) {
          return new Case(name, true, null, null, FAILED + "expected output of " + y.size()
              + " values, the network computes " + samples + " x " + outSize);
        }
        double[] xs = x.data();
        double[] ys = y.data();
        for (int s = 0; s < samples; s++) {
          double[] sample = java.util.Arrays.copyOfRange(xs, s * in, (s + 1) * in);
          double[] got = net.output().apply(net.forward(sample, Network.Mode.EXACT));
          double[] enRaw = encrypted == null || !encryptable ? null
              : encrypted.forward(net, sample);
          encryptable &= enRaw != null;
          double[] enGot = enRaw == null ? null : net.output().apply(enRaw);
          for (int j = 0; j < outSize; j++) {
            double want = ys[s * outSize + j];
            scale = Math.max(scale, Math.abs(want));
            plain = Math.max(plain, Math.abs(got[j] - want));
            if (!(Math.abs(got[j] - want) <= plain)) {
              plain = Double.POSITIVE_INFINITY; // NaN
            }
            if (enGot != null) {
              enc = Math.max(enc, Math.abs(enGot[j] - want));
            }
          }
        }
      }
      Double encrypted = this.encrypted == null || !encryptable ? null : enc;
      if (!(plain <= RELATIVE_TOLERANCE * scale)) {
        return new Case(name, true, finiteOrNull(plain), encrypted, FAILED
            + String.format(Locale.ROOT, "largest error %.3g exceeds %.0e x %.3g", plain,
                RELATIVE_TOLERANCE, scale));
      }
      return new Case(name, true, plain, encrypted, null);
    } catch (UnsupportedModelException e) {
      if (imported) {
        return new Case(name, true, null, null, FAILED + "a data set was refused after another"
            + " imported: " + e.getMessage());
      }
      String m = e.getMessage();
      return new Case(name, false, null, null, m == null || m.isBlank() ? "refused" : m);
    } catch (Throwable e) {
      return new Case(name, imported, null, null, FAILED + e);
    }
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** Writes the report as {@code {"cases": [...]}}, atomically. */
  public static void write(Report report, Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    VeilIO.writeAtomically(file, o -> JSON.writeValue(o, report));
  }

  /** Prints counts, the refusals grouped by operator and every failure. */
  public static void summarise(Report report, PrintStream out) {
    out.printf(Locale.ROOT, "%d cases: %d passed, %d refused, %d failed%n",
        report.cases().size(), report.passed(), report.refused(), report.failures().size());
    Map<String, Integer> groups = new TreeMap<>();
    for (Case c : report.cases()) {
      if (!c.supported() && !c.failed()) {
        groups.merge(group(c.refusal()), 1, Integer::sum);
      }
    }
    out.println("refusals by reason:");
    int unknown = 0;
    for (Map.Entry<String, Integer> e : groups.entrySet()) {
      if (e.getKey().startsWith("operator not supported: ")) {
        unknown += e.getValue();
      }
    }
    out.printf(Locale.ROOT, "  %4d  operators Veil does not import (%d distinct)%n", unknown,
        groups.keySet().stream().filter(k -> k.startsWith("operator not supported: ")).count());
    groups.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
        .forEach(e -> out.printf(Locale.ROOT, "  %4d  %s%n", e.getValue(), e.getKey()));
    for (Case c : report.failures()) {
      out.println("FAILED " + c.name() + ": " + c.refusal());
    }
  }

  /**
   * A refusal's group: "operator not supported: X" for an operator the importer does not know,
   * "X: reason" for a supported operator refused for an attribute or shape, else the reason;
   * names in quotes, lists in brackets and numbers are blanked out so that alike reasons meet.
   */
  public static String group(String refusal) {
    int node = refusal.indexOf(" (node '");
    int end = node < 0 ? -1 : refusal.indexOf("'): ", node);
    String g;
    if (node > 0 && end > 0 && !refusal.substring(0, node).contains(" ")) {
      String op = refusal.substring(0, node);
      if (!OnnxImport.SUPPORTED.contains(op)) {
        return "operator not supported: " + op;
      }
      g = op + ": " + refusal.substring(end + 4);
    } else {
      g = refusal;
    }
    g = g.replaceAll("'[^'\\s]*'", "'…'").replaceAll("\\[[^\\]]*\\]", "[…]")
        .replaceAll("-?\\d+(\\.\\d+)?(?!-D)", "N");
    int semi = g.indexOf("; Veil imports");
    if (semi > 0) {
      g = g.substring(0, semi);
    }
    return g.length() > 100 ? g.substring(0, 100) + "…" : g;
  }
}
