package dev.veil.api;

/**
 * A new API token ({@code POST /api/tokens}): {@code token} ({@code veil_...}) is shown this once.
 *
 * @param token the bearer token
 * @param info its description
 */
public record NewToken(String token, TokenInfo info) {
  /** Never shows the token. */
  @Override
  public String toString() {
    return "NewToken[" + info + "]";
  }
}
