package dev.veil.cli.remote;

import java.util.concurrent.Callable;

import dev.veil.api.AuditVerification;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.VeilVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code veil audit}: the server's audit log (operators). */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = "The server's hash-chained audit log (operators).",
    subcommands = {AuditCommand.Verify.class})
public final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw CliErrors.missingSubcommand(spec);
  }

  /** {@code veil audit verify}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      versionProvider = VeilVersion.class,
      description = "Have the server recompute the audit log's hash chain (operators only). Exit "
          + "code 0 if it is intact, 1 if a record was changed, removed or inserted.",
      exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
      exitCodeList = {"0:the chain is intact", "1:it is broken; the server is unreachable",
          CliErrors.EXIT_REMOTE_BAD_INPUT})
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin Remote.Options remote;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      AuditVerification v = Remote.client(ctx, remote).verifyAudit();
      if (v.ok()) {
        ctx.out().printf("audit log intact: %d records, hash chain verified%n", v.records());
        ctx.out().flush();
        return CliErrors.OK;
      }
      ctx.out().printf("audit log BROKEN at record %d of %d: %s%n", v.firstBadSequence(),
          v.records(), v.problem());
      ctx.out().flush();
      return CliErrors.FAILURE;
    }
  }
}
