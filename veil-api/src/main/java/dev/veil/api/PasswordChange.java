package dev.veil.api;

/**
 * {@code POST /api/me/password}: the current password is required; the caller's other tokens are
 * revoked, the one of the request is kept.
 */
public record PasswordChange(String currentPassword, String newPassword) {
  @Override
  public String toString() {
    return "PasswordChange[...]"; // never the passwords
  }
}
