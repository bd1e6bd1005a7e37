package dev.veil.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import dev.veil.dist.Architecture.Module;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's layering, read from the sources: modules use only the modules below them
 * (the order of the parent pom's module list), the SDK and the wire records carry no command-line
 * or server library, no module has a cycle between its packages, and the packages of veil-he
 * ({@code ring -> rlwe -> ckks -> io}) and veil-ml keep their order. Inside the server, the
 * wiring ({@code dev.veil.server.app}) is used by no feature and the shared types ({@code
 * dev.veil.server.core}) use none.
 */
class ArchitectureTest {
  private static final Set<String> JSON = Set.of("com.fasterxml.jackson");

  /** The modules and what each may use: the layering this repository holds itself to. */
  static final List<Module> LAYERS = List.of(
      new Module("veil-he", "dev.veil.he", Set.of(), Set.of(),
          List.of("ring", "rlwe", "ckks", "io", "multiparty")),
      new Module("veil-ml", "dev.veil.ml", Set.of("veil-he"),
          Set.of("ai.onnx.proto", "com.google.protobuf"),
          List.of("data", "plain", "poly", "linalg", "train|infer", "nn")),
      new Module("veil-api", "dev.veil.api", Set.of("veil-ml"), JSON),
      new Module("veil-sdk", "dev.veil.client", Set.of("veil-api"), JSON),
      new Module("veil-cli", "dev.veil.cli", Set.of("veil-he", "veil-ml", "veil-api", "veil-sdk"),
          Set.of("com.fasterxml.jackson", "picocli", "me.tongfei.progressbar")),
      new Module("veil-server", "dev.veil.server",
          Set.of("veil-he", "veil-ml", "veil-api", "veil-sdk", "veil-cli"),
          Set.of("com.fasterxml.jackson", "picocli", "io.javalin", "org.jdbi", "org.flywaydb",
              "com.zaxxer.hikari", "org.sqlite", "org.bouncycastle", "org.slf4j",
              "org.eclipse.jetty")),
      new Module("veil-bench", "dev.veil.bench",
          Set.of("veil-he", "veil-ml", "veil-api", "veil-sdk", "veil-cli", "veil-server"),
          Set.of("com.fasterxml.jackson", "picocli", "org.openjdk.jmh", "com.sun.management")));

  /** The repository root: Surefire runs the tests in veil-dist. */
  private static Path root() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("veil-he")) ? here : here.getParent();
  }

  @Test
  void everyModuleUsesOnlyTheModulesAndLibrariesBelowItAndHasNoPackageCycle() {
    assertThat(new Architecture(LAYERS).violations(root())).isEmpty();
  }

  @Test
  void everyModuleOfTheParentPomIsHeldToARule() throws IOException {
    String pom = Files.readString(root().resolve("pom.xml"));
    for (Module m : LAYERS) {
      assertThat(pom).contains("<module>" + m.folder() + "</module>");
    }
    assertThat(pom.split("<module>", -1).length - 1)
        .as("modules in pom.xml: each code module has a rule, plus veil-dist")
        .isEqualTo(LAYERS.size() + 1);
  }

  @Test
  void theServersWiringIsUsedByNoFeatureAndItsSharedTypesUseNoFeature() {
    Path src = root().resolve("veil-server/src/main/java");
    for (Architecture.Reference r : Architecture.references(src)) {
      if (!r.fromPackage().equals("dev.veil.server.app")) {
        assertThat(r.toPackage()).as(r.file() + " uses the wiring").isNotEqualTo(
            "dev.veil.server.app");
      }
      if (r.fromPackage().equals("dev.veil.server.core")
          && r.toPackage().startsWith("dev.veil.server.")) {
        assertThat(r.toPackage()).as(r.file() + ": shared types use a feature")
            .isEqualTo("dev.veil.server.core");
      }
    }
  }

  // The checker itself: each rule fails on a tree made to break it.

  private static final List<Module> TWO = List.of(
      new Module("low", "dev.low", Set.of(), Set.of()),
      new Module("high", "dev.high", Set.of("low"), Set.of("org.allowed")));

  private static void write(Path root, String path, String text) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void aLowerModuleImportingAHigherOneIsReported(@TempDir Path root) throws IOException {
    write(root, "low/src/main/java/dev/low/A.java",
        "package dev.low;\nimport dev.high.B;\nclass A { B b; }\n");
    write(root, "high/src/main/java/dev/high/B.java",
        "package dev.high;\nimport dev.low.A;\npublic class B { A a; }\n");
    assertThat(new Architecture(TWO).violations(root)).singleElement().asString()
        .contains("low/src/main/java/dev/low/A.java uses dev.high of high, which low may not use");
  }

  @Test
  void aFullyQualifiedNameCountsButACommentOrAStringDoesNot(@TempDir Path root)
      throws IOException {
    write(root, "low/src/main/java/dev/low/A.java",
        "package dev.low;\n/** {@link dev.high.B} */\nclass A {\n"
            + "  String s = \"dev.high.B\"; // dev.high.B\n"
            + "  Object b = new dev.high.B();\n}\n");
    write(root, "high/src/main/java/dev/high/B.java", "package dev.high;\npublic class B {}\n");
    assertThat(new Architecture(TWO).violations(root)).hasSize(1);
  }

  @Test
  void aLibraryNotAllowedIsReported(@TempDir Path root) throws IOException {
    write(root, "low/src/main/java/dev/low/A.java", "package dev.low;\nclass A {}\n");
    write(root, "high/src/main/java/dev/high/B.java",
        "package dev.high;\nimport org.allowed.X;\nimport picocli.CommandLine;\n"
            + "import java.util.List;\nclass B {}\n");
    assertThat(new Architecture(TWO).violations(root)).singleElement().asString()
        .contains("uses picocli, a library that high may not depend on");
  }

  @Test
  void aCycleBetweenPackagesIsReportedWithItsMembers(@TempDir Path root) throws IOException {
    write(root, "low/src/main/java/dev/low/a/A.java",
        "package dev.low.a;\nimport dev.low.b.B;\npublic class A {}\n");
    write(root, "low/src/main/java/dev/low/b/B.java",
        "package dev.low.b;\nimport static dev.low.c.C.f;\npublic class B {}\n");
    write(root, "low/src/main/java/dev/low/c/C.java",
        "package dev.low.c;\nimport dev.low.a.*;\npublic class C {}\n");
    write(root, "low/src/main/java/dev/low/d/D.java",
        "package dev.low.d;\nimport dev.low.a.A;\npublic class D {}\n");
    write(root, "high/src/main/java/dev/high/B.java", "package dev.high;\nclass B {}\n");
    assertThat(new Architecture(TWO).violations(root)).containsExactly(
        "low: package cycle dev.low.a <-> dev.low.b <-> dev.low.c");
  }

  private static final List<Module> LAYERED = List.of(
      new Module("m", "dev.m", Set.of(), Set.of(), List.of("a", "b", "c|d")));

  @Test
  void aPackageUsingOneAboveItOrAPeerIsReportedAndOneBelowItIsNot(@TempDir Path root)
      throws IOException {
    write(root, "m/src/main/java/dev/m/a/A.java",
        "package dev.m.a;\nimport dev.m.b.B;\npublic class A {}\n");
    write(root, "m/src/main/java/dev/m/b/B.java",
        "package dev.m.b;\npublic class B {}\n");
    write(root, "m/src/main/java/dev/m/c/C.java",
        "package dev.m.c;\nimport dev.m.a.A;\nimport dev.m.b.B;\nimport dev.m.d.D;\n"
            + "public class C {}\n");
    write(root, "m/src/main/java/dev/m/d/D.java", "package dev.m.d;\npublic class D {}\n");
    write(root, "m/src/main/java/dev/m/e/E.java", "package dev.m.e;\npublic class E {}\n");
    assertThat(new Architecture(LAYERED).violations(root)).containsExactly(
        "m: m/src/main/java/dev/m/a/A.java uses dev.m.b, which is not below dev.m.a in a -> b -> c|d",
        "m: m/src/main/java/dev/m/c/C.java uses dev.m.d, which is not below dev.m.c in a -> b -> c|d",
        "m: m/src/main/java/dev/m/e/E.java is in package dev.m.e, which is in no layer of"
            + " a -> b -> c|d");
  }

  @Test
  void aFileOutsideItsModulesPackageIsReported(@TempDir Path root) throws IOException {
    write(root, "low/src/main/java/dev/other/A.java", "package dev.other;\nclass A {}\n");
    write(root, "high/src/main/java/dev/high/B.java", "package dev.high;\nclass B {}\n");
    assertThat(new Architecture(TWO).violations(root)).singleElement().asString()
        .contains("declares package dev.other outside dev.low");
  }
}
