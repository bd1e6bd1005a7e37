package dev.veil.cli.remote;

import java.util.concurrent.Callable;

import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.output.JsonOutput;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code veil inputs list} and {@code veil inputs delete ID}: the caller's inference inputs. */
@Command(
    name = "inputs",
    description = "List or delete the encrypted rows you uploaded for inference (veil infer"
        + " uploads them; the server allows a limited number and size per user).",
    subcommands = {InputsCommand.ListInputs.class, InputsCommand.Delete.class})
public final class InputsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw CliErrors.missingSubcommand(spec);
  }

  /** {@code veil inputs list}. */
  @Command(name = "list", description = "Your inputs, oldest first.")
  public static final class ListInputs implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin Remote.Options remote;

    @Mixin JsonOutput json;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      return Remote.printList(ctx, json, Remote.client(ctx, remote).listInputs(),
          "no inputs: veil infer uploads them",
          new String[] {"ID", "SIZE", "SHA-256", "CREATED"},
          in -> new String[] {in.id(), String.valueOf(in.size()), in.sha256(),
              String.valueOf(in.createdAt())});
    }
  }

  /** {@code veil inputs delete ID}. */
  @Command(name = "delete", description = "Delete one of your inputs (inp_...); refused while a"
      + " queued or running job reads it.")
  public static final class Delete extends RemoteIdCommand {
    @Override
    String act(VeilClient client, String id) throws Exception {
      client.deleteInput(id);
      return "deleted " + id;
    }
  }
}
