package dev.veil.server.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The server's TLS identity, read from PEM files: the certificate chain (the server's own
 * certificate first, then the intermediates) and its PKCS#8 private key ({@code -----BEGIN PRIVATE
 * KEY-----}, RSA or EC). The key must belong to the first certificate. Kept in a key store in
 * memory with a random password; nothing is written to disk. The connector it makes speaks TLS
 * 1.2 and 1.3 only.
 */
public final class ServerTls {
  private static final Pattern PRIVATE_KEY = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final long MAX_PEM_BYTES = 1 << 20;

  private final Path certFile;
  private final Path keyFile;
  private final List<X509Certificate> chain;
  private final KeyStore keyStore;
  private final String password;

  private ServerTls(Path certFile, Path keyFile, List<X509Certificate> chain, KeyStore keyStore,
      String password) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.chain = chain;
    this.keyStore = keyStore;
    this.password = password;
  }

  /**
   * Reads and checks the certificate chain and the private key.
   *
   * @throws IllegalArgumentException naming the file: unreadable, not PEM, no certificate, not a
   *     PKCS#8 RSA or EC key, or a key that does not belong to the first certificate
   */
  public static ServerTls load(Path certFile, Path keyFile) {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    List<X509Certificate> chain = readChain(certFile);
    PrivateKey key = readKey(keyFile);
    checkPair(chain.get(0), key, certFile, keyFile);
    try {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      String password = Base64.getEncoder().encodeToString(random);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("veil", key, password.toCharArray(), chain.toArray(new Certificate[0]));
      return new ServerTls(certFile, keyFile, chain, ks, password);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the key store of " + certFile + " and "
          + keyFile + ": " + e.getMessage(), e);
    }
  }

  /** The certificate file. */
  public Path certFile() {
    return certFile;
  }

  /** The key file. */
  public Path keyFile() {
    return keyFile;
  }

  /** The server's certificate (the chain's first). */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** Jetty's TLS settings: this key store, TLS 1.2 and 1.3 only. */
  public SslContextFactory.Server sslContextFactory() {
    SslContextFactory.Server f = new SslContextFactory.Server();
    f.setKeyStore(keyStore);
    f.setKeyStorePassword(password);
    f.setKeyManagerPassword(password);
    f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    return f;
  }

  /** An HTTPS connector on {@code host:port} with a copy of Javalin's HTTP configuration. */
  public ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
    HttpConfiguration https = new HttpConfiguration(http);
    https.addCustomizer(new SecureRequestCustomizer());
    ServerConnector c = new ServerConnector(server,
        new SslConnectionFactory(sslContextFactory(), HttpVersion.HTTP_1_1.asString()),
        new HttpConnectionFactory(https));
    c.setHost(host);
    c.setPort(port);
    return c;
  }

  @Override
  public String toString() {
    return "ServerTls[" + certificate().getSubjectX500Principal().getName() + " from " + certFile
        + "]";
  }

  // ---------------------------------------------------------------------- PEM

  private static byte[] read(Path file, String what) {
    try {
      if (Files.size(file) > MAX_PEM_BYTES) {
        throw new IllegalArgumentException(file + ": too large for a " + what + " (over 1 MiB)");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot be read (" + e.getMessage() + ")", e);
    }
  }

  private static List<X509Certificate> readChain(Path file) {
    byte[] bytes = read(file, "certificate chain");
    Collection<? extends Certificate> certs;
    try {
      certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + ": not a PEM certificate chain ("
          + e.getMessage() + ")", e);
    }
    List<X509Certificate> chain = new ArrayList<>();
    for (Certificate c : certs) {
      chain.add((X509Certificate) c);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(file + ": holds no certificate (expected"
          + " -----BEGIN CERTIFICATE----- blocks, the server's first)");
    }
    return List.copyOf(chain);
  }

  private static PrivateKey readKey(Path file) {
    String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
    Matcher m = PRIVATE_KEY.matcher(text);
    if (!m.find()) {
      String hint = text.contains("-----BEGIN RSA PRIVATE KEY-----")
          || text.contains("-----BEGIN EC PRIVATE KEY-----")
          ? " (this is a PKCS#1/SEC1 key: convert it with openssl pkcs8 -topk8 -nocrypt)"
          : text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
          ? " (this key is encrypted: store it unencrypted, readable by the server only)" : "";
      throw new IllegalArgumentException(file + ": holds no PKCS#8 private key (expected"
          + " -----BEGIN PRIVATE KEY-----)" + hint);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the private key is not valid base64", e);
    }
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException wrongAlgorithm) {
        // try the next one
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(algorithm + " keys are not available", e);
      }
    }
    throw new IllegalArgumentException(file + ": not an RSA or EC private key in PKCS#8");
  }

  /** Signs random bytes with the key and verifies them with the certificate's public key. */
  private static void checkPair(X509Certificate cert, PrivateKey key, Path certFile,
      Path keyFile) {
    String certAlg = cert.getPublicKey().getAlgorithm();
    if (!certAlg.equals(key.getAlgorithm())) {
      throw new IllegalArgumentException(keyFile + ": a " + key.getAlgorithm() + " key, but"
          + " the first certificate of " + certFile + " is for a " + certAlg + " key");
    }
    String sigAlg = certAlg.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance(sigAlg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(sigAlg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      if (!v.verify(sig)) {
        throw new IllegalArgumentException(keyFile + ": does not belong to the first certificate"
            + " of " + certFile + " (" + cert.getSubjectX500Principal().getName() + ")");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(keyFile + ": does not belong to the first certificate"
          + " of " + certFile + " (" + e.getMessage() + ")", e);
    }
  }
}
