/** The database: connection pool, Flyway migrations (the same on H2 and PostgreSQL), JDBI. */
package dev.veil.server.db;
