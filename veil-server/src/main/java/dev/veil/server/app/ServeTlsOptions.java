package dev.veil.server.app;

import java.nio.file.Path;

import dev.veil.server.http.ServerTls;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The TLS options of {@code veil serve} ({@code @Mixin}): serve HTTPS from PEM files. */
public final class ServeTlsOptions {
  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Serve HTTPS (TLS 1.2 and 1.3) with this PEM certificate chain, the server's"
          + " certificate first; needs --tls-key.")
  Path certFile;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The PEM private key of --tls-cert (PKCS#8 'BEGIN PRIVATE KEY', RSA or EC,"
          + " unencrypted: keep it readable by the server only).")
  Path keyFile;

  /**
   * The TLS identity, or null for plain HTTP.
   *
   * @throws ParameterException if only one option is given, or a file is unreadable, not PEM, or
   *     the key does not belong to the certificate (naming the option and the file)
   */
  ServerTls load(CommandSpec spec) {
    if (certFile == null && keyFile == null) {
      return null;
    }
    if (certFile == null || keyFile == null) {
      throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together:"
          + " give both (the certificate chain and its private key) or neither");
    }
    try {
      return ServerTls.load(certFile, keyFile);
    } catch (IllegalArgumentException e) {
      String option = e.getMessage().startsWith(keyFile.toString()) ? "--tls-key" : "--tls-cert";
      throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option
          + "': " + e.getMessage(), e);
    }
  }
}
