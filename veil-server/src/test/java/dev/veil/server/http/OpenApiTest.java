package dev.veil.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.veil.server.testing.TestServer;
import dev.veil.server.testing.TestServer.Response;
import io.javalin.http.HandlerType;
import io.javalin.router.ParsedEndpoint;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-written openapi.yaml against the routes registered in Javalin, and its serving. */
class OpenApiTest {
  /** Uploads that create an object from raw bytes (the other uploads are PUTs). */
  static final Set<String> OCTET_STREAM_POSTS = Set.of("POST /api/inputs",
      "POST /api/handovers/{id}");
  @TempDir static Path dir;
  static TestServer server;
  static String yaml;
  static OpenAPI api;

  @BeforeAll
  static void start() throws IOException {
    server = new TestServer(TestServer.config(dir).build());
    try (InputStream in = OpenApiTest.class.getResourceAsStream(DocsRoutes.OPENAPI_RESOURCE)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(yaml, null, options);
    assertThat(result.getMessages()).as("openapi.yaml problems").isEmpty();
    api = result.getOpenAPI();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** "METHOD /path" of every route Javalin has. */
  private static Set<String> registered() {
    Set<String> out = new TreeSet<>();
    for (ParsedEndpoint e : server.app().javalin().unsafe.internalRouter.allHttpHandlers()) {
      HandlerType m = e.endpoint.method;
      if (m.isHttpMethod() && m != HandlerType.HEAD && m != HandlerType.OPTIONS) {
        out.add(m.name() + " " + e.endpoint.path);
      }
    }
    return out;
  }

  private static Map<String, Operation> documented() {
    Map<String, Operation> out = new java.util.TreeMap<>();
    api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) ->
        out.put(method.name() + " " + path, op)));
    return out;
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    assertThat(documented().keySet()).containsExactlyInAnyOrderElementsOf(registered());
  }

  @Test
  void exactlyTheAnonymousRoutesDeclareNoSecurity() {
    assertThat(api.getComponents().getSecuritySchemes()).containsKey("bearer");
    assertThat(api.getSecurity()).singleElement().satisfies(r ->
        assertThat(r).containsKey("bearer"));
    List<String> open = new ArrayList<>();
    documented().forEach((key, op) -> {
      if (op.getSecurity() != null) {
        assertThat(op.getSecurity()).as(key).isEmpty();
        open.add(key);
      } else {
        assertThat(op.getResponses()).as(key + " documents its 401").containsKey("401");
      }
    });
    assertThat(open).containsExactlyInAnyOrderElementsOf(AuthorizationHttpTest.ANONYMOUS);
  }

  @Test
  void everyOperationHasAnIdASummaryAndASuccessResponse() {
    Set<String> ids = new TreeSet<>();
    documented().forEach((key, op) -> {
      assertThat(op.getOperationId()).as(key).isNotBlank();
      assertThat(ids.add(op.getOperationId())).as("unique id " + op.getOperationId()).isTrue();
      assertThat(op.getSummary()).as(key).isNotBlank();
      assertThat(op.getResponses().keySet()).as(key).anyMatch(c -> c.startsWith("2"));
    });
  }

  @Test
  void pathParametersAreDeclared() {
    api.getPaths().forEach((path, item) -> {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\w+)\\}").matcher(path);
      while (m.find()) {
        String name = m.group(1);
        for (Operation op : item.readOperations()) {
          List<io.swagger.v3.oas.models.parameters.Parameter> ps = new ArrayList<>();
          if (item.getParameters() != null) {
            ps.addAll(item.getParameters());
          }
          if (op.getParameters() != null) {
            ps.addAll(op.getParameters());
          }
          assertThat(ps).as(path + " declares {" + name + "}")
              .anyMatch(p -> name.equals(p.getName()) && "path".equals(p.getIn()));
        }
      }
    });
  }

  /** A request body, following a $ref into the components. */
  private static io.swagger.v3.oas.models.parameters.RequestBody body(Operation op) {
    io.swagger.v3.oas.models.parameters.RequestBody b = op.getRequestBody();
    if (b != null && b.get$ref() != null) {
      String name = b.get$ref().substring(b.get$ref().lastIndexOf('/') + 1);
      b = api.getComponents().getRequestBodies().get(name);
    }
    return b;
  }

  @Test
  void uploadsAreDocumentedAsOctetStreamsAndOtherBodiesAsJson() {
    documented().forEach((key, op) -> {
      io.swagger.v3.oas.models.parameters.RequestBody b = body(op);
      if (key.startsWith("PUT ") || OCTET_STREAM_POSTS.contains(key)) {
        assertThat(b.getContent()).as(key).containsOnlyKeys("application/octet-stream");
      } else if (b != null) {
        assertThat(b.getContent()).as(key).containsOnlyKeys("application/json");
      }
    });
    PathItem part = api.getPaths().get("/api/datasets/{id}/parts/{index}");
    assertThat(body(part.getPut())).isNotNull();
  }

  @Test
  void theDocumentAndSwaggerUiAreServedWithoutAToken() {
    Response doc = server.get("/api/openapi.yaml", null);
    assertThat(doc.status()).isEqualTo(200);
    assertThat(doc.header("Content-Type")).startsWith("application/yaml");
    assertThat(doc.body()).isEqualTo(yaml);

    Response page = server.get("/api/docs", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("SwaggerUIBundle", "/api/openapi.yaml",
        "/api/docs/swagger-ui-bundle.js");

    for (String asset : List.of("swagger-ui-bundle.js", "swagger-ui.css",
        "swagger-ui-standalone-preset.js", "favicon-32x32.png")) {
      Response r = server.get("/api/docs/" + asset, null);
      assertThat(r.status()).as(asset).isEqualTo(200);
      assertThat(r.body()).as(asset).isNotEmpty();
    }
    assertThat(server.get("/api/docs/index.html", null).status()).isEqualTo(404);
    assertThat(server.get("/api/docs/..%2F..%2Fpom.properties", null).status()).isEqualTo(404);
  }
}
