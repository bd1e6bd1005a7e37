package dev.veil.api;

import java.util.List;

/**
 * {@code POST /api/register} (anyone, roles DATA_OWNER, MODEL_SELLER, BUYER) and {@code POST
 * /api/users} (operators, any role).
 *
 * @param username 3 to 32 characters: letters, digits, {@code . _ -}; stored lower case
 * @param password 10 characters or more
 * @param roles one or more
 */
public record RegisterRequest(String username, String password, List<Role> roles) {
  /** Never shows the password. */
  @Override
  public String toString() {
    return "RegisterRequest[" + username + ", " + roles + "]";
  }
}
