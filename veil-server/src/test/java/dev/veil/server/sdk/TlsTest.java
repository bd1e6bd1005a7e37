package dev.veil.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.veil.api.RegisterRequest;
import dev.veil.api.Role;
import dev.veil.cli.VeilCli;
import dev.veil.client.TlsOptions;
import dev.veil.client.VeilClient;
import dev.veil.client.VeilConnectionException;
import dev.veil.server.http.ServerTls;
import dev.veil.server.testing.TestCertificates;
import dev.veil.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS without a proxy: the server on a certificate of a CA the test makes with keytool; the SDK
 * and the CLI trust it only when told to ({@code TlsOptions.trusting}, {@code --ca}), and say
 * what is wrong with the certificate otherwise; bad PEM files are refused naming the file.
 */
class TlsTest {
  @TempDir static Path shared;
  static TestCertificates ca;
  static TestCertificates otherCa;
  static TestCertificates.Server rsa;
  static TestCertificates.Server ec;
  static TestServer server;
  static String url;

  @TempDir Path dir;

  @BeforeAll
  static void certificatesAndServer() throws IOException {
    ca = TestCertificates.newCa(shared.resolve("ca"), "Veil Test CA");
    otherCa = TestCertificates.newCa(shared.resolve("other"), "Other CA");
    rsa = ca.server("rsa", "RSA");
    ec = ca.server("ec", "EC");
    server = new TestServer(TestServer.config(shared.resolve("server"))
        .tls(ServerTls.load(rsa.chain(), rsa.key())).build());
    url = server.url().replace("127.0.0.1", "localhost");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theServerSaysHttpsAndTheSdkTrustingItsCaRegistersAndLogsIn() {
    assertThat(server.url()).startsWith("https://");
    VeilClient client = VeilClient.connect(url, null, TlsOptions.trusting(ca.caPem()));
    client.register(new RegisterRequest("tina", TestServer.PASSWORD, List.of(Role.BUYER)));
    String token = client.login("tina", TestServer.PASSWORD).token();
    assertThat(client.withToken(token).me().username()).isEqualTo("tina");
    // by IP address too: the certificate names 127.0.0.1
    assertThat(VeilClient.connect(server.url(), token, TlsOptions.trusting(ca.caPem())).me()
        .username()).isEqualTo("tina");
  }

  @Test
  void withoutTheCaTheConnectionIsRefusedNamingTheCertificateProblem() {
    assertThatThrownBy(() -> VeilClient.builder(url).build().login("x", "y"))
        .isInstanceOf(VeilConnectionException.class)
        .hasMessageContaining("certificate is not trusted");
    assertThatThrownBy(() -> VeilClient.connect(url, null, TlsOptions.trusting(otherCa.caPem()))
        .login("x", "y"))
        .isInstanceOf(VeilConnectionException.class)
        .hasMessageContaining("certificate is not trusted");
  }

  @Test
  void anEcKeyLoadsAndMismatchedOrBadFilesAreRefusedNamingTheFile() throws IOException {
    assertThat(ServerTls.load(ec.chain(), ec.key()).certificate().getPublicKey().getAlgorithm())
        .isEqualTo("EC");
    assertThatThrownBy(() -> ServerTls.load(rsa.chain(), ec.key()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ec.key().toString()).hasMessageContaining("RSA");
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(garbage, "hello\n");
    assertThatThrownBy(() -> ServerTls.load(garbage, rsa.key()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(garbage.toString());
    assertThatThrownBy(() -> ServerTls.load(rsa.chain(), garbage))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(garbage.toString()).hasMessageContaining("PKCS#8");
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> ServerTls.load(rsa.chain(), missing))
        .hasMessageContaining(missing + ": no such file");
    assertThatThrownBy(() -> TlsOptions.trusting(garbage))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(garbage.toString());
  }

  @Test
  void serveRefusesAMismatchedKeyAsBadInputNamingTheFile() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = VeilCli.commandLine(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute("serve", "--port", "0", "--data", dir.resolve("d").toString(),
            "--tls-cert", rsa.chain().toString(), "--tls-key", ec.key().toString());
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--tls-key", ec.key().toString());
  }

  @Test
  void theCliRegistersAndReadsItsBalanceWithCa() {
    Map<String, String> env = Map.of("VEIL_HOME", dir.resolve("home").toString());
    String ca = TlsTest.ca.caPem().toString();
    Run r = cli(env, TestServer.PASSWORD + "\n", "register", "--server", url, "--username",
        "carla", "--role", "buyer", "--password-stdin", "--ca", ca);
    assertThat(r.rc).as(r.err).isZero();
    assertThat(r.out).contains("registered carla");
    r = cli(env, "", "balance", "--ca", ca);
    assertThat(r.rc).as(r.err).isZero();
    assertThat(r.out).contains("available 0");
    // $VEIL_CA does the same
    Map<String, String> withEnv = Map.of("VEIL_HOME", env.get("VEIL_HOME"), "VEIL_CA", ca);
    assertThat(cli(withEnv, "", "balance").rc).isZero();
    // without it: one line naming the certificate problem, exit 1
    r = cli(env, "", "balance");
    assertThat(r.rc).isEqualTo(1);
    assertThat(r.err).contains("certificate is not trusted", "--ca");
    r = cli(env, "", "balance", "--ca", dir.resolve("nope.pem").toString());
    assertThat(r.rc).isEqualTo(2);
    assertThat(r.err).contains("--ca", "nope.pem", "no such file");
  }

  private record Run(int rc, String out, String err) {}

  private static Run cli(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = VeilCli.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env).execute(args);
    return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
