package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import dev.veil.api.DataInfo;
import dev.veil.api.RowsInfo;
import dev.veil.cli.core.CliContext;
import dev.veil.client.VeilFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saved credentials of {@code veil login} (owner-only, atomic), which server and token the
 * remote commands use, and that the SDK's file names are the command line's.
 */
class CredentialsTest {
  @TempDir Path dir;

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private CliContext context(Map<String, String> env) {
    return new CliContext(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]),
        env::get);
  }

  @Test
  void credentialsAreWrittenForTheOwnerOnlyAndReadBack() throws IOException {
    Path home = dir.resolve("new").resolve(".veil");
    Files.createDirectories(home.getParent());
    Credentials.Saved s = new Credentials.Saved("http://127.0.0.1:8080", "alice", "veil_secret",
        "2026-01-01T00:00:00Z");
    Path file = Credentials.write(home, s);
    assertThat(file).isEqualTo(home.resolve("credentials.json"));
    assertThat(Credentials.read(home)).contains(s);
    assertThat(s.toString()).doesNotContain("veil_secret");
    if (posix()) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home)))
          .isEqualTo("rwx------");
    }
    // replaced whole, no temporary file left
    Credentials.write(home, new Credentials.Saved("http://h:1", "bob", "veil_2", "x"));
    assertThat(Credentials.read(home).orElseThrow().username()).isEqualTo("bob");
    try (Stream<Path> files = Files.list(home)) {
      assertThat(files).containsExactly(file);
    }
    assertThat(Credentials.delete(home)).isTrue();
    assertThat(Credentials.read(home)).isEmpty();
    assertThat(Credentials.delete(home)).isFalse();
  }

  @Test
  void aBrokenFileIsNamed() throws IOException {
    Files.writeString(dir.resolve("credentials.json"), "{not json");
    assertThatThrownBy(() -> Credentials.read(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("credentials.json").hasMessageContaining("veil login");
    Files.writeString(dir.resolve("credentials.json"), "{\"server\":\"http://x\"}");
    assertThatThrownBy(() -> Credentials.read(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no server or token");
  }

  @Test
  void theDirectoryIsTheOptionElseVeilHomeElseTheUsersHome() {
    Path option = dir.resolve("opt");
    assertThat(Credentials.dir(option, Map.of("VEIL_HOME", "/elsewhere")::get))
        .isEqualTo(option);
    assertThat(Credentials.dir(null, Map.of("VEIL_HOME", "/elsewhere")::get))
        .isEqualTo(Path.of("/elsewhere"));
    assertThat(Credentials.dir(null, Map.<String, String>of()::get))
        .isEqualTo(Path.of(System.getProperty("user.home"), ".veil"));
  }

  @Test
  void theEnvironmentOverridesButASavedTokenGoesOnlyToItsServer() throws IOException {
    Credentials.write(dir, new Credentials.Saved("http://saved:8080/", "alice", "veil_saved",
        "x"));
    Map<String, String> env = new HashMap<>(Map.of("VEIL_HOME", dir.toString()));
    Remote.Target t = Remote.target(context(env), null);
    assertThat(t).isEqualTo(new Remote.Target("http://saved:8080/", "veil_saved", "alice"));

    env.put("VEIL_TOKEN", "veil_env");
    assertThat(Remote.target(context(env), null).token()).isEqualTo("veil_env");

    env.remove("VEIL_TOKEN");
    env.put("VEIL_SERVER", "http://saved:8080"); // the same server, without the slash
    assertThat(Remote.target(context(env), null).token()).isEqualTo("veil_saved");
    env.put("VEIL_SERVER", "http://other:8080");
    Remote.Target other = Remote.target(context(env), null);
    assertThat(other.server()).isEqualTo("http://other:8080");
    assertThat(other.token()).isNull();
    assertThatThrownBy(() -> Remote.client(context(env), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not logged in to http://other:8080");

    Map<String, String> empty = Map.of("VEIL_HOME", dir.resolve("none").toString());
    assertThatThrownBy(() -> Remote.client(context(empty), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not logged in: run veil login");
  }

  @Test
  void theSdksFileNamesAreTheCommandLines() {
    assertThat(VeilFiles.PARAMS).isEqualTo(Workflow.PARAMS);
    assertThat(VeilFiles.PUBLIC_KEY).isEqualTo(Workflow.PUBLIC_KEY);
    assertThat(VeilFiles.EVALUATION_KEYS).isEqualTo(Workflow.EVALUATION_KEYS);
    assertThat(VeilFiles.SECRET_KEY).isEqualTo(Workflow.SECRET_KEY);
    assertThat(VeilFiles.META).isEqualTo(Workflow.META);
    assertThat(VeilFiles.PLAN).isEqualTo(Workflow.PLAN);
    assertThat(VeilFiles.WEIGHTS).isEqualTo(Workflow.WEIGHTS);
    assertThat(VeilFiles.DATA_FORMAT).isEqualTo(DataInfo.FORMAT);
    assertThat(VeilFiles.ROWS_FORMAT).isEqualTo(RowsInfo.FORMAT);
    assertThat(VeilFiles.datasetPart(12)).isEqualTo(Workflow.tableFile(12));
    assertThat(VeilFiles.rowsFile(3, 7)).isEqualTo(Inference.rowFile(3, 7));
    assertThat(VeilFiles.predictionsFile(1, 9)).isEqualTo(Inference.resultFile(1, 9));
  }
}
