package dev.veil.server.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.veil.api.CreateTokenRequest;
import dev.veil.server.account.AccountApi.LoginResponse;
import dev.veil.server.account.AccountApi.NewToken;
import dev.veil.server.account.AccountApi.RegisterRequest;
import dev.veil.server.account.AccountApi.TokenView;
import dev.veil.server.account.AccountApi.UserView;
import dev.veil.server.audit.AuditLog;
import dev.veil.server.core.Ids;
import dev.veil.server.core.Page;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;

/**
 * Accounts, passwords and API tokens.
 *
 * <p>Guarantees: passwords are stored only as Argon2id hashes; tokens only as SHA-256 hashes, the
 * token itself being returned once; a login with an unknown user takes as long as one with a wrong
 * password and both answer the same 401; revoked and expired tokens authenticate nothing; a user
 * sees and revokes only their own tokens. Registration policy: when {@code openRegistration} is
 * on, anyone may register as data owner, model seller and/or buyer; operator accounts are created
 * only by an operator (or by {@link #bootstrapOperator} on an empty database). Every registration,
 * login (failed ones too), token creation and revocation is written to the audit log.
 */
public final class AccountService {
  /** Lower case letters, digits, '.', '_' and '-', 3 to 32 characters, starting alphanumeric. */
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,31}");
  static final int MIN_PASSWORD = 10;
  static final int MAX_PASSWORD = 1024;
  private static final int MAX_TOKEN_NAME = 100;
  private static final int MAX_TOKEN_DAYS = 3650;
  /** A token's last use is written at most this often. */
  private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(5);
  private static final Set<Role> SELF_SERVICE =
      EnumSet.of(Role.DATA_OWNER, Role.MODEL_SELLER, Role.BUYER);

  /**
   * The account rules.
   *
   * @param openRegistration whether anyone may register (without operator role)
   * @param loginTokenTtl lifetime of the token a login issues
   * @param throttle failed-login backoff and lockout
   * @param maxTokensPerUser live tokens one user may hold
   */
  public record Policy(boolean openRegistration, Duration loginTokenTtl,
      LoginThrottle.Policy throttle, int maxTokensPerUser) {
    public Policy {
      Objects.requireNonNull(loginTokenTtl, "loginTokenTtl");
      Objects.requireNonNull(throttle, "throttle");
      if (maxTokensPerUser < 1) {
        throw new IllegalArgumentException("maxTokensPerUser must be positive, got "
            + maxTokensPerUser);
      }
    }

    /** With the default limits ({@link AccountLimits#defaults}). */
    public Policy(boolean openRegistration, Duration loginTokenTtl) {
      this(openRegistration, loginTokenTtl, AccountLimits.defaults().loginThrottle(),
          AccountLimits.defaults().maxTokensPerUser());
    }
  }

  private final UserRepository users;
  private final TokenRepository tokens;
  private final PasswordHasher hasher;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;
  private final Policy policy;
  private final LoginThrottle throttle;

  public AccountService(UserRepository users, TokenRepository tokens, PasswordHasher hasher,
      AuditLog audit, Clock clock, SecureRandom random, Policy policy) {
    this.users = Objects.requireNonNull(users, "users");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.throttle = new LoginThrottle(policy.throttle());
  }

  /**
   * Creates an account.
   *
   * @param caller the authenticated caller, or null for self-registration
   */
  public UserView register(Principal caller, RegisterRequest req) {
    if (req == null) {
      throw ServiceException.badRequest("a body {username, password, roles} is required");
    }
    boolean byOperator = caller != null && caller.has(Role.OPERATOR);
    if (caller != null && !byOperator) {
      throw ServiceException.forbidden("only an operator creates accounts for others");
    }
    String username = username(req.username());
    checkPassword(req.password(), username);
    Set<Role> roles = roles(req.roles());
    if (!byOperator) {
      if (!policy.openRegistration()) {
        throw ServiceException.forbidden("registration is closed on this server: ask an operator"
            + " for an account");
      }
      if (!SELF_SERVICE.containsAll(roles)) {
        throw ServiceException.forbidden("only an operator can create " + Role.OPERATOR
            + " accounts; register as " + SELF_SERVICE);
      }
    }
    User user = new User(Ids.next("usr"), username, hasher.hash(req.password()), roles, now());
    users.insert(user);
    audit.record(caller == null ? user.id() : caller.userId(), "user.register", user.id(),
        details("username", username, "roles", sorted(roles), "byOperator", byOperator));
    return UserView.of(user);
  }

  /**
   * What {@link #bootstrapOperator} did.
   *
   * @param created whether it created the operator account (the database had no user)
   * @param generatedPassword the password it generated, to show once; null when it created none
   *     or used the configured one
   */
  public record Bootstrap(boolean created, String generatedPassword) {
    /** The generated password, if one was generated. */
    public Optional<String> password() {
      return Optional.ofNullable(generatedPassword);
    }
  }

  /**
   * Creates the operator account on an empty database; does nothing when the database has users.
   *
   * @param password the password, or null to generate one
   */
  public Bootstrap bootstrapOperator(String username, String password) {
    if (users.count() > 0) {
      return new Bootstrap(false, null);
    }
    String name = username(username);
    String pw = password;
    if (pw == null) {
      pw = Tokens.generate(random).substring(Tokens.PREFIX.length(), Tokens.PREFIX.length() + 24);
    } else {
      checkPassword(pw, name);
    }
    User user = new User(Ids.next("usr"), name, hasher.hash(pw), EnumSet.of(Role.OPERATOR),
        now());
    users.insert(user);
    audit.record(null, "user.bootstrap", user.id(), details("username", name));
    return new Bootstrap(true, password == null ? pw : null);
  }

  /** {@link #login(String, String, String, String)} from an unknown address. */
  public LoginResponse login(String username, String password, String tokenName) {
    return login(username, password, tokenName, null);
  }

  /**
   * Checks the credentials and issues a token; the same 401 for an unknown user or password.
   * Failed logins are throttled per account name and per client address ({@link LoginThrottle}):
   * a throttled attempt is refused with 429 before any password is hashed.
   *
   * @param clientAddress the client's address, or null when unknown
   */
  public LoginResponse login(String username, String password, String tokenName,
      String clientAddress) {
    String name = username == null ? "" : username.strip().toLowerCase(java.util.Locale.ROOT);
    String pw = password == null ? "" : password;
    if (pw.length() > MAX_PASSWORD) {
      throw ServiceException.badRequest("password longer than " + MAX_PASSWORD + " characters");
    }
    String throttleKey = name.length() > 64 ? name.substring(0, 64) : name;
    throttle.check(throttleKey, clientAddress, clock.instant());
    Optional<User> user = USERNAME.matcher(name).matches() ? users.byUsername(name)
        : Optional.empty();
    boolean ok = hasher.verify(pw, user.map(User::passwordHash).orElse(null));
    if (!ok) {
      throttle.failed(throttleKey, clientAddress, clock.instant());
      audit.record(user.map(User::id).orElse(null), "user.login.failed", user.map(User::id)
          .orElse(null), details("username", name.length() > 64 ? name.substring(0, 64) : name,
              "reason", user.isPresent() ? "wrong password" : "unknown user"));
      throw ServiceException.unauthorized("wrong username or password");
    }
    User u = user.get();
    throttle.succeeded(throttleKey);
    if (u.disabled()) {
      audit.record(u.id(), "user.login.failed", u.id(), details("username", name, "reason",
          "disabled"));
      throw new ServiceException(403, "account_disabled", "this account is disabled: ask an"
          + " operator");
    }
    if (hasher.needsRehash(u.passwordHash())) {
      users.updatePasswordHash(u.id(), hasher.hash(pw));
    }
    String label = tokenName == null ? "login" : tokenName(tokenName);
    NewToken t = issue(u.id(), label, now().plus(policy.loginTokenTtl()), true);
    audit.record(u.id(), "user.login", u.id(), details("tokenId", t.info().id()));
    return new LoginResponse(t.token(), t.info(), UserView.of(u));
  }

  /**
   * The principal a bearer token stands for.
   *
   * @throws ServiceException 401 for a malformed, unknown, revoked or expired token, or one whose
   *     user no longer exists
   */
  public Principal authenticate(String token) {
    if (!Tokens.wellFormed(token)) {
      throw ServiceException.unauthorized("malformed API token");
    }
    String hash = Tokens.hash(token);
    Instant now = now();
    ApiToken t = tokens.byHash(hash)
        .filter(x -> Tokens.sameHash(x.tokenHash(), hash))
        .orElseThrow(() -> ServiceException.unauthorized("unknown API token"));
    if (!t.activeAt(now)) {
      throw ServiceException.unauthorized(t.revokedAt() != null ? "the API token was revoked"
          : "the API token expired at " + t.expiresAt() + ": log in again");
    }
    User u = users.byId(t.userId())
        .orElseThrow(() -> ServiceException.unauthorized("unknown API token"));
    if (u.disabled()) {
      throw ServiceException.unauthorized("the account is disabled: ask an operator");
    }
    if (t.lastUsedAt() == null || t.lastUsedAt().plus(TOUCH_INTERVAL).isBefore(now)) {
      tokens.touch(t.id(), now);
    }
    return u.principal();
  }

  /** The caller's account. */
  public UserView me(Principal p) {
    return UserView.of(users.byId(p.userId())
        .orElseThrow(() -> ServiceException.unauthorized("the account no longer exists")));
  }

  /** Issues a token for the caller. */
  public NewToken createToken(Principal p, CreateTokenRequest req) {
    if (req == null) {
      throw ServiceException.badRequest("a body {name, expiresInDays} is required");
    }
    String name = tokenName(req.name());
    Instant expires = null;
    if (req.expiresInDays() != null) {
      int d = req.expiresInDays();
      if (d < 1 || d > MAX_TOKEN_DAYS) {
        throw ServiceException.badRequest("expiresInDays must be in [1, " + MAX_TOKEN_DAYS
            + "] or absent (no expiry), got " + d);
      }
      expires = now().plus(Duration.ofDays(d));
    }
    NewToken t = issue(p.userId(), name, expires, false);
    audit.record(p.userId(), "token.create", t.info().id(), details("name", name, "expiresAt",
        t.info().expiresAt()));
    return t;
  }

  /** The caller's active tokens, newest first (never the tokens themselves). */
  public Page.Slice<TokenView> tokens(Principal p, Page page) {
    Instant now = now();
    Page.Slice<ApiToken> s = page.descending().ofAll(tokens.byUser(p.userId()).stream()
        .filter(t -> t.activeAt(now)).toList(), t -> new Page.Position(t.createdAt(), t.id()));
    return new Page.Slice<>(s.items().stream().map(TokenView::of).toList(), s.nextCursor());
  }

  /** The caller's live tokens, newest first. */
  public List<TokenView> tokens(Principal p) {
    Instant now = now();
    return tokens.byUser(p.userId()).stream().filter(t -> t.activeAt(now)).map(TokenView::of)
        .toList();
  }

  /** Revokes one of the caller's tokens; 404 for another user's or an unknown one. */
  public void revokeToken(Principal p, String tokenId) {
    if (!Ids.looksLike("tok", tokenId) || !tokens.revoke(tokenId, p.userId(), now())) {
      throw ServiceException.notFound("token", String.valueOf(tokenId));
    }
    audit.record(p.userId(), "token.revoke", tokenId, Map.of());
  }

  /** Revokes the token the caller authenticated with (a logout). */
  public void logout(Principal p, String token) {
    if (!Tokens.wellFormed(token)) {
      throw ServiceException.unauthorized("malformed API token");
    }
    ApiToken t = tokens.byHash(Tokens.hash(token))
        .filter(x -> x.userId().equals(p.userId()))
        .orElseThrow(() -> ServiceException.unauthorized("unknown API token"));
    if (tokens.revoke(t.id(), p.userId(), now())) {
      audit.record(p.userId(), "user.logout", t.id(), Map.of());
    }
  }

  /**
   * Changes the caller's password: the current one is required (a wrong one is a failed login
   * for the throttle, answered 403), every other token of the caller is revoked, the one the
   * request came with is kept.
   *
   * @return how many tokens were revoked
   */
  public int changePassword(Principal p, String token, String currentPassword,
      String newPassword, String clientAddress) {
    User u = users.byId(p.userId())
        .orElseThrow(() -> ServiceException.unauthorized("the account no longer exists"));
    if (currentPassword == null || currentPassword.length() > MAX_PASSWORD) {
      throw ServiceException.badRequest("currentPassword is required");
    }
    checkPassword(newPassword, u.username());
    throttle.check(u.username(), clientAddress, clock.instant());
    if (!hasher.verify(currentPassword, u.passwordHash())) {
      throttle.failed(u.username(), clientAddress, clock.instant());
      audit.record(u.id(), "user.password.change.failed", u.id(), Map.of());
      throw ServiceException.forbidden("the current password is wrong");
    }
    throttle.succeeded(u.username());
    users.updatePasswordHash(u.id(), hasher.hash(newPassword));
    String keep = Tokens.wellFormed(token) ? tokens.byHash(Tokens.hash(token))
        .map(ApiToken::id).orElse(null) : null;
    int revoked = tokens.revokeAllBut(u.id(), keep, now());
    audit.record(u.id(), "user.password.change", u.id(), details("revokedTokens", revoked));
    return revoked;
  }

  /**
   * Disables ({@code disabled} true) or enables an account (operators only). Disabling revokes
   * every token of the account at once and refuses its logins until it is enabled again; an
   * operator cannot disable their own account.
   *
   * @param who a user id ({@code usr_...}) or username
   */
  public UserView setDisabled(Principal caller, String who, boolean disabled) {
    if (!caller.has(Role.OPERATOR)) {
      throw ServiceException.forbidden("only operators disable or enable accounts");
    }
    String key = who == null ? "" : who.strip().toLowerCase(java.util.Locale.ROOT);
    User u = (Ids.looksLike("usr", who) ? users.byId(who) : users.byUsername(key))
        .orElseThrow(() -> ServiceException.notFound("user", String.valueOf(who)));
    if (disabled && u.id().equals(caller.userId())) {
      throw ServiceException.conflict("an operator cannot disable their own account");
    }
    Instant at = disabled ? now() : null;
    users.setDisabled(u.id(), at);
    int revoked = disabled ? tokens.revokeAllBut(u.id(), null, now()) : 0;
    audit.record(caller.userId(), disabled ? "user.disable" : "user.enable", u.id(),
        details("username", u.username(), "revokedTokens", revoked));
    return UserView.of(users.byId(u.id()).orElseThrow());
  }

  /** Serialises token issuing per user, so that the cap holds under concurrent requests. */
  private final Object[] issueLocks = newLocks(64);

  private static Object[] newLocks(int n) {
    Object[] locks = new Object[n];
    for (int i = 0; i < n; i++) {
      locks[i] = new Object();
    }
    return locks;
  }

  /**
   * Issues a token within the cap of live tokens per user: a login makes room by revoking the
   * user's oldest live token (so that a user can always log in); an explicit {@code POST
   * /api/tokens} is refused with 409 {@code too_many_tokens} instead.
   */
  private NewToken issue(String userId, String name, Instant expiresAt, boolean evictOldest) {
    synchronized (issueLocks[Math.floorMod(userId.hashCode(), issueLocks.length)]) {
      Instant now = now();
      List<ApiToken> live = tokens.byUser(userId).stream().filter(x -> x.activeAt(now))
          .toList(); // newest first
      int excess = live.size() - policy.maxTokensPerUser() + 1;
      if (excess > 0 && !evictOldest) {
        throw new ServiceException(409, "too_many_tokens", "you hold " + live.size()
            + " live API tokens, the most this server allows: revoke one first (DELETE"
            + " /api/tokens/{id}, veil tokens revoke ID)");
      }
      for (int i = 0; i < excess; i++) {
        ApiToken old = live.get(live.size() - 1 - i);
        tokens.revoke(old.id(), userId, now);
        audit.record(userId, "token.revoke", old.id(), details("reason", "token cap"));
      }
      String token = Tokens.generate(random);
      ApiToken t = new ApiToken(Ids.next("tok"), userId, name, Tokens.hash(token), now,
          expiresAt, null, null);
      tokens.insert(t);
      return new NewToken(token, TokenView.of(t));
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static String username(String raw) {
    if (raw == null || raw.isBlank()) {
      throw ServiceException.badRequest("username is required");
    }
    String u = raw.strip().toLowerCase(java.util.Locale.ROOT);
    if (!USERNAME.matcher(u).matches()) {
      throw ServiceException.badRequest("username must be 3 to 32 characters: letters, digits,"
          + " '.', '_' or '-', starting with a letter or digit");
    }
    return u;
  }

  private static void checkPassword(String pw, String username) {
    if (pw == null || pw.length() < MIN_PASSWORD) {
      throw ServiceException.badRequest("password must have at least " + MIN_PASSWORD
          + " characters");
    }
    if (pw.length() > MAX_PASSWORD) {
      throw ServiceException.badRequest("password must have at most " + MAX_PASSWORD
          + " characters");
    }
    if (pw.strip().equalsIgnoreCase(username)) {
      throw ServiceException.badRequest("password must differ from the username");
    }
  }

  private static Set<Role> roles(List<Role> roles) {
    if (roles == null || roles.isEmpty()) {
      throw ServiceException.badRequest("roles must name at least one of " + List.of(Role.values()));
    }
    EnumSet<Role> set = EnumSet.noneOf(Role.class);
    for (Role r : roles) {
      if (r == null) {
        throw ServiceException.badRequest("roles must not contain null");
      }
      set.add(r);
    }
    return set;
  }

  private static String tokenName(String name) {
    if (name == null || name.isBlank()) {
      throw ServiceException.badRequest("token name is required");
    }
    String n = name.strip();
    if (n.length() > MAX_TOKEN_NAME || n.chars().anyMatch(Character::isISOControl)) {
      throw ServiceException.badRequest("token name must be at most " + MAX_TOKEN_NAME
          + " printable characters");
    }
    return n;
  }

  private static List<String> sorted(Set<Role> roles) {
    return roles.stream().sorted().map(Role::name).toList();
  }

  /** A small ordered details map that allows null values. */
  static Map<String, Object> details(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
