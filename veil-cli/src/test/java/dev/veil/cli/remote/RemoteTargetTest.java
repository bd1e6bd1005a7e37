package dev.veil.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.veil.cli.core.CliContext;
import dev.veil.cli.credentials.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which server and token the remote commands use: the environment's or the saved ones. */
class RemoteTargetTest {
  @TempDir Path dir;

  private CliContext context(Map<String, String> env) {
    return new CliContext(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]),
        env::get);
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
}
