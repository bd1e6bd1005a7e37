package dev.veil.client;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JacksonException;
import dev.veil.api.JobEvent;

/**
 * A job's server-sent events over the {@link Transport}: {@code GET /api/jobs/{id}/events} as
 * {@code text/event-stream}, parsed by {@link EventStreamParser}; each {@code job} event is a
 * {@link JobEvent}. A refused stream (another status or type: an older server, a proxy), a broken
 * one and one that ends all end the following, so that the {@link JobWaiter} polls instead.
 */
final class JobEventStream implements JobWaiter.EventSource {
  private final Transport transport;

  JobEventStream(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  @Override
  public JobWaiter.Following follow(String jobId, Consumer<JobEvent> onEvent, Runnable onEnd) {
    String path = "/api/jobs/" + Transport.segment(jobId) + "/events";
    HttpRequest req = transport.request(path, transport.settings().requestTimeout())
        .header("Accept", "text/event-stream").GET().build();
    EventStreamParser parser = new EventStreamParser(ev -> {
      if (ev.event().equals("job")) {
        try {
          onEvent.accept(Json.MAPPER.readValue(ev.data(), JobEvent.class));
        } catch (JacksonException ignored) {
          // an event this client does not understand: polling tells the truth
        }
      }
    });
    LineSubscriber lines = new LineSubscriber(parser, onEnd);
    CompletableFuture<HttpResponse<Void>> f = transport.sendAsync(req, info -> {
      String ct = info.headers().firstValue("Content-Type").orElse("");
      if (info.statusCode() == 200 && ct.startsWith("text/event-stream")) {
        return BodySubscribers.fromLineSubscriber(lines);
      }
      onEnd.run(); // refused (an older server, a proxy): poll instead
      return BodySubscribers.replacing(null);
    });
    f.whenComplete((r, t) -> {
      if (t != null) {
        onEnd.run();
      }
    });
    return () -> {
      lines.cancel();
      f.cancel(true);
    };
  }

  /** Feeds the lines of an event stream to a parser. */
  private static final class LineSubscriber implements Flow.Subscriber<String> {
    private final EventStreamParser parser;
    private final Runnable onEnd;
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;

    LineSubscriber(EventStreamParser parser, Runnable onEnd) {
      this.parser = parser;
      this.onEnd = onEnd;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (cancelled) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(String line) {
      parser.line(line);
    }

    @Override
    public void onError(Throwable t) {
      onEnd.run();
    }

    @Override
    public void onComplete() {
      parser.end();
      onEnd.run();
    }

    void cancel() {
      cancelled = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }
}
