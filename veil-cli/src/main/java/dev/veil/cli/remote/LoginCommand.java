package dev.veil.cli.remote;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

import dev.veil.api.LoginRequest;
import dev.veil.api.LoginResponse;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.credentials.Credentials;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil login}: a token for the account, saved for the other remote commands. */
@Command(
    name = "login",
    sortOptions = false,
    description = {
      "Log in to a Veil server: the server issues an API token, which is saved with the "
          + "server's URL in credentials.json (readable by you only) for the other remote "
          + "commands. $VEIL_SERVER and $VEIL_TOKEN override what is saved."
    })
public final class LoginCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--server", paramLabel = "URL",
      description = "The server, e.g. http://127.0.0.1:8080 (default: $VEIL_SERVER, else the "
          + "saved one).")
  String server;

  @Option(names = "--username", required = true, paramLabel = "NAME", description = "The account.")
  String username;

  @Option(names = "--password-stdin",
      description = "Read the password from the first line of standard input (for scripts); "
          + "otherwise it is asked for on the terminal.")
  boolean passwordStdin;

  @Mixin Remote.Options remote;

  @Mixin RemoteCommand standard;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    VeilClient client = Remote.anonymous(ctx, remote, Remote.server(ctx, remote, server, spec));
    String password = Remote.password(ctx, passwordStdin, "Password for " + username + " at "
        + client.baseUrl() + ": ", spec);
    LoginResponse r = client.login(new LoginRequest(username, password, "veil login"));
    Path file = Credentials.write(Remote.configDir(ctx, remote), new Credentials.Saved(
        client.baseUrl().toString(), r.user().username(), r.token(), Instant.now().toString()));
    ctx.out().printf("logged in to %s as %s %s; token saved in %s%n", client.baseUrl(),
        r.user().username(), r.user().roles(), file);
    ctx.out().flush();
    return CliErrors.OK;
  }
}
