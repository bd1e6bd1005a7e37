package dev.veil.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import dev.veil.server.http.ApiModule;
import dev.veil.server.testing.TestServer;
import io.javalin.http.HandlerType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, stopping and failing of the app as a whole. */
class AppTest {
  @TempDir Path dir;

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anUnexpectedExceptionIsA500WithAReferenceAndNoDetails() throws Exception {
    ApiModule broken = r -> r.anonymous(HandlerType.GET, "/api/broken", ctx -> {
      throw new IllegalStateException("secret internal detail");
    });
    try (App app = App.create(TestServer.config(dir).build(), List.of(broken)).start()) {
      HttpResponse<String> r = get(app.url() + "/api/broken");
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body()).startsWith("{\"error\":\"internal\"")
          .contains("reference err_")
          .doesNotContain("secret internal detail", "IllegalStateException", "at dev.");
    }
  }

  @Test
  void theFirstStartCreatesAnOperatorWithAGeneratedPasswordOnlyOnce() throws Exception {
    ServerConfig config = TestServer.config(dir).operatorPassword(null).build();
    String password;
    try (App app = App.create(config).start()) {
      password = app.bootstrapPassword().orElseThrow();
      assertThat(password).hasSize(24);
    }
    try (App app = App.create(config).start()) {
      assertThat(app.bootstrapPassword()).isEmpty();
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(app.url() + "/api/login")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"operator\",\"password\":\""
              + password + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"OPERATOR\"");
    }
  }

  @Test
  void theServerListensOnTheConfiguredHostAndAnyFreePort() throws Exception {
    try (App app = App.create(TestServer.config(dir).build()).start()) {
      assertThat(app.port()).isPositive();
      assertThat(app.url()).isEqualTo("http://127.0.0.1:" + app.port());
      assertThat(get(app.url() + "/api/health").body()).isEqualTo("{\"status\":\"ok\"}");
    }
  }

  @Test
  void aConfiguredOperatorPasswordThatIsTooShortIsBadInput() {
    ServerConfig config = TestServer.config(dir).operatorPassword("short").build();
    assertThatThrownBy(() -> App.create(config)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("operator account 'operator'").hasMessageContaining("at least 10");
  }

  @Test
  void anUnreachableDatabaseFailsCreateWithAClearMessage() {
    ServerConfig config = TestServer.config(dir)
        .jdbcUrl("jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=1")
        .dbPassword("hunter2").build();
    assertThatThrownBy(() -> App.create(config)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot connect to the database jdbc:postgresql://127.0.0.1:1");
    assertThat(config.toString()).doesNotContain("hunter2", "operator-password");
  }
}
