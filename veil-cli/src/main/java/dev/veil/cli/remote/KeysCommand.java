package dev.veil.cli.remote;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.veil.api.KeySet;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.VeilVersion;
import dev.veil.cli.local.Store;
import dev.veil.cli.output.JsonOutput;
import dev.veil.cli.output.Progress;
import dev.veil.client.VeilClient;
import dev.veil.client.VeilFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil keys}: the key sets on the server. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = "Key sets on the server: the public and evaluation keys of a key directory "
        + "(never the secret key).",
    subcommands = {KeysCommand.Upload.class, KeysCommand.ListKeys.class,
        KeysCommand.Delete.class})
public final class KeysCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw CliErrors.missingSubcommand(spec);
  }

  /** {@code veil keys upload}. */
  @Command(
      name = "upload",
      sortOptions = false,
      description = {
        "Upload params.bin, public.key and evaluation.keys of a veil keygen directory as a key "
            + "set (secret.key is never read). A data set upload or an inference job needs the "
            + "key set its ciphertexts are encrypted under. If a complete key set of the same "
            + "key pair is already there, it is reused."
      })
  static final class Upload implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--keys", required = true, paramLabel = "DIR",
        description = "The key directory from veil keygen.")
    Path keys;

    @Option(names = "--name", paramLabel = "NAME",
        description = "A label (default: the directory's name).")
    String name;

    @Mixin Remote.Options remote;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Store.requireDir(keys, "a key directory from veil keygen");
      Path pk = keys.resolve(VeilFiles.PUBLIC_KEY);
      Store.requireFile(pk);
      String keyId = VeilFiles.keyId(pk);
      VeilClient client = Remote.client(ctx, remote);
      Optional<KeySet> existing = client.findKeySet(keyId);
      if (existing.isPresent()) {
        ctx.out().printf("key set %s (key id %s) is already on %s%n", existing.get().id(), keyId,
            client.baseUrl());
        ctx.out().flush();
        return CliErrors.OK;
      }
      String label = name != null ? name : keys.toAbsolutePath().normalize().getFileName()
          .toString();
      KeySet ks;
      try (Progress bar = Remote.bytesBar(ctx, "upload keys")) {
        ks = client.uploadKeySet(keys, label, Remote.listener(bar));
      }
      ctx.out().printf("uploaded key set %s (key id %s, N = 2^%d, %d levels%s): public key and"
              + " evaluation keys, %.1f MiB%n", ks.id(), ks.keyId(), ks.logN(), ks.maxLevel(),
          ks.insecure() ? ", INSECURE parameters" : "",
          (ks.publicKey().size() + ks.evaluationKeys().size()) / (double) (1 << 20));
      ctx.out().flush();
      return CliErrors.OK;
    }
  }

  /** {@code veil keys list}. */
  @Command(
      name = "list",
      description = "List your key sets.")
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin Remote.Options remote;

    @Mixin JsonOutput json;

    @Mixin RemoteCommand standard;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      return Remote.printList(ctx, json, Remote.client(ctx, remote).listKeySets(),
          "no key sets: upload one with veil keys upload --keys DIR",
          new String[] {"ID", "NAME", "KEY ID", "N", "LEVELS", "COMPLETE", "CREATED"},
          k -> new String[] {k.id(), k.name(),
              k.keyId() == null ? "-" : k.keyId(), "2^" + k.logN(), "" + k.maxLevel(),
              k.complete() ? "yes" : "no", String.valueOf(k.createdAt())});
    }
  }

  /** {@code veil keys delete ID}. */
  @Command(
      name = "delete",
      description = "Delete one of your key sets (ks_...) that nothing uses: refused, naming"
          + " them, while a data set, an input, a job that has not ended or a pending hand-over"
          + " uses it. Your key directory is not touched.")
  static final class Delete extends RemoteIdCommand {
    @Override
    String act(VeilClient client, String id) throws Exception {
      client.deleteKeySet(id);
      return "deleted key set " + id;
    }
  }
}
