package dev.veil.cli.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.veil.api.TokenInfo;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.output.JsonOutput;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code veil tokens list} and {@code veil tokens revoke ID}: the caller's API tokens. */
@Command(
    name = "tokens",
    description = "List or revoke your API tokens on the server (the server allows a limited"
        + " number of live tokens per user: a login revokes the oldest).",
    subcommands = {TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
public final class TokensCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(CliContext.of(spec).out());
    return CliErrors.OK;
  }

  /** {@code veil tokens list}. */
  @Command(name = "list", description = "Your live tokens, newest first (never the tokens"
      + " themselves).")
  public static final class ListTokens implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin Remote.Options remote;

    @Mixin JsonOutput json;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      List<TokenInfo> tokens = Remote.client(ctx, remote).listTokens();
      if (json.print(ctx, tokens)) {
        return CliErrors.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"TOKEN", "NAME", "CREATED", "EXPIRES", "LAST USED"});
      for (TokenInfo t : tokens) {
        rows.add(new String[] {t.id(), t.name(), String.valueOf(t.createdAt()),
            t.expiresAt() == null ? "never" : t.expiresAt().toString(),
            t.lastUsedAt() == null ? "" : t.lastUsedAt().toString()});
      }
      ctx.out().print(Remote.table(rows));
      ctx.out().flush();
      return CliErrors.OK;
    }
  }

  /** {@code veil tokens revoke ID}. */
  @Command(name = "revoke", description = "Revoke one of your tokens (tok_...).")
  public static final class Revoke extends RemoteIdCommand {
    @Override
    String act(VeilClient client, String id) throws Exception {
      client.revokeToken(id);
      return "revoked " + id;
    }
  }
}
