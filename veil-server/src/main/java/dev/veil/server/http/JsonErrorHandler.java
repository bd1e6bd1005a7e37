package dev.veil.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty gives itself, before a request reaches the API (a URI it will not route: an
 * ambiguous or traversing path, a NUL, one too long; a malformed header such as a negative
 * Content-Length; headers too large), in the API's error shape ({@code {"error": code,
 * "message": text}}, {@link ApiErrors}) instead of Jetty's HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {
  private static final HttpField JSON_TYPE =
      new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

  private final ObjectMapper mapper;

  public JsonErrorHandler(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) throws IOException {
    byte[] body = body(code, message);
    response.getHeaders().put(JSON_TYPE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(JSON_TYPE);
    return ByteBuffer.wrap(body(status, reason));
  }

  private byte[] body(int status, String message) {
    String text = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
    try {
      return mapper.writeValueAsBytes(new ApiErrors.ApiError(ApiErrors.code(status),
          "the request was refused before it reached the API: " + text));
    } catch (JsonProcessingException e) {
      return "{\"error\":\"bad_request\",\"message\":\"bad request\"}"
          .getBytes(StandardCharsets.UTF_8);
    }
  }
}
