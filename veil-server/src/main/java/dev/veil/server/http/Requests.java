package dev.veil.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.veil.server.core.Page;
import dev.veil.server.core.ServiceException;
import io.javalin.http.Context;

/**
 * Reading requests: JSON bodies into records, streamed uploads, path and query parameters. Every
 * problem becomes a {@link ServiceException} whose message names it: 415 for the wrong content
 * type, 413 for a body over its limit, 400 for malformed JSON (with line and column), an unknown
 * or mistyped field (named), a malformed digest header or parameter. JSON bodies are read through a
 * counting stream that stops at the limit, so no body larger than it is ever held in memory.
 */
public final class Requests {
  /** The header a client may send with the SHA-256 of an upload, lowercase or uppercase hex. */
  public static final String SHA256_HEADER = "X-Content-SHA256";
  private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

  private final ObjectMapper mapper;
  private final int maxJsonBytes;
  private final long maxUploadBytes;

  public Requests(ObjectMapper mapper, int maxJsonBytes, long maxUploadBytes) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    this.maxJsonBytes = maxJsonBytes;
    this.maxUploadBytes = maxUploadBytes;
  }

  /** The JSON body as {@code type}. */
  public <T> T json(Context ctx, Class<T> type) throws IOException {
    requireContentType(ctx, "application/json");
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxJsonBytes) {
      throw ServiceException.tooLarge("JSON body of " + declared + " bytes, the limit is "
          + maxJsonBytes);
    }
    InputStream in = new LimitedStream(body(ctx), maxJsonBytes);
    try {
      T value = mapper.readValue(in, type);
      if (value == null) {
        throw ServiceException.badRequest("the JSON body is null; expected an object");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : " (known fields: "
          + e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
              .collect(Collectors.joining(", ")) + ")";
      throw ServiceException.badRequest("unknown field '" + path(e) + "'" + known);
    } catch (InvalidFormatException e) {
      throw ServiceException.badRequest("field '" + path(e) + "': " + describe(e));
    } catch (MismatchedInputException e) {
      String m = String.valueOf(e.getOriginalMessage());
      if (e.getPath().isEmpty()) {
        if (m.contains("end-of-input")) {
          throw ServiceException.badRequest("a JSON body is required");
        }
        if (m.startsWith("Trailing token")) {
          throw ServiceException.badRequest("invalid JSON body: Trailing content after the"
              + " object; send one JSON object");
        }
        throw ServiceException.badRequest("the JSON body must be an object, got "
            + found(e));
      }
      throw ServiceException.badRequest("field '" + path(e) + "' has the wrong type: it must be "
          + expected(e.getTargetType()) + ", got " + found(e));
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw ServiceException.badRequest("invalid JSON body"
          + (e.getPath().isEmpty() ? "" : " at field '" + path(e) + "'") + ": "
          + clean(firstLine(cause.getMessage())));
    } catch (DatabindException e) {
      throw ServiceException.badRequest("invalid JSON body"
          + (e instanceof JsonMappingException m && !m.getPath().isEmpty()
              ? " at field '" + path(m) + "'" : "") + ": "
          + clean(firstLine(e.getOriginalMessage())));
    } catch (StreamReadException e) {
      JsonLocation loc = e.getLocation();
      throw ServiceException.badRequest("malformed JSON" + (loc == null ? "" : " at line "
          + loc.getLineNr() + ", column " + loc.getColumnNr()) + ": "
          + clean(firstLine(e.getOriginalMessage())));
    } catch (JacksonException e) {
      throw ServiceException.badRequest("malformed JSON: "
          + clean(firstLine(e.getOriginalMessage())));
    }
  }

  /** A streamed upload: the body, and the digest the client announced (or null). */
  public record Upload(InputStream body, String expectedSha256) {}

  /**
   * The octet-stream body of an upload, unread: 415 for another content type, 413 at once if the
   * announced length is over the limit (a body without a length is limited while it streams), 400
   * for a malformed {@value #SHA256_HEADER}.
   */
  public Upload upload(Context ctx) {
    requireContentType(ctx, "application/octet-stream");
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxUploadBytes) {
      throw ServiceException.tooLarge("upload of " + declared + " bytes, the limit is "
          + maxUploadBytes);
    }
    String sha = ctx.header(SHA256_HEADER);
    if (sha != null) {
      sha = sha.strip();
      if (!HEX64.matcher(sha).matches()) {
        throw ServiceException.badRequest(SHA256_HEADER + " must be 64 hex digits (the body's"
            + " SHA-256)");
      }
      sha = sha.toLowerCase(Locale.ROOT);
    }
    return new Upload(body(ctx), sha);
  }

  /** An integer query parameter in [min, max], or {@code dflt} when absent. */
  public static long queryLong(Context ctx, String name, long dflt, long min, long max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    long x;
    try {
      x = Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw ServiceException.badRequest("query parameter '" + name + "' must be an integer, got '"
          + v + "'");
    }
    if (x < min || x > max) {
      throw ServiceException.badRequest("query parameter '" + name + "' must be in [" + min
          + ", " + max + "], got " + x);
    }
    return x;
  }

  /**
   * The page a list route is asked for: {@code limit} (1 to {@link Page#MAX_LIMIT}, default
   * {@link Page#DEFAULT_LIMIT}) items after {@code cursor} (a previous answer's {@code
   * nextCursor}; absent for the first page).
   */
  public static Page page(Context ctx) {
    int limit = (int) queryLong(ctx, "limit", Page.DEFAULT_LIMIT, 1, Page.MAX_LIMIT);
    return Page.of(limit, ctx.queryParam("cursor"));
  }

  /** Whether a boolean query parameter is {@code true}; absent is false. */
  public static boolean queryFlag(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank() || v.equalsIgnoreCase("false")) {
      return false;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    throw ServiceException.badRequest("query parameter '" + name + "' must be true or false");
  }

  /** The request body, with its read failures turned into {@link UploadInterruptedException}. */
  private static InputStream body(Context ctx) {
    InputStream raw = ctx.bodyInputStream();
    return new FilterInputStream(raw) {
      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (IOException e) {
          throw interrupted(e);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (IOException e) {
          throw interrupted(e);
        }
      }
    };
  }

  private static UploadInterruptedException interrupted(IOException e) {
    return new UploadInterruptedException("the request body broke off while it was read ("
        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
        + ")", e);
  }

  private static void requireContentType(Context ctx, String expected) {
    String ct = ctx.contentType();
    String base = ct == null ? "" : ct.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!base.equals(expected)) {
      throw ServiceException.unsupportedMediaType("this route takes Content-Type: " + expected
          + ", got " + (ct == null ? "none" : "'" + ct + "'"));
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String describe(InvalidFormatException e) {
    Class<?> target = e.getTargetType();
    String value = String.valueOf(e.getValue());
    if (value.length() > 40) {
      value = value.substring(0, 40) + "...";
    }
    if (target != null && target.isEnum()) {
      return "'" + value + "' is not one of " + java.util.Arrays.toString(
          target.getEnumConstants());
    }
    Object v = e.getValue();
    String got = v instanceof CharSequence ? "a string" : v instanceof Number ? "a number"
        : v instanceof Boolean ? "a boolean" : "another value";
    return "it must be " + expected(target) + ", got " + got + " ('" + value + "')";
  }

  /** What a field of this Java type is in JSON, for a client that never saw the type. */
  static String expected(Class<?> t) {
    if (t == null) {
      return "another type";
    }
    if (t == String.class || CharSequence.class.isAssignableFrom(t) || t == char.class
        || t == Character.class) {
      return "a string";
    }
    if (t == int.class || t == long.class || t == short.class || t == byte.class
        || t == Integer.class || t == Long.class || t == Short.class || t == Byte.class
        || t == java.math.BigInteger.class) {
      return "an integer";
    }
    if (t == double.class || t == float.class || Number.class.isAssignableFrom(t)) {
      return "a number";
    }
    if (t == boolean.class || t == Boolean.class) {
      return "a boolean";
    }
    if (t.isEnum()) {
      return "one of " + java.util.Arrays.toString(t.getEnumConstants());
    }
    if (t.isArray() || java.util.Collection.class.isAssignableFrom(t)) {
      return "an array";
    }
    return "an object";
  }

  /** What the client sent where the mismatch was found. */
  private static String found(MismatchedInputException e) {
    if (!(e.getProcessor() instanceof JsonParser p) || p.currentToken() == null
        || p.currentToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
      // the parser has moved on: the library's message names the shape it met
      String m = String.valueOf(e.getOriginalMessage());
      String[][] shapes = {{"String value", "a string"}, {"Integer value", "a number"},
          {"Floating-point value", "a number"}, {"Boolean value", "a boolean"},
          {"Array value", "an array"}, {"Object value", "an object"}};
      for (String[] shape : shapes) {
        if (m.contains(shape[0])) {
          return shape[1];
        }
      }
      return "a value of another type";
    }
    return switch (p.currentToken()) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case START_ARRAY, END_ARRAY -> "an array";
      case START_OBJECT, END_OBJECT, FIELD_NAME -> "an object";
      default -> "a value of another type";
    };
  }

  /**
   * A library message fit for a client: no Java type names (between backquotes), no reference
   * chain, no hint about the mapper's settings.
   */
  static String clean(String m) {
    String s = m.replaceAll("\\s*\\(through reference chain:[^)]*\\)", "")
        .replaceAll("[;:,]?\\s*(not allowed )?as per `[^`]*`[^;]*", "")
        .replaceAll("\\s*\\((enable|disable) `[^`]*`[^)]*\\)", "")
        .replaceAll("`(?:[a-z_][\\w]*\\.)+([A-Z][\\w$]*)`", "value")
        .replaceAll("`[^`]*`", "value")
        .replaceAll("\\(token value\\)", "");
    return s.strip();
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  /** Fails with 413 once more than {@code limit} bytes have been read. */
  private static final class LimitedStream extends FilterInputStream {
    private final long limit;
    private long count;

    LimitedStream(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      count += n;
      if (count > limit) {
        throw ServiceException.tooLarge("JSON body over the limit of " + limit + " bytes");
      }
    }
  }
}
