package dev.veil.cli.remote;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code veil password}: changes the password of the logged-in account. */
@Command(
    name = "password",
    description = "Change your password on the server (the current one is required); your other"
        + " tokens are revoked, the saved one is kept.")
public final class PasswordCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--password-stdin",
      description = "Read the current password from the first line of standard input and the"
          + " new one from the second (for scripts); default: ask on the terminal.")
  boolean passwordStdin;

  @Mixin Remote.Options remote;

  @Mixin RemoteCommand standard;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    String current;
    String next;
    if (passwordStdin) {
      BufferedReader r = new BufferedReader(new InputStreamReader(ctx.in(),
          StandardCharsets.UTF_8));
      current = r.readLine();
      next = r.readLine();
      if (current == null || current.isEmpty() || next == null || next.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--password-stdin: standard input must"
            + " hold the current password on its first line and the new one on its second");
      }
    } else {
      current = Remote.password(ctx, false, "Current password: ", spec);
      next = Remote.password(ctx, false, "New password: ", spec);
      String again = Remote.password(ctx, false, "New password again: ", spec);
      if (!next.equals(again)) {
        throw new ParameterException(spec.commandLine(), "the new passwords differ");
      }
    }
    int revoked = Remote.client(ctx, remote).changePassword(current, next);
    ctx.out().println("password changed; " + revoked + " other token" + (revoked == 1 ? "" : "s")
        + " revoked");
    ctx.out().flush();
    return CliErrors.OK;
  }
}
