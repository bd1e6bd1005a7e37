package dev.veil.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import com.fasterxml.jackson.core.type.TypeReference;

/**
 * Turns what went wrong with a request into the SDK's exceptions: a refusal by the server into a
 * {@link VeilApiException} (from the API's {@code {"error", "message"}} body, or a one-line
 * description of any other body), a network failure into a {@link VeilConnectionException} that
 * says why in words.
 */
final class Failures {
  private Failures() {}

  /** The server answered {@code status} (not 2xx) with {@code body} (null: none). */
  static VeilApiException apiError(String method, String path, int status, HttpHeaders headers,
      byte[] body) {
    String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
    boolean json = headers.firstValue("Content-Type").orElse("").contains("json");
    if (json || text.startsWith("{")) {
      try {
        Map<String, Object> m = Json.MAPPER.readValue(text, new TypeReference<LinkedHashMap<
            String, Object>>() {});
        Object error = m.get("error");
        Object message = m.get("message");
        if (error instanceof String e && message instanceof String msg) {
          return new VeilApiException(status, e, msg, method, path);
        }
      } catch (IOException ignored) {
        // not the API's error body: described below
      }
    }
    String oneLine = text.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
    if (oneLine.length() > 200) {
      oneLine = oneLine.substring(0, 200) + "...";
    }
    String message = method + " " + path + " answered HTTP " + status
        + (oneLine.isEmpty() ? "" : ": " + oneLine);
    return new VeilApiException(status, "http_" + status, message, method, path);
  }

  /**
   * The server at {@code base} could not be reached (or the connection broke) during the
   * request, after {@code attempts} tries; {@code e} is the last try's failure.
   */
  static VeilConnectionException connectionFailure(URI base, Duration connectTimeout,
      String method, String path, IOException e, int attempts) {
    String why;
    if (e instanceof HttpConnectTimeoutException) {
      why = "no connection within " + connectTimeout.toSeconds() + " s";
    } else if (e instanceof HttpTimeoutException) {
      why = "no answer in time";
    } else if (hasCause(e, SSLException.class)) {
      why = tlsProblem(base, e);
    } else if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      why = hasCause(e, UnresolvedAddressException.class) ? "unknown host"
          : "connection refused";
    } else {
      why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
          : e.getMessage();
    }
    return new VeilConnectionException(base, "cannot reach the Veil server at " + base + " ("
        + why + (attempts > 1 ? ", " + attempts + " attempts" : "") + ") during " + method + " "
        + path, e);
  }

  /**
   * Whether a failure is of the TLS handshake (an untrusted or wrong certificate, no common
   * protocol): trying again cannot help.
   */
  static boolean isTlsFailure(IOException e) {
    return hasCause(e, SSLHandshakeException.class);
  }

  /** What went wrong in a TLS handshake, in words: the certificate's problem where it is one. */
  private static String tlsProblem(URI base, IOException e) {
    String detail = deepestMessage(e);
    if (hasCause(e, CertificateExpiredException.class)) {
      return "TLS: the server's certificate has expired (" + detail + ")";
    }
    if (hasCause(e, CertificateNotYetValidException.class)) {
      return "TLS: the server's certificate is not yet valid (" + detail + ")";
    }
    if (hasCause(e, CertPathBuilderException.class)
        || hasCause(e, CertPathValidatorException.class)) {
      return "TLS: the server's certificate is not trusted: it does not chain to a trusted"
          + " authority (" + detail + "); for a private CA trust its certificate"
          + " (TlsOptions.trusting in the SDK, --ca FILE in veil)";
    }
    if (detail.contains("subject alternative") || detail.contains("No name matching")) {
      return "TLS: the server's certificate does not name " + base.getHost() + " (" + detail
          + ")";
    }
    if (hasCause(e, CertificateException.class)) {
      return "TLS: the server's certificate was refused (" + detail + ")";
    }
    if (detail.contains("Unsupported or unrecognized SSL message")) {
      return "TLS: the server did not answer in TLS (is it http://, not https://?)";
    }
    return "TLS handshake failed: " + detail;
  }

  private static String deepestMessage(Throwable e) {
    String msg = null;
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        msg = c.getMessage();
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return msg == null ? e.getClass().getSimpleName() : msg;
  }

  /** The thread was interrupted during the request (its interrupt flag is set again). */
  static VeilException interrupted(String method, String path, InterruptedException e) {
    Thread.currentThread().interrupt();
    return new VeilException("interrupted during " + method + " " + path, e);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
