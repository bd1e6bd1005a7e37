/**
 * The database: the connection pool, Flyway migrations (SQLite and PostgreSQL), JDBI, and
 * the one SQL helper the repositories share ({@link dev.veil.server.db.Sql}: UTC timestamps to
 * the millisecond, error classification, retried transactions).
 *
 * <p>Uses HikariCP, Flyway and JDBI, and no other server package: every repository may use it.
 */
package dev.veil.server.db;
