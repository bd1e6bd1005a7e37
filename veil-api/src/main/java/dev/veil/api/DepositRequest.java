package dev.veil.api;

/**
 * {@code POST /api/deposits} (operators): credit a user with money received outside the platform.
 * Give exactly one of {@code username} and {@code userId}.
 *
 * @param username the user's name, or null
 * @param userId the user's id, or null
 * @param amount minor units, at least 1
 * @param memo a short note, or null
 */
public record DepositRequest(String username, String userId, long amount, String memo) {
  /** A deposit to the user of this name. */
  public static DepositRequest toUser(String username, long amount, String memo) {
    return new DepositRequest(username, null, amount, memo);
  }
}
