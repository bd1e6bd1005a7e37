package dev.veil.server.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Cursor pagination of a list in a stable order by {@code (created_at, id)}: a request names at
 * most {@code limit} items after an opaque cursor, and the answer carries the cursor of the next
 * page ({@code null} on the last). The cursor is the base64url text of the last item's creation
 * time (to the nanosecond the database returned) and id; a client passes it back unchanged and
 * never reads it.
 *
 * <p>Repositories fetch {@code limit + 1} rows with {@link #afterClause} in their WHERE and
 * {@link #orderBy} as their ORDER BY (portable SQL: comparisons and OR, no row values), and
 * {@link #of} turns the extra row into the next cursor; {@link #ofAll} pages a short list held
 * in memory the same way.
 *
 * @param limit the most items to return (1 to the route's maximum)
 * @param after the position to start after, or null for the first page
 * @param newestFirst whether the order is descending (lists that show newest first)
 */
public record Page(int limit, Position after, boolean newestFirst) {
  /** The default page size of every list route. */
  public static final int DEFAULT_LIMIT = 100;
  /** The largest page size of every list route. */
  public static final int MAX_LIMIT = 500;

  /** The creation time and id of an item: where a page ends. */
  public record Position(Instant createdAt, String id) {}

  /** One page of items and the cursor of the next, or null. */
  public record Slice<T>(List<T> items, String nextCursor) {}

  public Page {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
  }

  /** The first {@code limit} items in ascending order. */
  public static Page first(int limit) {
    return new Page(limit, null, false);
  }

  /** This page's limit and cursor in the other order. */
  public Page descending() {
    return new Page(limit, after, true);
  }

  /**
   * Parses a client's {@code cursor} (null or blank: the first page).
   *
   * @throws ServiceException 400 for a cursor this server did not make
   */
  public static Page of(int limit, String cursor) {
    return new Page(limit, decode(cursor), false);
  }

  /**
   * The SQL condition (with a leading {@code AND}) that keeps the rows after the cursor, or an
   * empty string on the first page; binds {@code :pageTime} and {@code :pageId}.
   *
   * @param createdAt the creation-time column, e.g. {@code created_at} or {@code j.created_at}
   * @param id the id column
   */
  public String afterClause(String createdAt, String id) {
    if (after == null) {
      return "";
    }
    String cmp = newestFirst ? "<" : ">";
    return " AND (" + createdAt + " " + cmp + " :pageTime OR (" + createdAt + " = :pageTime AND "
        + id + " " + cmp + " :pageId))";
  }

  /** The ORDER BY terms (without the keywords) and the LIMIT of one more row than asked for. */
  public String orderBy(String createdAt, String id) {
    String dir = newestFirst ? " DESC" : "";
    return createdAt + dir + ", " + id + dir + " LIMIT " + (limit + 1);
  }

  /**
   * The page of {@code rows} (as fetched with {@link #orderBy}: at most one more than the limit).
   *
   * @param position the creation time and id of a row
   */
  public <R, T> Slice<T> of(List<R> rows, Function<R, Position> position, Function<R, T> view) {
    boolean more = rows.size() > limit;
    List<R> page = more ? rows.subList(0, limit) : rows;
    String next = more ? encode(position.apply(page.get(page.size() - 1))) : null;
    return new Slice<>(page.stream().map(view).toList(), next);
  }

  /**
   * The page of a whole list held in memory (a short one: a user's tokens, workers or pending
   * hand-overs), sorted here by (creation time, id) in the page's order.
   */
  public <T> Slice<T> ofAll(List<T> all, Function<T, Position> position) {
    return of(window(all, position), position, t -> t);
  }

  /**
   * The rows of this page in a whole list held in memory, as a query with {@link #afterClause}
   * and {@link #orderBy} would fetch them (at most one more than the limit), for {@link #of}.
   */
  public <T> List<T> window(List<T> all, Function<T, Position> position) {
    Comparator<Position> order = Comparator.comparing(Position::createdAt)
        .thenComparing(Position::id);
    if (newestFirst) {
      order = order.reversed();
    }
    Comparator<Position> o = order;
    return all.stream()
        .filter(t -> after == null || o.compare(position.apply(t), after) > 0)
        .sorted(Comparator.comparing(position, o))
        .limit(limit + 1L)
        .toList();
  }

  /** The opaque text of a position. */
  public static String encode(Position p) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((p.createdAt() + "|" + p.id())
        .getBytes(UTF_8));
  }

  private static Position decode(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor.strip()), UTF_8);
      int bar = text.indexOf('|');
      if (bar > 0 && bar < text.length() - 1 && text.length() <= 200) {
        return new Position(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      // falls through to the refusal
    }
    throw ServiceException.badRequest("query parameter 'cursor' is not a cursor of this list:"
        + " pass the nextCursor of the previous page unchanged, or none for the first page");
  }
}
