package dev.veil.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which certificates a {@link VeilClient} trusts for an {@code https://} server. The server's
 * certificate is always verified, its host name included; these options choose the authorities it
 * must chain to: the JDK's trust store ({@link #systemDefault}, what {@link VeilClient#builder}
 * uses), or only the certificates of a private CA ({@link #trusting}). Protocols below TLS 1.2
 * are never offered. {@code http://} URLs do not use TLS and ignore these options.
 *
 * <pre>{@code
 * VeilClient client = VeilClient.connect("https://veil.example.org:8443", token,
 *     TlsOptions.trusting(Path.of("ca.pem")));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TlsOptions {
  /** The protocols a client offers, newest first. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private static final TlsOptions SYSTEM = new TlsOptions(List.of(), "the JDK's trust store");

  private final List<X509Certificate> anchors;
  private final String description;

  private TlsOptions(List<X509Certificate> anchors, String description) {
    this.anchors = anchors;
    this.description = description;
  }

  /** The authorities of the JDK's trust store (the default). */
  public static TlsOptions systemDefault() {
    return SYSTEM;
  }

  /**
   * Only the certificates in {@code pemFile} (one or more {@code -----BEGIN CERTIFICATE-----}
   * blocks: a private CA, or a self-signed server certificate) are trusted, instead of the JDK's
   * trust store.
   *
   * @throws IllegalArgumentException naming the file if it cannot be read or holds no certificate
   */
  public static TlsOptions trusting(Path pemFile) {
    Objects.requireNonNull(pemFile, "pemFile");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(pemFile);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(pemFile + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException(pemFile + ": cannot be read (" + e.getMessage() + ")",
          e);
    }
    return new TlsOptions(parse(bytes, pemFile.toString()), "the certificates in " + pemFile);
  }

  /**
   * Only these certificates are trusted, instead of the JDK's trust store.
   *
   * @throws IllegalArgumentException if there are none
   */
  public static TlsOptions trusting(Collection<X509Certificate> certificates) {
    List<X509Certificate> list = List.copyOf(certificates);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no certificate to trust");
    }
    return new TlsOptions(list, list.size() + " given certificate" + (list.size() == 1 ? ""
        : "s"));
  }

  /**
   * The certificates of PEM text (or DER bytes) named {@code source} in errors.
   *
   * @throws IllegalArgumentException if it holds none, or one that is not a certificate
   */
  static List<X509Certificate> parse(byte[] bytes, String source) {
    Collection<? extends Certificate> certs;
    try {
      certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(source + ": not a PEM certificate file ("
          + e.getMessage() + ")", e);
    }
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c : certs) {
      out.add((X509Certificate) c);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(source + ": holds no certificate (expected"
          + " -----BEGIN CERTIFICATE----- blocks)");
    }
    return List.copyOf(out);
  }

  /** The trusted certificates; empty for the JDK's trust store. */
  public List<X509Certificate> certificates() {
    return anchors;
  }

  /** Whether these are the JDK's defaults. */
  public boolean isSystemDefault() {
    return anchors.isEmpty();
  }

  /** The TLS context a client's connections use. */
  SSLContext sslContext() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      if (anchors.isEmpty()) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        for (int i = 0; i < anchors.size(); i++) {
          ks.setCertificateEntry("ca-" + i, anchors.get(i));
        }
        tmf.init(ks);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** TLS 1.2 and 1.3 only; host names verified (the HTTP client does so for HTTPS). */
  static SSLParameters parameters() {
    SSLParameters p = new SSLParameters();
    p.setProtocols(PROTOCOLS.clone());
    p.setEndpointIdentificationAlgorithm("HTTPS");
    return p;
  }

  @Override
  public String toString() {
    return "TlsOptions[" + description + "]";
  }
}
