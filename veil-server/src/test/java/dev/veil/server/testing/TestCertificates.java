package dev.veil.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made with the JDK's {@code keytool} (no other tool is needed): a CA
 * and server certificates it signs for {@code localhost} and {@code 127.0.0.1}, written as PEM
 * (the chain from {@code -exportcert -rfc} / {@code -gencert -rfc}, the private key as PKCS#8 read
 * back through the {@link KeyStore} API).
 */
public final class TestCertificates {
  private static final String PASS = "test-store-pass";

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** The files of one server identity. */
  public record Server(Path chain, Path key) {}

  /** A new CA (an EC key) in {@code dir}, whose certificate is {@link #caPem}. */
  public static TestCertificates newCa(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    TestCertificates c = new TestCertificates(dir);
    c.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + name, "-ext", "bc:c", "-validity", "3",
        "-keystore", c.caStore().toString(), "-storetype", "PKCS12",
        "-storepass", PASS, "-keypass", PASS);
    c.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", c.caStore().toString(),
        "-storepass", PASS, "-file", c.caPem().toString());
    return c;
  }

  /** The CA's certificate, PEM. */
  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  private Path caStore() {
    return dir.resolve("ca.p12");
  }

  /**
   * A server certificate signed by this CA for {@code localhost} and {@code 127.0.0.1}, with a
   * key of {@code keyAlg} ({@code RSA} or {@code EC}); the chain file holds it and the CA's.
   */
  public Server server(String name, String keyAlg) throws IOException {
    Path store = dir.resolve(name + ".p12");
    List<String> gen = new ArrayList<>(List.of("-genkeypair", "-alias", name,
        "-keyalg", keyAlg, "-dname", "CN=localhost", "-validity", "3",
        "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", PASS, "-keypass", PASS));
    if (keyAlg.equals("RSA")) {
      gen.addAll(List.of("-keysize", "2048"));
    } else {
      gen.addAll(List.of("-groupname", "secp256r1"));
    }
    keytool(gen.toArray(new String[0]));
    Path csr = dir.resolve(name + ".csr");
    keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASS,
        "-file", csr.toString());
    Path cert = dir.resolve(name + "-cert.pem");
    keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore().toString(),
        "-storepass", PASS, "-infile", csr.toString(), "-outfile", cert.toString(),
        "-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "eku=serverAuth", "-validity", "3");
    Path chain = dir.resolve(name + "-chain.pem");
    Files.writeString(chain, Files.readString(cert) + Files.readString(caPem()));
    Path key = dir.resolve(name + "-key.pem");
    Files.writeString(key, privateKeyPem(store, name));
    return new Server(chain, key);
  }

  private static String privateKeyPem(Path store, String alias) throws IOException {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASS.toCharArray());
      Key k = ks.getKey(alias, PASS.toCharArray());
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(k.getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key of " + store, e);
    }
  }

  private void keytool(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Path log = dir.resolve("keytool.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("keytool did not finish: " + cmd);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool failed (" + p.exitValue() + "): " + cmd + "\n"
          + Files.readString(log));
    }
  }
}
