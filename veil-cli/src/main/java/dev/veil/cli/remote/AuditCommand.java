package dev.veil.cli.remote;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.veil.api.AuditChain;
import dev.veil.api.AuditCheckpoint;
import dev.veil.api.AuditReport;
import dev.veil.api.AuditSigningKey;
import dev.veil.api.WireInstants;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.VeilVersion;
import dev.veil.cli.local.Store;
import dev.veil.cli.output.JsonOutput;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil audit}: the server's audit log (operators). */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = "The server's hash-chained audit log and its signed checkpoints (operators).",
    subcommands = {AuditCommand.Verify.class})
public final class AuditCommand implements Callable<Integer> {
  /**
   * Where pinned audit keys ({@code HOST_PORT.pub}) and the newest checkpoint each server's last
   * successful verification accepted ({@code HOST_PORT.pub.last.json}) are kept in the
   * configuration directory.
   */
  static final String PIN_DIR = "audit-keys";
  private static final ObjectMapper LAST = JsonMapper.builder()
      .addModule(WireInstants.module()).build();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw CliErrors.missingSubcommand(spec);
  }

  /**
   * {@code veil audit verify}: downloads the log and its checkpoints and checks them here
   * against a pinned public key ({@link AuditChain#verify}).
   */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      versionProvider = VeilVersion.class,
      description = {
          "Download the audit log and its signed checkpoints (operators only), recompute the "
              + "hash chain here and check every checkpoint's Ed25519 signature against a "
              + "pinned public key: --public-key FILE (the server's audit-signing.pub, from its "
              + "operator), else the key pinned for this server in the configuration "
              + "directory's " + PIN_DIR + "/, pinned on first use with a warning.",
          "Detects any rewriting, removal, insertion or reordering of a record at or before "
              + "the newest signed checkpoint by anyone without the signing key, and the "
              + "removal of the checkpoint the previous verification accepted (remembered "
              + "beside the pinned key). Cannot detect changes after the newest checkpoint, nor "
              + "a rewriting re-signed by whoever holds the signing key (the server process). "
              + "Prints which is which."},
      exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
      exitCodeList = {"0:the log agrees with its chain and every signed checkpoint",
          "1:a record or checkpoint is bad (the first is named); the server is unreachable",
          CliErrors.EXIT_REMOTE_BAD_INPUT})
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--public-key", paramLabel = "FILE",
        description = "The server's audit public key as PEM (its data directory's "
            + "audit-signing.pub). Default: the key pinned in the configuration directory.")
    Path publicKey;

    @Mixin Remote.Options remote;

    @Mixin JsonOutput json;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      VeilClient client = Remote.client(ctx, remote);
      Remote.Target target = Remote.target(ctx, remote);
      String keySource;
      PublicKey key;
      Path pinNow = null;
      if (publicKey != null) {
        key = readKey(publicKey);
        keySource = "from " + publicKey;
      } else {
        Path pin = Remote.configDir(ctx, remote).resolve(PIN_DIR)
            .resolve(pinName(target.server()));
        if (Files.exists(pin)) {
          key = readKey(pin);
          keySource = "pinned in " + pin;
        } else {
          AuditSigningKey k = client.auditPublicKey();
          if (!AuditChain.ALGORITHM.equals(k.algorithm())) {
            throw new IllegalArgumentException("the server's audit key is " + k.algorithm()
                + ", not " + AuditChain.ALGORITHM);
          }
          key = AuditChain.publicKey(k.publicKey());
          pinNow = pin;
          keySource = "pinned now in " + pin;
        }
      }
      Path last = Remote.configDir(ctx, remote).resolve(PIN_DIR)
          .resolve(pinName(target.server()) + ".last.json");
      AuditCheckpoint remembered = Files.exists(last) ? readLast(last) : null;
      AuditReport r = client.verifyAuditChain(key, remembered);
      if (r.ok() && r.lastCheckpoint() != null) {
        Files.createDirectories(last.getParent());
        Store.writeText(last, LAST.writeValueAsString(r.lastCheckpoint()));
      }
      if (pinNow != null) {
        Files.createDirectories(pinNow.getParent());
        Store.writeText(pinNow, AuditChain.publicKeyPem(key));
        ctx.err().println("veil audit verify: warning: no key was pinned for "
            + target.server() + ": pinned the one it serves now (fingerprint "
            + AuditChain.fingerprint(key.getEncoded()) + ") in " + pinNow + "; compare it with"
            + " the operator's audit-signing.pub, or use --public-key, since a server already"
            + " rewritten could serve a key of its own");
        ctx.err().flush();
      }
      if (json.print(ctx, r)) {
        return r.ok() ? CliErrors.OK : CliErrors.FAILURE;
      }
      if (r.ok()) {
        ctx.out().printf("audit log intact: %d records, hash chain verified%n", r.records());
      } else {
        ctx.out().printf("audit log BROKEN: %s%n", r.problem());
        if (r.firstBadRecord() != null) {
          ctx.out().printf("first bad record: %d%n", r.firstBadRecord());
        }
        if (r.firstBadCheckpoint() != null) {
          ctx.out().printf("first bad checkpoint: %d%n", r.firstBadCheckpoint());
        }
      }
      ctx.out().printf("signed checkpoints: %d checked against key %s (%s)%n", r.checkpoints(),
          r.keyId(), keySource);
      if (r.coveredThrough() > 0) {
        ctx.out().printf("covered: records 1 to %d, the newest checkpoint signed at %s%n",
            r.coveredThrough(), r.lastCheckpoint().signedAt());
      }
      if (r.uncovered() > 0) {
        ctx.out().printf("not covered: the %d records after record %d%n", r.uncovered(),
            r.coveredThrough());
      }
      r.detects().forEach(d -> ctx.out().println("detects: " + d));
      r.cannotDetect().forEach(d -> ctx.out().println("cannot detect: " + d));
      ctx.out().flush();
      return r.ok() ? CliErrors.OK : CliErrors.FAILURE;
    }

    private static AuditCheckpoint readLast(Path file) throws IOException {
      try {
        return LAST.readValue(Files.readString(file, StandardCharsets.UTF_8),
            AuditCheckpoint.class);
      } catch (JacksonException e) {
        throw new IllegalArgumentException(file + ": not a checkpoint veil audit verify wrote ("
            + e.getOriginalMessage() + "); delete it to start afresh");
      }
    }

    private static PublicKey readKey(Path file) throws IOException {
      Store.requireFile(file);
      try {
        return AuditChain.publicKey(Files.readString(file, StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage()
            + " (expected the server's audit-signing.pub)");
      }
    }
  }

  /** The pinned key's file name for a server URL: its host and port. */
  static String pinName(String server) {
    URI u = URI.create(server);
    String host = u.getHost() == null ? server : u.getHost();
    int port = u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443
        : 80;
    return (host + "_" + port).replaceAll("[^A-Za-z0-9._-]", "_") + ".pub";
  }
}
