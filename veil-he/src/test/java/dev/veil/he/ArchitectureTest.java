package dev.veil.he;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The package layering of veil-he, checked on the source files: {@code ring -> rlwe -> ckks ->
 * io}. A package may use itself and the packages before it in the chain, never one after it; and
 * the main sources use nothing but the JDK ({@code java.*}, {@code javax.*}) and veil-he itself.
 *
 * <p>Dependencies are read from import declarations and from fully qualified names in code
 * (comments and string literals are ignored).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ArchitectureTest {
  private static final String ROOT_PACKAGE = "dev.veil.he";
  private static final List<String> LAYERS = List.of("ring", "rlwe", "ckks", "io");

  private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;");
  private static final Pattern IMPORT =
      Pattern.compile("(?m)^\\s*import\\s+(static\\s+)?([\\w.]+(?:\\s*\\.\\s*\\*)?)\\s*;");
  private static final Pattern QUALIFIED =
      Pattern.compile(
          "(?<![\\w.])dev\\s*\\.\\s*veil\\s*\\.\\s*he\\s*\\.\\s*(\\w+)(\\s*\\.\\s*\\w+)?");

  private static Path sourceRoot;
  private static Map<Path, String> sources;

  @BeforeAll
  static void readSources() throws IOException {
    // surefire runs in the module directory; an IDE may run in the repository root
    sourceRoot = Stream.of(Path.of("src/main/java"), Path.of("veil-he/src/main/java"))
        .filter(p -> Files.isDirectory(p.resolve("dev/veil/he")))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(
            "veil-he main sources not found from " + Path.of("").toAbsolutePath()));
    sources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> {
        try {
          sources.put(sourceRoot.relativize(p), Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  // ------------------------------------------------------------------ the rules

  @Test
  void the_scan_sees_the_sources_of_every_layer() {
    Set<String> seen = new LinkedHashSet<>();
    for (String src : sources.values()) {
      seen.add(layerOfPackage(packageOf(src)));
    }
    assertThat(sources).as("source files under %s", sourceRoot.toAbsolutePath()).isNotEmpty();
    assertThat(seen).as("layers with sources").contains("ring", "rlwe", "ckks");
  }

  @Test
  void every_main_source_file_lives_in_one_of_the_four_layers() {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<Path, String> e : sources.entrySet()) {
      String pkg = packageOf(e.getValue());
      if (layerOfPackage(pkg) == null) {
        violations.add(e.getKey() + ": package " + pkg + " is not one of "
            + ROOT_PACKAGE + "." + LAYERS);
      }
    }
    assertThat(violations).as("files outside the layers").isEmpty();
  }

  @Test
  void each_layer_depends_only_on_itself_and_the_layers_below_it() {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<Path, String> e : sources.entrySet()) {
      violations.addAll(layerViolations(e.getKey().toString(), e.getValue()));
    }
    assertThat(violations)
        .as("dependencies against the chain ring -> rlwe -> ckks -> io")
        .isEmpty();
  }

  @Test
  void main_sources_import_nothing_but_the_JDK_and_veil_he() {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<Path, String> e : sources.entrySet()) {
      violations.addAll(foreignImports(e.getKey().toString(), e.getValue()));
    }
    assertThat(violations).as("imports outside java.*, javax.*, dev.veil.he.*").isEmpty();
  }

  // ------------------------------------------------------------------ the checker checks itself

  @Test
  void the_checker_reports_an_upward_import_a_wildcard_and_a_qualified_name() {
    String src = """
        package dev.veil.he.ring;

        import java.util.List;
        import dev.veil.he.rlwe.Parameters;
        import static dev.veil.he.ckks.Presets.N13QP201;
        import dev.veil.he.io.*;

        final class Bad {
          Object x = new dev.veil.he.ckks.Encoder();
        }
        """;
    assertThat(layerViolations("Bad.java", src))
        .hasSize(4)
        .anySatisfy(v -> assertThat(v).contains("dev.veil.he.rlwe.Parameters"))
        .anySatisfy(v -> assertThat(v).contains("dev.veil.he.ckks.Presets.N13QP201"))
        .anySatisfy(v -> assertThat(v).contains("dev.veil.he.io.*"))
        .anySatisfy(v -> assertThat(v).contains("dev.veil.he.ckks.Encoder by its qualified name"));
  }

  @Test
  void the_checker_allows_downward_imports_and_ignores_comments_and_strings() {
    String src = """
        package dev.veil.he.ckks;

        import dev.veil.he.ring.Modulus;
        import dev.veil.he.rlwe.Parameters;
        // import dev.veil.he.io.VeilIO;
        /* import dev.veil.he.io.Format; */

        /** See {@link dev.veil.he.io.VeilIO}. */
        final class Fine {
          String s = "dev.veil.he.io.VeilIO";
          char c = '"';
          Object m = dev.veil.he.ring.Primes.class;
        }
        """;
    assertThat(layerViolations("Fine.java", src)).isEmpty();
    assertThat(foreignImports("Fine.java", src)).isEmpty();
  }

  @Test
  void the_checker_reports_a_third_party_import() {
    String src = """
        package dev.veil.he.io;

        import javax.crypto.Cipher;
        import com.fasterxml.jackson.databind.ObjectMapper;
        import static org.junit.jupiter.api.Assertions.fail;
        """;
    assertThat(foreignImports("Io.java", src))
        .hasSize(2)
        .anySatisfy(v -> assertThat(v).contains("com.fasterxml.jackson.databind.ObjectMapper"))
        .anySatisfy(v -> assertThat(v).contains("org.junit.jupiter.api.Assertions.fail"));
  }

  // ------------------------------------------------------------------ scanning

  private static List<String> layerViolations(String file, String source) {
    String code = stripCommentsAndLiterals(source);
    String pkg = packageOf(code);
    String layer = layerOfPackage(pkg);
    List<String> out = new ArrayList<>();
    if (layer == null) {
      return out; // reported by the file placement rule
    }
    int rank = LAYERS.indexOf(layer);
    Matcher im = IMPORT.matcher(code);
    while (im.find()) {
      String name = im.group(2).replaceAll("\\s+", "");
      if (name.startsWith(ROOT_PACKAGE + ".")) {
        String target = name.substring(ROOT_PACKAGE.length() + 1).split("\\.")[0];
        if (!allowed(rank, target)) {
          out.add(file + ": " + layer + " imports " + name + explain(layer, target));
        }
      }
    }
    // fully qualified uses outside import lines
    String body = IMPORT.matcher(code).replaceAll("");
    Set<String> reported = new LinkedHashSet<>();
    Matcher qm = QUALIFIED.matcher(body);
    while (qm.find()) {
      String target = qm.group(1);
      String name = qm.group(0).replaceAll("\\s+", "");
      if (!allowed(rank, target) && reported.add(name)) {
        out.add(file + ": " + layer + " uses " + name + " by its qualified name"
            + explain(layer, target));
      }
    }
    return out;
  }

  private static boolean allowed(int rank, String targetLayer) {
    int target = LAYERS.indexOf(targetLayer);
    return target >= 0 && target <= rank;
  }

  private static String explain(String layer, String target) {
    return LAYERS.contains(target)
        ? " (" + layer + " may not depend on " + target + ")"
        : " (" + target + " is not a layer of " + ROOT_PACKAGE + ")";
  }

  private static List<String> foreignImports(String file, String source) {
    String code = stripCommentsAndLiterals(source);
    List<String> out = new ArrayList<>();
    Matcher im = IMPORT.matcher(code);
    while (im.find()) {
      String name = im.group(2).replaceAll("\\s+", "");
      if (!(name.startsWith("java.") || name.startsWith("javax.")
          || name.startsWith(ROOT_PACKAGE + "."))) {
        out.add(file + ": imports " + name);
      }
    }
    return out;
  }

  private static String packageOf(String source) {
    Matcher m = PACKAGE.matcher(stripCommentsAndLiterals(source));
    return m.find() ? m.group(1) : "";
  }

  /** {@code ring} for {@code dev.veil.he.ring} or a subpackage of it; null outside the layers. */
  private static String layerOfPackage(String pkg) {
    if (!pkg.startsWith(ROOT_PACKAGE + ".")) {
      return null;
    }
    String first = pkg.substring(ROOT_PACKAGE.length() + 1).split("\\.")[0];
    return LAYERS.contains(first) ? first : null;
  }

  /**
   * Blanks out comments, string and character literals and text blocks, keeping line breaks, so
   * that only code is scanned.
   */
  static String stripCommentsAndLiterals(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
        while (i < n && s.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        appendLineBreaks(out, s, i, end);
        i = end;
      } else if (s.startsWith("\"\"\"", i)) {
        int end = s.indexOf("\"\"\"", i + 3);
        while (end > 0 && s.charAt(end - 1) == '\\') {
          end = s.indexOf("\"\"\"", end + 1);
        }
        end = end < 0 ? n : end + 3;
        appendLineBreaks(out, s, i, end);
        out.append("\"\"");
        i = end;
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < n && s.charAt(j) != c && s.charAt(j) != '\n') {
          j += s.charAt(j) == '\\' ? 2 : 1;
        }
        out.append(c).append(c);
        i = Math.min(n, j + 1);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static void appendLineBreaks(StringBuilder out, String s, int from, int to) {
    for (int k = from; k < to; k++) {
      if (s.charAt(k) == '\n') {
        out.append('\n');
      }
    }
  }
}
