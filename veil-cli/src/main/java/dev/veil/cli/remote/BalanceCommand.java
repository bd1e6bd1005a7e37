package dev.veil.cli.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.veil.api.Balance;
import dev.veil.api.LedgerTransaction;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.output.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil balance}: the caller's money on the server. */
@Command(
    name = "balance",
    description = "Show your balance (available, and held for queued and running jobs) and your "
        + "latest transactions, in minor units.")
public final class BalanceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--transactions", defaultValue = "10", paramLabel = "N",
      description = "How many of the latest transactions to show (default: ${DEFAULT-VALUE}; 0 "
          + "for none).")
  int transactions;

  @Mixin Remote.Options remote;

  @Mixin JsonOutput json;

  @Mixin RemoteCommand standard;

  @Override
  public Integer call() throws Exception {
    Opts.atLeast(spec, "--transactions", transactions, 0);
    CliContext ctx = CliContext.of(spec);
    Balance b = Remote.client(ctx, remote).balance(Math.max(1, Math.min(500, transactions)));
    List<LedgerTransaction> ts = b.transactions() == null ? List.of() : b.transactions();
    List<LedgerTransaction> latest = ts.subList(0, Math.min(ts.size(), transactions));
    if (json.print(ctx, new Balance(b.userId(), b.available(), b.held(), latest))) {
      return CliErrors.OK;
    }
    ctx.out().printf("available %d, held %d%n", b.available(), b.held());
    if (!latest.isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"TRANSACTION", "KIND", "REFERENCE", "MEMO", "AT"});
      for (LedgerTransaction t : latest) {
        rows.add(new String[] {t.id(), t.kind(), t.reference() == null ? "" : t.reference(),
            t.memo() == null ? "" : t.memo(), String.valueOf(t.createdAt())});
      }
      ctx.out().print(Remote.table(rows));
    }
    ctx.out().flush();
    return CliErrors.OK;
  }
}
