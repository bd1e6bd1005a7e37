package dev.veil.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.veil.api.CreateTokenRequest;
import dev.veil.server.account.AccountApi.LoginResponse;
import dev.veil.server.account.AccountApi.NewToken;
import dev.veil.server.account.AccountApi.RegisterRequest;
import dev.veil.server.account.AccountApi.UserView;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.testing.InMemoryAccounts;
import dev.veil.server.testing.MutableClock;
import dev.veil.server.testing.RecordingAuditLog;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The account service with in-memory repositories, a recording audit log and a hand clock. */
class AccountServiceTest {
  private static final String PW = "a-good-password";

  private final InMemoryAccounts.Users users = new InMemoryAccounts.Users();
  private final InMemoryAccounts.Tokens tokens = new InMemoryAccounts.Tokens();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final PasswordHasher hasher =
      new PasswordHasher(new PasswordHasher.Params(1024, 1, 1), new SecureRandom());

  private AccountService service(boolean open) {
    return new AccountService(users, tokens, hasher, audit, clock, new SecureRandom(),
        new AccountService.Policy(open, Duration.ofDays(7)));
  }

  private final AccountService accounts = service(true);

  private static void assertStatus(ThrowingCallable call, int status, String... mentions) {
    assertThatThrownBy(call).isInstanceOfSatisfying(ServiceException.class, e -> {
      assertThat(e.status()).isEqualTo(status);
      for (String m : mentions) {
        assertThat(e.getMessage()).contains(m);
      }
    });
  }

  private UserView register(String name, Role... roles) {
    return accounts.register(null, new RegisterRequest(name, PW, List.of(roles)));
  }

  @Test
  void anyoneRegistersAsDataOwnerSellerOrBuyerAndTheNameIsStoredLowerCase() {
    UserView u = register("Alice", Role.DATA_OWNER, Role.BUYER);
    assertThat(u.username()).isEqualTo("alice");
    assertThat(u.roles()).containsExactly(Role.DATA_OWNER, Role.BUYER);
    assertThat(u.id()).startsWith("usr_");
    User stored = users.byId(u.id()).orElseThrow();
    assertThat(stored.passwordHash()).startsWith("$argon2id$").doesNotContain(PW);
    assertThat(audit.last().action()).isEqualTo("user.register");
    assertThat(audit.last().actor()).isEqualTo(u.id());
  }

  @Test
  void selfRegistrationCannotCreateAnOperator() {
    assertStatus(() -> register("mallory", Role.BUYER, Role.OPERATOR), 403, "OPERATOR");
    assertThat(users.count()).isZero();
  }

  @Test
  void closedRegistrationRefusesAnonymousCallersButNotOperators() {
    AccountService closed = service(false);
    assertStatus(() -> closed.register(null, new RegisterRequest("bob", PW,
        List.of(Role.BUYER))), 403, "closed");
    Principal op = new Principal("usr_op", "op", java.util.Set.of(Role.OPERATOR));
    UserView made = closed.register(op, new RegisterRequest("second-op", PW,
        List.of(Role.OPERATOR)));
    assertThat(made.roles()).containsExactly(Role.OPERATOR);
    assertThat(audit.last().actor()).isEqualTo("usr_op");
  }

  @Test
  void aNonOperatorCannotCreateAccountsForOthers() {
    Principal buyer = new Principal("usr_b", "b", java.util.Set.of(Role.BUYER));
    assertStatus(() -> accounts.register(buyer, new RegisterRequest("carol", PW,
        List.of(Role.BUYER))), 403);
  }

  @Test
  void registrationValidatesEachFieldWithAClearMessage() {
    assertStatus(() -> accounts.register(null, new RegisterRequest(null, PW,
        List.of(Role.BUYER))), 400, "username");
    assertStatus(() -> accounts.register(null, new RegisterRequest("a b", PW,
        List.of(Role.BUYER))), 400, "username");
    assertStatus(() -> accounts.register(null, new RegisterRequest("ok-name", "short",
        List.of(Role.BUYER))), 400, "at least 10");
    assertStatus(() -> accounts.register(null, new RegisterRequest("samename1", "samename1",
        List.of(Role.BUYER))), 400, "at least 10");
    assertStatus(() -> accounts.register(null, new RegisterRequest("samename12",
        "SameName12", List.of(Role.BUYER))), 400, "differ");
    assertStatus(() -> accounts.register(null, new RegisterRequest("ok-name", PW, List.of())),
        400, "roles");
    assertStatus(() -> accounts.register(null, null), 400);
    assertThat(users.count()).isZero();
  }

  @Test
  void aTakenUsernameIsAConflict() {
    register("dave", Role.BUYER);
    assertStatus(() -> register("DAVE", Role.BUYER), 409, "taken");
  }

  @Test
  void loginIssuesATokenThatAuthenticatesAndIsStoredOnlyAsItsHash() {
    UserView u = register("erin", Role.MODEL_SELLER);
    LoginResponse r = accounts.login(" Erin ", PW, null);
    assertThat(r.token()).startsWith("veil_").hasSize(48);
    assertThat(r.info().name()).isEqualTo("login");
    assertThat(r.info().expiresAt()).isEqualTo("2026-01-08T00:00:00Z");
    assertThat(r.user().id()).isEqualTo(u.id());
    assertThat(tokens.all()).singleElement().satisfies(t -> {
      assertThat(t.tokenHash()).isEqualTo(Tokens.hash(r.token())).doesNotContain(r.token());
    });
    Principal p = accounts.authenticate(r.token());
    assertThat(p.userId()).isEqualTo(u.id());
    assertThat(p.roles()).containsExactly(Role.MODEL_SELLER);
    assertThat(audit.actions()).endsWith("user.login");
  }

  @Test
  void aWrongPasswordAndAnUnknownUserFailAlikeAndAreAudited() {
    register("frank", Role.BUYER);
    assertStatus(() -> accounts.login("frank", "wrong-password", null), 401,
        "wrong username or password");
    assertThat(audit.last().action()).isEqualTo("user.login.failed");
    assertThat(audit.last().details()).containsEntry("reason", "wrong password");
    assertStatus(() -> accounts.login("nobody", PW, null), 401, "wrong username or password");
    assertThat(audit.last().details()).containsEntry("reason", "unknown user")
        .containsEntry("username", "nobody");
    assertThat(audit.last().actor()).isNull();
    assertThat(tokens.all()).isEmpty();
  }

  @Test
  void loginRehashesAPasswordStoredWithWeakerParameters() {
    UserView u = register("gina", Role.BUYER);
    PasswordHasher stronger = new PasswordHasher(new PasswordHasher.Params(2048, 2, 1),
        new SecureRandom());
    AccountService upgraded = new AccountService(users, tokens, stronger, audit, clock,
        new SecureRandom(), new AccountService.Policy(true, Duration.ofDays(7)));
    upgraded.login("gina", PW, null);
    assertThat(users.byId(u.id()).orElseThrow().passwordHash()).contains("m=2048,t=2,p=1");
    assertThat(upgraded.login("gina", PW, null).token()).isNotBlank();
  }

  @Test
  void expiredRevokedMalformedAndUnknownTokensAreRefused() {
    register("hank", Role.BUYER);
    LoginResponse r = accounts.login("hank", PW, "cli");
    Principal p = accounts.authenticate(r.token());
    assertStatus(() -> accounts.authenticate("veil_" + "A".repeat(43)), 401, "unknown");
    assertStatus(() -> accounts.authenticate("not a token"), 401, "malformed");
    assertStatus(() -> accounts.authenticate(null), 401, "malformed");
    clock.advance(Duration.ofDays(7));
    assertStatus(() -> accounts.authenticate(r.token()), 401, "expired");

    NewToken t = accounts.createToken(p, new CreateTokenRequest("laptop", null));
    assertThat(accounts.authenticate(t.token()).userId()).isEqualTo(p.userId());
    accounts.revokeToken(p, t.info().id());
    assertStatus(() -> accounts.authenticate(t.token()), 401, "revoked");
    assertThat(audit.actions()).contains("token.create", "token.revoke");
  }

  @Test
  void usersSeeAndRevokeOnlyTheirOwnTokens() {
    register("ivan", Role.BUYER);
    register("judy", Role.BUYER);
    Principal ivan = accounts.authenticate(accounts.login("ivan", PW, null).token());
    Principal judy = accounts.authenticate(accounts.login("judy", PW, null).token());
    clock.advance(Duration.ofSeconds(1));
    NewToken t = accounts.createToken(ivan, new CreateTokenRequest("ci", 30));
    assertThat(t.info().expiresAt()).isEqualTo("2026-01-31T00:00:01Z");
    assertThat(accounts.tokens(ivan)).extracting(AccountApi.TokenView::name)
        .containsExactly("ci", "login");
    assertThat(accounts.tokens(judy)).extracting(AccountApi.TokenView::name)
        .containsExactly("login");
    assertStatus(() -> accounts.revokeToken(judy, t.info().id()), 404);
    assertStatus(() -> accounts.revokeToken(judy, "garbage"), 404);
    assertThat(accounts.authenticate(t.token()).userId()).isEqualTo(ivan.userId());
  }

  @Test
  void tokenRequestsAreValidated() {
    register("kate", Role.BUYER);
    Principal p = accounts.authenticate(accounts.login("kate", PW, null).token());
    assertStatus(() -> accounts.createToken(p, new CreateTokenRequest(" ", null)), 400, "name");
    assertStatus(() -> accounts.createToken(p, new CreateTokenRequest("x", 0)), 400,
        "expiresInDays");
    assertStatus(() -> accounts.createToken(p, new CreateTokenRequest("x\u0001y", 1)), 400);
    assertStatus(() -> accounts.createToken(p, null), 400);
  }

  @Test
  void logoutRevokesTheTokenOfTheRequest() {
    register("liam", Role.BUYER);
    String token = accounts.login("liam", PW, null).token();
    Principal p = accounts.authenticate(token);
    accounts.logout(p, token);
    assertStatus(() -> accounts.authenticate(token), 401, "revoked");
  }

  @Test
  void theOperatorIsBootstrappedOnlyOnAnEmptyDatabase() {
    String pw = accounts.bootstrapOperator("operator", null).password().orElseThrow();
    assertThat(pw).hasSize(24);
    Principal op = accounts.authenticate(accounts.login("operator", pw, null).token());
    assertThat(op.roles()).containsExactly(Role.OPERATOR);
    assertThat(accounts.bootstrapOperator("operator", null).created()).isFalse();
    assertThat(users.count()).isEqualTo(1);
    assertThat(audit.actions()).contains("user.bootstrap");
  }

  @Test
  void aConfiguredOperatorPasswordIsUsedAndNotReturned() {
    AccountService.Bootstrap b = accounts.bootstrapOperator("root-op", "configured-password");
    assertThat(b.created()).isTrue();
    assertThat(b.password()).isEmpty();
    assertThat(accounts.login("root-op", "configured-password", null).user().roles())
        .containsExactly(Role.OPERATOR);
  }
}
