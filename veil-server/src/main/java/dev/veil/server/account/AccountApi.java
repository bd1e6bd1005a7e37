package dev.veil.server.account;

import java.util.List;

import dev.veil.server.core.Role;

/** The JSON bodies of the account routes (requests and responses). */
public final class AccountApi {
  private AccountApi() {}

  /** {@code POST /api/register} and {@code POST /api/users}. */
  public record RegisterRequest(String username, String password, List<Role> roles) {
    @Override
    public String toString() {
      return "RegisterRequest[" + username + ", " + roles + "]";
    }
  }

  /** A user as the API shows it: never the password hash; {@code disabledAt} null if enabled. */
  public record UserView(String id, String username, List<Role> roles, String createdAt,
      String disabledAt) {
    static UserView of(User u) {
      return new UserView(u.id(), u.username(), u.roles().stream().sorted().toList(),
          u.createdAt().toString(), u.disabledAt() == null ? null : u.disabledAt().toString());
    }
  }

  /** {@code POST /api/me/password}. */
  public record PasswordChange(String currentPassword, String newPassword) {
    @Override
    public String toString() {
      return "PasswordChange[...]";
    }
  }

  /** The answer to a password change: the caller's other tokens were revoked. */
  public record PasswordChanged(int revokedTokens) {}

  /** A token as listed: never the token nor its hash. Times are ISO-8601, absent ones null. */
  public record TokenView(String id, String name, String createdAt, String expiresAt,
      String lastUsedAt) {
    static TokenView of(ApiToken t) {
      return new TokenView(t.id(), t.name(), t.createdAt().toString(), str(t.expiresAt()),
          str(t.lastUsedAt()));
    }

    private static String str(Object o) {
      return o == null ? null : o.toString();
    }
  }

  /** A new token: {@code token} is shown this once and cannot be retrieved again. */
  public record NewToken(String token, TokenView info) {
    @Override
    public String toString() {
      return "NewToken[" + info + "]";
    }
  }

  /** The answer to a login: a new token and who it belongs to. */
  public record LoginResponse(String token, TokenView info, UserView user) {
    @Override
    public String toString() {
      return "LoginResponse[" + info + ", " + user + "]";
    }
  }

  /** The user list of {@code GET /api/tokens}. */
  /** One page of live tokens, newest first; {@code nextCursor} null on the last. */
  public record TokenList(List<TokenView> tokens, String nextCursor) {}
}
