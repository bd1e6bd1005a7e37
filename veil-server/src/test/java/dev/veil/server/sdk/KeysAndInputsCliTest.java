package dev.veil.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.veil.client.VeilClient;
import dev.veil.server.testing.TestCrypto;
import dev.veil.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veil keys delete}, {@code veil inputs list/delete} and the SDK's list methods, which
 * follow the server's cursor pages to the end.
 */
class KeysAndInputsCliTest {
  private static final String PW = "cli-password-1";
  @TempDir Path dir;

  @Test
  void keySetsAndInputsAreDeletedFromTheCommandLineAndListsFollowEveryPage() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(dir.resolve("server")).build())) {
      String url = server.url();
      RemoteCliTest.Cli cli = new RemoteCliTest.Cli(Map.of("VEIL_HOME",
          Files.createDirectories(dir.resolve("home")).toString()));
      assertThat(cli.input(PW + "\n", "register", "--server", url, "--username", "dora",
          "--role", "buyer", "--role", "data-owner", "--password-stdin")).as(cli.err())
          .isZero();
      String token = server.login("dora", PW);
      String used = server.keySet(token);
      String ds = server.dataset(token, used, 1, false);
      String spare = TestServer.expect(server.post("/api/keys", token, Map.of("name", "spare",
          "params", TestCrypto.base64(TestCrypto.OTHER_PARAMS_BIN))), 201).json().get("id")
          .asText();
      int inputs = 7;
      for (int i = 0; i < inputs; i++) {
        TestServer.expect(server.send("POST", "/api/inputs", token, "application/octet-stream",
            HttpRequest.BodyPublishers.ofByteArray(TestCrypto.ciphertext(i)), Map.of()), 201);
      }

      assertThat(cli.ok("keys", "list")).contains(used, spare);
      assertThat(cli.ok("keys", "delete", spare)).contains("deleted key set " + spare);
      assertThat(cli.ok("keys", "list")).contains(used).doesNotContain(spare);
      cli.fails(cli.run("keys", "delete", used), 2, "veil keys delete:", "data set " + ds,
          "in_use");

      VeilClient sdk = VeilClient.builder(url).token(token).build();
      var all = sdk.listInputs();
      assertThat(all).hasSize(inputs);
      String first = all.get(0).id();
      assertThat(cli.ok("inputs", "list")).contains(first, "SHA-256");
      assertThat(cli.ok("inputs", "delete", first)).contains("deleted " + first);
      assertThat(sdk.listInputs()).hasSize(inputs - 1).noneMatch(in -> in.id().equals(first));
      cli.fails(cli.run("inputs", "delete", first), 2, "does not exist");
    }
  }
}
