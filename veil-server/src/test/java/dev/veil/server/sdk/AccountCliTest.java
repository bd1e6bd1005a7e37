package dev.veil.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.veil.client.VeilClient;
import dev.veil.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil tokens list/revoke} and {@code veil password}, and the SDK's account methods. */
class AccountCliTest {
  private static final String PW = "cli-password-1";
  @TempDir Path dir;

  @Test
  void tokensAreListedAndRevokedAndThePasswordChangedFromTheCommandLine() throws Exception {
    try (TestServer server = new TestServer(TestServer.config(dir.resolve("server")).build())) {
      String url = server.url();
      RemoteCliTest.Cli cli = new RemoteCliTest.Cli(Map.of("VEIL_HOME",
          Files.createDirectories(dir.resolve("home")).toString()));
      assertThat(cli.input(PW + "\n", "register", "--server", url, "--username", "dora",
          "--role", "buyer", "--password-stdin")).as(cli.err()).isZero();
      String other = server.login("dora", PW);
      String list = cli.ok("tokens", "list");
      assertThat(list).contains("TOKEN", "tok_");
      String otherId = VeilClient.builder(url).token(other).build().listTokens().stream()
          .filter(t -> !t.name().startsWith("veil")).findFirst().orElseThrow().id();
      assertThat(cli.ok("tokens", "revoke", otherId)).contains("revoked " + otherId);
      assertThat(server.get("/api/me", other).status()).isEqualTo(401);

      String third = server.login("dora", PW);
      assertThat(cli.input(PW + "\nnew-cli-password-2\n", "password", "--password-stdin"))
          .as(cli.err()).isZero();
      assertThat(cli.out()).contains("password changed; 1 other token revoked");
      assertThat(server.get("/api/me", third).status()).isEqualTo(401);
      assertThat(cli.ok("tokens", "list")).contains("tok_"); // the saved token still works
      server.login("dora", "new-cli-password-2");

      // the SDK: an operator disables and enables the account
      VeilClient op = VeilClient.builder(url).token(server.login("operator",
          "operator-password")).build();
      assertThat(op.disableUser("dora").disabledAt()).isNotNull();
      assertThat(cli.run("tokens", "list")).isNotZero();
      assertThat(op.enableUser("dora").disabledAt()).isNull();
    }
  }
}
