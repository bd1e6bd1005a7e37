package dev.veil.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.veil.client.EventStreamParser.Event;
import org.junit.jupiter.api.Test;

/** Server-sent events, line by line, as the WHATWG standard parses them. */
class EventStreamParserTest {
  private final List<Event> events = new ArrayList<>();
  private final EventStreamParser parser = new EventStreamParser(events::add);

  private void feed(String... lines) {
    for (String l : lines) {
      parser.line(l);
    }
  }

  @Test
  void aBlankLineDispatchesTheEventWithItsTypeDataAndId() {
    feed("event: job", "data: {\"state\":\"RUNNING\"}", "id: 7", "");
    assertThat(events).containsExactly(new Event("job", "{\"state\":\"RUNNING\"}", "7"));
  }

  @Test
  void dataLinesAreJoinedByNewlinesAndOneLeadingSpaceIsDropped() {
    feed("data:first", "data:  second", "data", "");
    assertThat(events).containsExactly(new Event("message", "first\n second\n", null));
  }

  @Test
  void commentsAndUnknownFieldsAreIgnoredAndTheTypeResetsAfterEachEvent() {
    feed(": keep-alive", "foo: bar", "event: job", "data: 1", "", "data: 2", "");
    assertThat(events).containsExactly(new Event("job", "1", null),
        new Event("message", "2", null));
  }

  @Test
  void anEventWithoutDataIsNotDispatchedAndTheIdPersists() {
    feed("id: 3", "event: job", "", "data: x", "");
    assertThat(events).containsExactly(new Event("message", "x", "3"));
  }

  @Test
  void aByteOrderMarkIsSkippedAndRetryIsRead() {
    feed("\uFEFFretry: 1500", "data: a", "");
    assertThat(parser.retryMillis()).isEqualTo(1500);
    assertThat(events).containsExactly(new Event("message", "a", null));
    feed("retry: soon", "");
    assertThat(parser.retryMillis()).isEqualTo(1500);
  }

  @Test
  void anEventCutOffByTheEndOfTheStreamIsDropped() {
    feed("event: job", "data: half");
    parser.end();
    feed("");
    assertThat(events).isEmpty();
  }
}
