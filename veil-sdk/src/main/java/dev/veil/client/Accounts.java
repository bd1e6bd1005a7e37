package dev.veil.client;

import static dev.veil.client.Transport.segment;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.api.CreateTokenRequest;
import dev.veil.api.LoginRequest;
import dev.veil.api.LoginResponse;
import dev.veil.api.NewToken;
import dev.veil.api.PasswordChange;
import dev.veil.api.RegisterRequest;
import dev.veil.api.TokenInfo;
import dev.veil.api.User;

/** The account routes of {@link VeilClient}: health, register, login, logout, me, tokens. */
final class Accounts {
  private final Transport transport;

  Accounts(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  boolean health() {
    JsonNode n = transport.get("/api/health", JsonNode.class);
    return n != null && "ok".equals(n.path("status").asText());
  }

  User register(RegisterRequest request) {
    return transport.post("/api/register", request, User.class);
  }

  LoginResponse login(LoginRequest request) {
    return transport.post("/api/login", request, LoginResponse.class);
  }

  void logout() {
    transport.post("/api/logout", null, Void.class);
  }

  User me() {
    return transport.get("/api/me", User.class);
  }

  User createUser(RegisterRequest request) {
    return transport.post("/api/users", request, User.class);
  }

  List<TokenInfo> listTokens() {
    return Pages.all(transport, "/api/tokens", TokenList.class, TokenList::tokens,
        TokenList::nextCursor);
  }

  NewToken createToken(CreateTokenRequest request) {
    return transport.post("/api/tokens", request, NewToken.class);
  }

  void revokeToken(String tokenId) {
    transport.delete("/api/tokens/" + segment(tokenId));
  }

  int changePassword(String currentPassword, String newPassword) {
    return transport.post("/api/me/password", new PasswordChange(currentPassword, newPassword),
        PasswordChanged.class).revokedTokens();
  }

  User setDisabled(String user, boolean disabled) {
    return transport.post("/api/users/" + segment(user) + (disabled ? "/disable" : "/enable"),
        null, User.class);
  }

  private record PasswordChanged(int revokedTokens) {}

  private record TokenList(List<TokenInfo> tokens, String nextCursor) {}
}
