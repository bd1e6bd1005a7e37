package dev.veil.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

import dev.veil.server.core.ServiceException;
import io.javalin.http.HandlerType;

/**
 * The API's documentation, without a token: {@code GET /api/openapi.yaml} (the hand-written
 * OpenAPI document), {@code GET /api/docs} (Swagger UI on it) and {@code GET /api/docs/{asset}}
 * (Swagger UI's files from the {@code org.webjars:swagger-ui} jar, a fixed list of them), and
 * {@code GET /api/health}.
 */
public final class DocsRoutes implements ApiModule {
  /** The OpenAPI document on the class path. */
  public static final String OPENAPI_RESOURCE = "/openapi.yaml";
  private static final Map<String, String> ASSETS = Map.of(
      "swagger-ui.css", "text/css",
      "swagger-ui-bundle.js", "text/javascript",
      "swagger-ui-standalone-preset.js", "text/javascript",
      "favicon-32x32.png", "image/png",
      "favicon-16x16.png", "image/png");

  private final String webjarBase;
  private final byte[] page;

  public DocsRoutes() {
    this.webjarBase = "/META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/";
    this.page = page().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void register(Routes r) {
    r.anonymous(HandlerType.GET, "/api/health", ctx -> ctx.json(Map.of("status", "ok")));
    r.anonymous(HandlerType.GET, "/api/openapi.yaml", ctx -> {
      InputStream in = DocsRoutes.class.getResourceAsStream(OPENAPI_RESOURCE);
      if (in == null) {
        throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the class path");
      }
      ctx.contentType("application/yaml; charset=utf-8").result(in);
    });
    r.anonymous(HandlerType.GET, "/api/docs", ctx ->
        ctx.contentType("text/html; charset=utf-8").result(page));
    r.anonymous(HandlerType.GET, "/api/docs/{asset}", ctx -> {
      String asset = ctx.pathParam("asset");
      String type = ASSETS.get(asset);
      InputStream in = type == null ? null
          : DocsRoutes.class.getResourceAsStream(webjarBase + asset);
      if (in == null) {
        throw ServiceException.notFound("documentation file", asset);
      }
      ctx.header("Cache-Control", "public, max-age=86400");
      ctx.contentType(type).result(in);
    });
  }

  private static String swaggerUiVersion() {
    try (InputStream in = DocsRoutes.class.getResourceAsStream(
        "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("org.webjars:swagger-ui is not on the class path");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String page() {
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Veil API</title>
          <link rel="stylesheet" href="/api/docs/swagger-ui.css">
          <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" sizes="32x32">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="/api/docs/swagger-ui-bundle.js"></script>
          <script src="/api/docs/swagger-ui-standalone-preset.js"></script>
          <script>
            window.onload = function () {
              window.ui = SwaggerUIBundle({
                url: "/api/openapi.yaml",
                dom_id: "#swagger-ui",
                deepLinking: true,
                presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                layout: "StandaloneLayout"
              });
            };
          </script>
        </body>
        </html>
        """;
  }
}
