package dev.veil.server.account;

import java.util.Objects;

import dev.veil.api.CreateTokenRequest;
import dev.veil.api.LoginRequest;
import dev.veil.server.account.AccountApi.PasswordChange;
import dev.veil.server.account.AccountApi.PasswordChanged;
import dev.veil.server.account.AccountApi.RegisterRequest;
import dev.veil.server.account.AccountApi.TokenList;
import dev.veil.server.account.AccountApi.TokenView;
import dev.veil.server.core.Page;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.http.ApiModule;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Routes;
import io.javalin.http.HandlerType;

/**
 * Account routes: {@code POST /api/register} and {@code POST /api/login} (no token), {@code POST
 * /api/logout}, {@code GET /api/me}, {@code POST /api/users} (operators), {@code GET/POST
 * /api/tokens}, {@code DELETE /api/tokens/{id}}, {@code POST /api/me/password} (the current
 * password required; the caller's other tokens are revoked), {@code POST
 * /api/users/{user}/disable} and {@code .../enable} (operators; disabling revokes the tokens).
 */
public final class AccountRoutes implements ApiModule {
  private final AccountService accounts;
  private final Requests requests;

  public AccountRoutes(AccountService accounts, Requests requests) {
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.requests = Objects.requireNonNull(requests, "requests");
  }

  @Override
  public void register(Routes r) {
    r.anonymous(HandlerType.POST, "/api/register", ctx ->
        ctx.status(201).json(accounts.register(null, requests.json(ctx, RegisterRequest.class))));
    r.anonymous(HandlerType.POST, "/api/login", ctx -> {
      LoginRequest req = requests.json(ctx, LoginRequest.class);
      ctx.json(accounts.login(req.username(), req.password(), req.tokenName(), ctx.ip()));
    });
    r.post("/api/logout", (ctx, p) -> {
      accounts.logout(p, Routes.bearerToken(ctx));
      ctx.status(204);
    });
    r.get("/api/me", (ctx, p) -> ctx.json(accounts.me(p)));
    r.post("/api/users", (ctx, p) -> {
      if (!p.has(Role.OPERATOR)) {
        throw ServiceException.forbidden("only operators create accounts for others");
      }
      ctx.status(201).json(accounts.register(p, requests.json(ctx, RegisterRequest.class)));
    });
    r.post("/api/me/password", (ctx, p) -> {
      PasswordChange req = requests.json(ctx, PasswordChange.class);
      ctx.json(new PasswordChanged(accounts.changePassword(p, Routes.bearerToken(ctx),
          req.currentPassword(), req.newPassword(), ctx.ip())));
    });
    r.post("/api/users/{user}/disable", (ctx, p) ->
        ctx.json(accounts.setDisabled(p, ctx.pathParam("user"), true)));
    r.post("/api/users/{user}/enable", (ctx, p) ->
        ctx.json(accounts.setDisabled(p, ctx.pathParam("user"), false)));
    r.get("/api/tokens", (ctx, p) -> {
      Page.Slice<TokenView> page = accounts.tokens(p, Requests.page(ctx));
      ctx.json(new TokenList(page.items(), page.nextCursor()));
    });
    r.post("/api/tokens", (ctx, p) ->
        ctx.status(201).json(accounts.createToken(p, requests.json(ctx,
            CreateTokenRequest.class))));
    r.delete("/api/tokens/{id}", (ctx, p) -> {
      accounts.revokeToken(p, ctx.pathParam("id"));
      ctx.status(204);
    });
  }
}
