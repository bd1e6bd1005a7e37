package dev.veil.server.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.veil.server.account.ApiToken;
import dev.veil.server.account.TokenRepository;
import dev.veil.server.account.User;
import dev.veil.server.account.UserRepository;
import dev.veil.server.core.ServiceException;

/** In-memory user and token repositories for service tests. */
public final class InMemoryAccounts {
  private InMemoryAccounts() {}

  /** Users by id. */
  public static final class Users implements UserRepository {
    private final Map<String, User> byId = new LinkedHashMap<>();

    @Override
    public synchronized void insert(User u) {
      if (byId.values().stream().anyMatch(x -> x.username().equals(u.username()))) {
        throw ServiceException.conflict("username '" + u.username() + "' is taken");
      }
      byId.put(u.id(), u);
    }

    @Override
    public synchronized Optional<User> byId(String id) {
      return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized Optional<User> byUsername(String username) {
      return byId.values().stream().filter(u -> u.username().equals(username)).findFirst();
    }

    @Override
    public synchronized void updatePasswordHash(String id, String passwordHash) {
      User u = byId.get(id);
      byId.put(id, new User(u.id(), u.username(), passwordHash, u.roles(), u.createdAt(),
          u.disabledAt()));
    }

    @Override
    public synchronized boolean setDisabled(String id, Instant at) {
      User u = byId.get(id);
      if (u == null) {
        return false;
      }
      byId.put(id, new User(u.id(), u.username(), u.passwordHash(), u.roles(), u.createdAt(),
          at));
      return true;
    }

    @Override
    public synchronized long count() {
      return byId.size();
    }
  }

  /** Tokens by id. */
  public static final class Tokens implements TokenRepository {
    private final Map<String, ApiToken> byId = new LinkedHashMap<>();

    @Override
    public synchronized void insert(ApiToken t) {
      byId.put(t.id(), t);
    }

    @Override
    public synchronized Optional<ApiToken> byHash(String tokenHash) {
      return byId.values().stream().filter(t -> t.tokenHash().equals(tokenHash)).findFirst();
    }

    @Override
    public synchronized List<ApiToken> byUser(String userId) {
      List<ApiToken> out = new ArrayList<>(byId.values().stream()
          .filter(t -> t.userId().equals(userId) && t.revokedAt() == null).toList());
      out.sort(Comparator.comparing(ApiToken::createdAt).reversed());
      return out;
    }

    @Override
    public synchronized boolean revoke(String id, String userId, Instant at) {
      ApiToken t = byId.get(id);
      if (t == null || !t.userId().equals(userId) || t.revokedAt() != null) {
        return false;
      }
      byId.put(id, new ApiToken(t.id(), t.userId(), t.name(), t.tokenHash(), t.createdAt(),
          t.expiresAt(), t.lastUsedAt(), at));
      return true;
    }

    @Override
    public synchronized int revokeAllBut(String userId, String keepId, Instant at) {
      int n = 0;
      for (ApiToken t : List.copyOf(byId.values())) {
        if (t.userId().equals(userId) && t.revokedAt() == null && !t.id().equals(keepId)) {
          revoke(t.id(), userId, at);
          n++;
        }
      }
      return n;
    }

    @Override
    public synchronized void touch(String id, Instant at) {
      ApiToken t = byId.get(id);
      byId.put(id, new ApiToken(t.id(), t.userId(), t.name(), t.tokenHash(), t.createdAt(),
          t.expiresAt(), at, t.revokedAt()));
    }

    /** Every token, revoked ones included. */
    public synchronized List<ApiToken> all() {
      return List.copyOf(byId.values());
    }
  }
}
