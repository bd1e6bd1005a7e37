package dev.veil.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import dev.veil.api.Handover;
import dev.veil.api.Job;

/**
 * The hand-over routes of {@link VeilClient}, for a data owner: list the pending hand-overs,
 * download the masked model and the builder's public key and parameters, upload the switch.
 */
final class Handovers {
  private final Transport transport;
  private final Uploads uploads;
  private final Downloads downloads;

  Handovers(Transport transport, Uploads uploads, Downloads downloads) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.uploads = Objects.requireNonNull(uploads, "uploads");
    this.downloads = Objects.requireNonNull(downloads, "downloads");
  }

  private static String path(String jobId) {
    return "/api/handovers/" + Transport.segment(jobId);
  }

  List<Handover> list() {
    return Pages.all(transport, "/api/handovers", HandoverPage.class,
        HandoverPage::handovers, HandoverPage::nextCursor);
  }

  Handover get(String jobId) {
    return transport.get(path(jobId), Handover.class);
  }

  Download masked(String jobId, Path target) throws IOException {
    return downloads.toFile(path(jobId) + "/masked", target, TransferListener.NONE);
  }

  Download publicKey(String jobId, Path target) throws IOException {
    return downloads.toFile(path(jobId) + "/public-key", target, TransferListener.NONE);
  }

  Download parameters(String jobId, Path target) throws IOException {
    return downloads.toFile(path(jobId) + "/params", target, TransferListener.NONE);
  }

  Job deliver(String jobId, Path switched) throws IOException {
    return uploads.send("POST", path(jobId), Upload.of(switched), Job.class, false,
        TransferListener.NONE, 0, 0, null);
  }

  /** One page of pending hand-overs as the server sends it. */
  private record HandoverPage(List<Handover> handovers, String nextCursor) {}
}
