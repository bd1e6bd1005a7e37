package dev.veil.api;

/**
 * {@code POST /api/login}.
 *
 * @param username the account
 * @param password its password
 * @param tokenName names the token issued (null: {@code login})
 */
public record LoginRequest(String username, String password, String tokenName) {
  /** Never shows the password. */
  @Override
  public String toString() {
    return "LoginRequest[" + username + ", " + tokenName + "]";
  }
}
