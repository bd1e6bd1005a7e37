package dev.veil.cli.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saved credentials of {@code veil login}: owner-only, atomic, and where they live. */
class CredentialsTest {
  @TempDir Path dir;

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
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
}
