package dev.veil.cli.remote;

import java.util.concurrent.Callable;

import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A remote command that acts on one object of the caller's named by its id ({@code veil keys
 * delete ID}, {@code veil inputs delete ID}, {@code veil tokens revoke ID}): the id, the server
 * options and the shared attributes are here; a subclass, annotated with its own
 * {@code @Command} name and description, makes the call and says what it did.
 */
abstract class RemoteIdCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ID", description = "Its id, from ${PARENT-COMMAND-FULL-NAME} list.")
  String id;

  @Mixin Remote.Options remote;

  @Mixin RemoteCommand standard;

  /** Makes the call for {@code id}; returns the line printed on success. */
  abstract String act(VeilClient client, String id) throws Exception;

  @Override
  public final Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    ctx.out().println(act(Remote.client(ctx, remote), id));
    ctx.out().flush();
    return CliErrors.OK;
  }
}
