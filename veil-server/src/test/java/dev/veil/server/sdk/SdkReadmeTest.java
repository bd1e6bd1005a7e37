package dev.veil.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README's SDK snippet is {@link SdkReadmeExample}'s block, so that it compiles against the
 * current SDK; {@link SdkIntegrationTest} runs the example against the live server.
 */
class SdkReadmeTest {
  static final String BEGIN = "// [readme]";
  static final String END = "// [/readme]";

  static Path readme() {
    return Stream.of(Path.of("README.md"), Path.of("../README.md"))
        .filter(p -> Files.isRegularFile(p) && p.toAbsolutePath().normalize().getParent()
            .resolve("veil-server").toFile().isDirectory())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("README.md of the repository not found"));
  }

  @Test
  void theReadmeSnippetIsTheExamplesBlock() throws IOException {
    Path readme = readme();
    Path example = readme.toAbsolutePath().normalize().getParent()
        .resolve("veil-server/src/test/java/dev/veil/server/sdk/SdkReadmeExample.java");
    String md = Files.readString(readme, StandardCharsets.UTF_8);
    String java = Files.readString(example, StandardCharsets.UTF_8);

    int section = md.indexOf("\n### The Java SDK\n");
    assertThat(section).as("README section 'The Java SDK'").isNotNegative();
    int open = md.indexOf("```java\n", section);
    assertThat(open).as("a ```java block in 'The Java SDK'").isNotNegative();
    String block = md.substring(open + "```java\n".length(), md.indexOf("\n```", open));
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
    assertThat(from).isNotNegative();
    assertThat(to).isGreaterThan(from);
    String region = java.substring(java.indexOf('\n', from) + 1, java.lastIndexOf('\n', to));
    assertThat(snippet).as("README snippet vs SdkReadmeExample between the markers")
        .isEqualTo(region.stripIndent().strip());
    for (String imp : imports) {
      String name = imp.substring("import ".length(), imp.length() - 1);
      String needle = name.endsWith(".*") ? "import " + name.substring(0, name.length() - 1)
          : imp;
      assertThat(java).as("README import '" + imp + "' in SdkReadmeExample").contains(needle);
    }
  }
}
