package dev.veil.cli.remote;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.api.LoginRequest;
import dev.veil.api.LoginResponse;
import dev.veil.api.RegisterRequest;
import dev.veil.api.Role;
import dev.veil.api.User;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.credentials.Credentials;
import dev.veil.client.VeilClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code veil register}: a new account, then logged in as {@code veil login} does. */
@Command(
    name = "register",
    sortOptions = false,
    description = {
      "Register an account on a Veil server (data owner, model seller, buyer; operators are "
          + "created by operators), then log in as veil login does and save the token."
    })
public final class RegisterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--server", paramLabel = "URL",
      description = "The server (default: $VEIL_SERVER, else the saved one).")
  String server;

  @Option(names = "--username", required = true, paramLabel = "NAME",
      description = "3 to 32 letters, digits, '.', '_' or '-' (stored lower case).")
  String username;

  @Option(names = "--role", required = true, split = ",", paramLabel = "ROLE",
      converter = RoleConverter.class,
      description = "data-owner, model-seller or buyer; several separated by commas or with "
          + "the option repeated.")
  List<Role> roles;

  @Option(names = "--password-stdin",
      description = "Read the password (10 characters or more) from the first line of standard "
          + "input; otherwise it is asked for on the terminal.")
  boolean passwordStdin;

  @Mixin Remote.Options remote;

  /** data-owner, DATA_OWNER, model-seller, buyer, operator (case-insensitive). */
  static final class RoleConverter implements ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      String v = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
      try {
        return Role.valueOf(v);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("unknown role '" + value + "': choose data-owner,"
            + " model-seller or buyer");
      }
    }
  }

  @Mixin RemoteCommand standard;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    VeilClient client = Remote.anonymous(ctx, remote, Remote.server(ctx, remote, server, spec));
    String password = Remote.password(ctx, passwordStdin, "New password for " + username
        + " at " + client.baseUrl() + ": ", spec);
    User u = client.register(new RegisterRequest(username, password, List.copyOf(roles)));
    LoginResponse r = client.login(new LoginRequest(username, password, "veil login"));
    Path file = Credentials.write(Remote.configDir(ctx, remote), new Credentials.Saved(
        client.baseUrl().toString(), u.username(), r.token(), Instant.now().toString()));
    ctx.out().printf("registered %s %s (%s) at %s; logged in, token saved in %s%n",
        u.username(), u.roles(), u.id(), client.baseUrl(), file);
    ctx.out().flush();
    return CliErrors.OK;
  }
}
