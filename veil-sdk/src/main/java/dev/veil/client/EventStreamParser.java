package dev.veil.client;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Parses a {@code text/event-stream} (server-sent events, as the WHATWG HTML standard defines
 * them) line by line: {@code event:}, {@code data:} (several lines joined by {@code \n}), {@code
 * id:}, {@code retry:}; lines starting with {@code :} are comments (keep-alives); one space after
 * the colon is dropped; a blank line dispatches the event (one with no data is dropped); a field
 * without a colon is a field with an empty value; unknown fields are ignored. Not thread-safe:
 * one stream, one parser.
 */
final class EventStreamParser {
  /**
   * One event.
   *
   * @param event its type ({@code message} when the stream named none)
   * @param data its data lines joined by {@code \n}
   * @param id the last event id seen, or null
   */
  record Event(String event, String data, String id) {}

  private final Consumer<Event> sink;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String event;
  private String lastId;
  private long retryMillis = -1;
  private boolean first = true;

  EventStreamParser(Consumer<Event> sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** One line, without its line terminator. */
  void line(String line) {
    if (first) {
      first = false;
      if (line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
    }
    if (line.isEmpty()) {
      dispatch();
      return;
    }
    if (line.startsWith(":")) {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> event = value;
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastId = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
          try {
            retryMillis = Long.parseLong(value);
          } catch (NumberFormatException ignored) {
            // too large: ignored, as the standard says for invalid values
          }
        }
      }
      default -> {
        // unknown fields are ignored
      }
    }
  }

  /** The stream ended: an event not followed by a blank line is dropped, as the standard says. */
  void end() {
    data.setLength(0);
    hasData = false;
    event = null;
  }

  /** The last {@code retry:} in milliseconds, or -1. */
  long retryMillis() {
    return retryMillis;
  }

  private void dispatch() {
    if (hasData) {
      sink.accept(new Event(event == null || event.isEmpty() ? "message" : event,
          data.toString(), lastId));
    }
    data.setLength(0);
    hasData = false;
    event = null;
  }
}
