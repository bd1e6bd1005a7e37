package dev.veil.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Follows the cursor pages of a list route ({@code ?limit=&cursor=}, {@code nextCursor} in the
 * answer) to the end, so that a caller sees every item. A server that pages nothing (no {@code
 * nextCursor}) answers in one page.
 */
final class Pages {
  /** Items asked for per page: the most the server gives. */
  static final int LIMIT = 500;

  private Pages() {}

  /**
   * Every item of the list at {@code path}.
   *
   * @param items the page's items (null read as none)
   * @param next the page's {@code nextCursor} (null on the last)
   * @throws VeilException as {@link Transport#get}; IllegalStateException if the server sends
   *     a cursor twice (it would never end)
   */
  static <P, T> List<T> all(Transport transport, String path, Class<P> type,
      Function<P, List<T>> items, Function<P, String> next) {
    return upTo(transport, path, type, items, next, Integer.MAX_VALUE);
  }

  /** The first {@code max} items of the list at {@code path} (pages followed as needed). */
  static <P, T> List<T> upTo(Transport transport, String path, Class<P> type,
      Function<P, List<T>> items, Function<P, String> next, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("at least one item must be asked for, got " + max);
    }
    List<T> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String cursor = null;
    do {
      String url = path + (path.contains("?") ? "&" : "?") + "limit="
          + Math.min(LIMIT, max - out.size())
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor,
              StandardCharsets.UTF_8));
      P page = transport.get(url, type);
      List<T> got = items.apply(page);
      if (got != null) {
        out.addAll(got);
      }
      cursor = next.apply(page);
      if (cursor != null && !seen.add(cursor)) {
        throw new IllegalStateException("the server sent the cursor of " + path + " twice");
      }
    } while (cursor != null && out.size() < max);
    return out.size() > max ? List.copyOf(out.subList(0, max)) : out;
  }
}
