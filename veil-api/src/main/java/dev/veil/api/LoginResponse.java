package dev.veil.api;

/**
 * The answer to a login: a new token ({@code veil_...}, shown this once) and whose it is.
 *
 * @param token the bearer token
 * @param info its description
 * @param user the account
 */
public record LoginResponse(String token, TokenInfo info, User user) {
  /** Never shows the token. */
  @Override
  public String toString() {
    return "LoginResponse[" + info + ", " + user + "]";
  }
}
