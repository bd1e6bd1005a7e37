package dev.veil.server.db;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A {@link DataSource} whose commits are on disk before they return: after every commit (an
 * explicit {@link Connection#commit}, a {@code setAutoCommit(true)} that ends a transaction, a
 * data-changing statement run in auto-commit mode) it runs {@code CHECKPOINT SYNC} on the same
 * connection, which makes H2 write every committed change to its file and {@code fsync} it.
 *
 * <p>Why: H2's MVStore does not write a commit to its file when it returns. With the default
 * {@code WRITE_DELAY} (500 ms) a background thread writes changes later, so a {@code kill -9}
 * loses the last half second of acknowledged writes; with {@code WRITE_DELAY=0} a commit stores
 * the changes but only tries to (it skips the write when another thread holds the store's lock,
 * leaving the change in memory until the next commit) and never calls {@code fsync}, so a power
 * failure can still lose it. H2's documentation ("Durability Problems") names {@code SET
 * WRITE_DELAY} and {@code CHECKPOINT SYNC} as the settings that change this; this class applies
 * the second after each commit. Only for the embedded H2 database: PostgreSQL's commits are
 * durable by themselves (with its default {@code fsync} and {@code synchronous_commit}).
 */
final class SyncedCommits {
  private static final String SYNC = "CHECKPOINT SYNC";
  private static final Set<String> EXECUTES = Set.of("execute", "executeUpdate",
      "executeLargeUpdate", "executeBatch", "executeLargeBatch");

  private SyncedCommits() {}

  /** {@code pool} with every commit synced to disk. */
  static DataSource wrap(DataSource pool) {
    Objects.requireNonNull(pool, "pool");
    return new DataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        return connection(pool.getConnection());
      }

      @Override
      public Connection getConnection(String user, String password) throws SQLException {
        return connection(pool.getConnection(user, password));
      }

      @Override
      public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
      }

      @Override
      public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
      }

      @Override
      public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
      }

      @Override
      public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
      }

      @Override
      public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
      }

      @Override
      public <T> T unwrap(Class<T> iface) throws SQLException {
        return pool.unwrap(iface);
      }

      @Override
      public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return pool.isWrapperFor(iface);
      }
    };
  }

  /** Forces every committed change of H2 to disk, on {@code c}. */
  static void sync(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(SYNC);
    }
  }

  private static Connection connection(Connection c) {
    return (Connection) Proxy.newProxyInstance(SyncedCommits.class.getClassLoader(),
        new Class<?>[] {Connection.class}, new ConnectionHandler(c));
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static final class ConnectionHandler implements InvocationHandler {
    private final Connection c;

    ConnectionHandler(Connection c) {
      this.c = c;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      switch (m.getName()) {
        case "commit" -> {
          c.commit();
          sync(c);
          return null;
        }
        case "setAutoCommit" -> {
          boolean ending = (Boolean) args[0] && !c.getAutoCommit();
          c.setAutoCommit((Boolean) args[0]);
          if (ending) {
            sync(c); // JDBC: switching auto-commit on commits the open transaction
          }
          return null;
        }
        case "unwrap" -> {
          if (((Class<?>) args[0]).isInstance(proxy)) {
            return proxy;
          }
          return c.unwrap((Class<?>) args[0]);
        }
        case "isWrapperFor" -> {
          return ((Class<?>) args[0]).isInstance(proxy) || c.isWrapperFor((Class<?>) args[0]);
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "SyncedCommits[" + c + "]";
        }
        default -> {
          Object result = SyncedCommits.invoke(c, m, args);
          if (result instanceof Statement st) {
            Class<?> type = result instanceof CallableStatement ? CallableStatement.class
                : result instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
            return Proxy.newProxyInstance(SyncedCommits.class.getClassLoader(),
                new Class<?>[] {type}, new StatementHandler(st, c, proxy));
          }
          return result;
        }
      }
    }
  }

  /** Syncs after a data-changing statement that ran in auto-commit mode (its own commit). */
  private static final class StatementHandler implements InvocationHandler {
    private final Statement st;
    private final Connection c;
    private final Object connectionProxy;

    StatementHandler(Statement st, Connection c, Object connectionProxy) {
      this.st = st;
      this.c = c;
      this.connectionProxy = connectionProxy;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      switch (m.getName()) {
        case "getConnection" -> {
          return connectionProxy;
        }
        case "unwrap" -> {
          if (((Class<?>) args[0]).isInstance(proxy)) {
            return proxy;
          }
          return st.unwrap((Class<?>) args[0]);
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        default -> {
          Object result = SyncedCommits.invoke(st, m, args);
          if (EXECUTES.contains(m.getName()) && c.getAutoCommit()) {
            sync(c);
          }
          return result;
        }
      }
    }
  }
}
