package dev.veil.he.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs every example's {@code main} and checks the facts its narrative states, so that the
 * examples run in every build and cannot drift from the engine. Also checks that the README's
 * "Using the engine" snippet is the block of {@link Example1Basics} it was copied from.
 */
class ExamplesTest {

  /** One "(mean) bits (worst slot (min))" line of an example: its label and both numbers. */
  record Precision(String label, double mean, double worst) {}

  private static final Pattern PRECISION =
      Pattern.compile("(?m)^\\s*(.*?)\\s+(-?[0-9.]+) bits \\(worst slot\\s+(-?[0-9.]+)\\)$");

  @FunctionalInterface
  interface Main {
    void run(String[] args) throws Exception;
  }

  /** Runs {@code main} with standard output captured. */
  private static String run(Main main) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      main.run(new String[0]);
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private static List<Precision> precisions(String out) {
    List<Precision> list = new ArrayList<>();
    Matcher m = PRECISION.matcher(out);
    while (m.find()) {
      list.add(new Precision(m.group(1).trim(), Double.parseDouble(m.group(2)),
          Double.parseDouble(m.group(3))));
    }
    return list;
  }

  private static Precision precision(String out, String label) {
    return precisions(out).stream().filter(p -> p.label().equals(label)).findFirst()
        .orElseThrow(() -> new AssertionError("no precision line '" + label + "' in:\n" + out));
  }

  /** The first group of {@code regex} in {@code out}, as a number. */
  private static double number(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    if (!m.find()) {
      throw new AssertionError("no match for /" + regex + "/ in:\n" + out);
    }
    return Double.parseDouble(m.group(1));
  }

  @Test
  void example1_basics() throws Exception {
    String out = run(Example1Basics::main);
    assertThat(out).as(out)
        .contains("preset N13QP201:      Parameters[N=2^13, levels=2")
        .contains("selector(depth 1):    Parameters[N=2^13, levels=1")
        .contains("selector(depth 6):    Parameters[N=2^14, levels=6")
        .contains("refused: insecure: log2(QP) = 201 bits exceeds the 128-bit bound of 109 bits")
        .contains("x + y = 2.000000 1.000000 -1.250000")
        .contains("x * y = 0.750000 -2.000000 -6.500000")
        .contains("x * y has degree 2 (three polynomials); relinearised, degree 1")
        .contains("the product went down one level (2 -> 1)");
    List<Precision> all = precisions(out);
    assertThat(all).as(out).extracting(Precision::label).containsExactly(
        "encode -> decode (no encryption)", "encrypt -> decrypt", "x + y", "x * y (degree 2)",
        "x * y relinearised", "x * y relinearised and rescaled");
    for (Precision p : all) {
      assertThat(p.mean()).as(p.label() + "\n" + out).isGreaterThan(26);
      assertThat(p.worst()).as(p.label() + "\n" + out).isGreaterThan(21);
    }
    assertThat(precision(out, "encode -> decode (no encryption)").mean()).isGreaterThan(33.5);
  }

  @Test
  void example2_rescaling() throws Exception {
    String out = run(Example2Rescaling::main);
    assertThat(out).as(out)
        .containsPattern("x\\^2 before rescale\\s+level 2, scale 2\\^80\\.0000")
        .containsPattern("x\\^2 after rescale\\s+level 1, scale 2\\^40\\.0000")
        .containsPattern("x\\^4 after rescale\\s+level 0")
        .contains("rescale at level 0: LevelException: rescale: ciphertext is at level 0")
        .contains("x^8 at level 0: ")
        .contains("same scale as x after mulConst + rescale: true")
        .containsPattern("3 \\* x \\(mulInt\\)\\s+level 2, scale 2\\^40\\.000000")
        .contains("x^2 + y: ScaleMismatchException: add: scales differ")
        .containsPattern("y after setScale\\s+level 1")
        .contains("depth  2 -> N = 2^13, 2 levels")
        .contains("depth  3 -> N = 2^14, 3 levels")
        .contains("depth 60 -> refused: depth 60 at scale 2^40 needs log2(QP)");
    assertThat(precisions(out)).as(out).extracting(Precision::label)
        .containsExactly("x^2", "x^4", "0.25 * x", "x^2 + y");
    for (Precision p : precisions(out)) {
      assertThat(p.mean()).as(p.label() + "\n" + out).isGreaterThan(26);
      assertThat(p.worst()).as(p.label() + "\n" + out).isGreaterThan(21);
    }
  }

  @Test
  void example3_rotations() throws Exception {
    String out = run(Example3Rotations::main);
    assertThat(out).as(out)
        .contains("rotations 1, -1, 4 and conjugation, 4 in all")
        .contains("conjugate: slot 100 was 0.540302+0.841471i, is 0.540302-0.841471i")
        .contains("rotateAndSum over 4096 slots uses 12 rotations (1, 2, 4, ..., 2048); "
            + "10 more keys generated")
        .contains("rotate by 5: MissingKeyException: no Galois key for rotation by 5");
    assertThat(precisions(out)).as(out).extracting(Precision::label).containsExactly(
        "rotate by 4", "hoisted rotate by 1", "hoisted rotate by -1", "x[j+1] - x[j-1]",
        "conjugate", "inner product");
    for (Precision p : precisions(out)) {
      // the inner product adds 4096 products: its absolute error is larger
      double floor = p.label().equals("inner product") ? 19 : 25;
      assertThat(p.mean()).as(p.label() + "\n" + out).isGreaterThan(floor);
      assertThat(p.worst()).as(p.label() + "\n" + out).isGreaterThan(floor - 5);
    }
    assertThat(number(out, "agree to ([0-9.]+) bits")).as(out).isGreaterThan(25);
  }

  @Test
  void example4_serialization() throws Exception {
    String out = run(Example4Serialization::main);
    double pkFull = number(out, "public key, full\\s+(\\d+) bytes");
    double pkSeeded = number(out, "public key, seeded\\s+(\\d+) bytes");
    double ctFull = number(out, "ciphertext, secret-key encrypted, full\\s+(\\d+) bytes");
    double ctSeeded = number(out, "ciphertext, secret-key encrypted, seeded\\s+(\\d+) bytes");
    double ctPk = number(out, "ciphertext, public-key encrypted \\(no seed\\)\\s+(\\d+) bytes");
    double ctChanged = number(out, "ciphertext after an operation \\(seed dropped\\)\\s+(\\d+)");
    // a seeded form is half the object, plus the 32-byte seed
    assertThat(pkSeeded).as(out).isLessThan(pkFull / 2 + 100);
    assertThat(ctSeeded).as(out).isLessThan(ctFull / 2 + 100);
    assertThat(ctPk).as(out).isEqualTo(ctFull);
    assertThat(ctChanged).as(out).isEqualTo(ctFull);
    assertThat(out).as(out)
        .contains("files written atomically: [evk.veil, owner-only-sk.veil, params.veil, "
            + "pk.veil, x.veil]")
        .contains("equal to the owner's: true")
        .contains("Galois elements [5]) and Ciphertext[degree=1, level=2, scale=2^40.000, seeded]")
        .contains("reading under other parameters: FormatException: ciphertext made for other"
            + " parameters")
        .contains("reading a public key as a ciphertext: FormatException: wrong object type");
    assertThat(number(out, "owner decrypted x\\[j\\] \\* x\\[j\\+1\\]: ([0-9.]+) bits"))
        .as(out).isGreaterThan(26);
  }

  @Test
  void example5_shared_decryption() throws Exception {
    String out = run(Example5SharedDecryption::main);
    assertThat(out).as(out)
        .contains("attack on the exact decryption: 8192 of 8192 secret-key coefficients")
        .contains("budget: 1 used, 15 remaining")
        .contains("third decryption: DecryptionBudgetExhaustedException: the key has made its 2"
            + " shared decryptions")
        .contains("after a restart with used = 2: 0 remaining")
        .contains("flooded decryption with a 20-bit floor refused: flooded decrypt:");
    // the flooded decryption at scale 2^40 keeps a few bits and gives the attack nothing
    assertThat(number(out, "2\\^40\\): ([0-9]+) of 8192 coefficients")).as(out)
        .isLessThan(8192 / 100.0);
    assertThat(number(out, "sigma 2\\^[0-9.]+, ([0-9.]+) bits left at scale 2\\^40")).as(out)
        .isBetween(1.0, 20.0);
    double log2Sigma = number(out, "flooding sigma 2\\^([0-9.]+)");
    double bound = number(out, "traced noise bound 2\\^([0-9.]+)");
    assertThat(log2Sigma).as(out).isCloseTo(0.5 * Math.log(12 * 16) / Math.log(2) + 15 + bound,
        org.assertj.core.data.Offset.offset(0.1));
    Precision exact = precision(out, "exact decryption (stays with the key holder)");
    Precision flooded = precision(out, "flooded decryption (may be published)");
    double expected = number(out, "log2\\(N\\)/2 = ([0-9.]+) bits");
    assertThat(exact.mean()).as(out).isGreaterThan(45);
    assertThat(flooded.mean()).as(out).isGreaterThan(28).isLessThan(exact.mean() - 2)
        .isBetween(expected - 3, expected + 3);
  }

  // ------------------------------------------------------------------ README

  private static final String BEGIN = "// [readme]";
  private static final String END = "// [/readme]";

  @Test
  void readme_snippet_is_example1s_block() throws IOException {
    Path readme = Stream.of(Path.of("README.md"), Path.of("../README.md"))
        .filter(p -> Files.isRegularFile(p) && p.toAbsolutePath().normalize().getParent()
            .resolve("veil-he").toFile().isDirectory())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("README.md of the repository not found"));
    Path example = readme.toAbsolutePath().normalize().getParent()
        .resolve("veil-he/src/test/java/dev/veil/he/examples/Example1Basics.java");
    String md = Files.readString(readme, StandardCharsets.UTF_8);
    String java = Files.readString(example, StandardCharsets.UTF_8);

    int section = md.indexOf("\n## Using the engine\n");
    assertThat(section).as("README section 'Using the engine'").isNotNegative();
    int next = md.indexOf("\n## ", section + 1);
    String body = md.substring(section, next < 0 ? md.length() : next);
    int open = body.indexOf("```java\n");
    assertThat(open).as("a ```java block in 'Using the engine'").isNotNegative();
    String block = body.substring(open + "```java\n".length(), body.indexOf("\n```", open));

    List<String> imports = new ArrayList<>();
    List<String> code = new ArrayList<>();
    for (String line : block.split("\n", -1)) {
      if (code.isEmpty() && line.startsWith("import ")) {
        imports.add(line);
      } else if (!code.isEmpty() || !line.isBlank()) {
        code.add(line);
      }
    }
    String snippet = String.join("\n", code).stripIndent().strip();

    int from = java.indexOf(BEGIN);
    int to = java.indexOf(END);
    assertThat(from).as("marker " + BEGIN + " in Example1Basics").isNotNegative();
    assertThat(to).as("marker " + END + " in Example1Basics").isGreaterThan(from);
    String region = java.substring(java.indexOf('\n', from) + 1, java.lastIndexOf('\n', to));
    assertThat(snippet).as("README snippet vs Example1Basics between the markers")
        .isEqualTo(region.stripIndent().strip());

    // every import the README shows is one Example1 has (a wildcard: of a package it uses)
    for (String imp : imports) {
      String name = imp.substring("import ".length(), imp.length() - 1);
      String needle = name.endsWith(".*") ? "import " + name.substring(0, name.length() - 1)
          : imp;
      assertThat(java).as("README import '" + imp + "' in Example1Basics").contains(needle);
    }
  }
}
