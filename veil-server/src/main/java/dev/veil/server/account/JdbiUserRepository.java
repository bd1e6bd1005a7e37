package dev.veil.server.account;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.db.Sql;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementException;

/** {@link UserRepository} on the {@code users} table. */
public final class JdbiUserRepository implements UserRepository {
  private static final RowMapper<User> MAPPER = (rs, ctx) -> new User(rs.getString("id"),
      rs.getString("username"), rs.getString("password_hash"), roles(rs.getString("roles")),
      Sql.instant(rs, "created_at"), Sql.instant(rs, "disabled_at"));

  private final Jdbi jdbi;

  public JdbiUserRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public void insert(User u) {
    try {
      jdbi.useHandle(h -> h.createUpdate("INSERT INTO users (id, username, password_hash, roles,"
              + " created_at) VALUES (:id, :username, :hash, :roles, :created)")
          .bind("id", u.id())
          .bind("username", u.username())
          .bind("hash", u.passwordHash())
          .bind("roles", roles(u.roles()))
          .bind("created", Sql.time(u.createdAt()))
          .execute());
    } catch (StatementException e) {
      if (Sql.isUniqueViolation(e)) {
        throw ServiceException.conflict("username '" + u.username() + "' is taken");
      }
      throw e;
    }
  }

  @Override
  public Optional<User> byId(String id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE id = :id")
        .bind("id", id).map(MAPPER).findOne());
  }

  @Override
  public Optional<User> byUsername(String username) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE username = :u")
        .bind("u", username).map(MAPPER).findOne());
  }

  @Override
  public void updatePasswordHash(String id, String passwordHash) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE users SET password_hash = :h WHERE id = :id")
        .bind("h", passwordHash).bind("id", id).execute());
  }

  @Override
  public boolean setDisabled(String id, java.time.Instant at) {
    return jdbi.withHandle(h -> h.createUpdate("UPDATE users SET disabled_at = :at WHERE id = :id")
        .bind("at", Sql.time(at)).bind("id", id).execute()) == 1;
  }

  @Override
  public long count() {
    return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class)
        .one());
  }

  static String roles(Set<Role> roles) {
    return roles.stream().sorted().map(Role::name).collect(Collectors.joining(","));
  }

  static Set<Role> roles(String s) {
    EnumSet<Role> r = EnumSet.noneOf(Role.class);
    Arrays.stream(s.split(",")).filter(x -> !x.isBlank()).map(Role::valueOf).forEach(r::add);
    return r;
  }
}
