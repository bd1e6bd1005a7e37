package dev.veil.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import dev.veil.api.Input;

/** The inference-input routes of {@link VeilClient}, and the upload of a rows directory. */
final class Inputs {
  private final Transport transport;
  private final Uploads uploads;

  Inputs(Transport transport, Uploads uploads) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.uploads = Objects.requireNonNull(uploads, "uploads");
  }

  /** Every input of the caller, oldest first (all the pages). */
  List<Input> list() {
    return Pages.all(transport, "/api/inputs", InputList.class, InputList::inputs,
        InputList::nextCursor);
  }

  void delete(String inputId) {
    transport.delete("/api/inputs/" + Transport.segment(inputId));
  }

  private record InputList(List<Input> inputs, String nextCursor) {}

  /** {@code POST /api/inputs}: sent once (a retry could store it twice). */
  Input upload(Upload body, TransferListener listener) throws IOException {
    return uploads.send("POST", "/api/inputs", body, Input.class, false, listener, 0,
        body.length(), Input::sha256);
  }

  Input uploadRows(Path rowsDir, TransferListener listener) throws IOException {
    return upload(Upload.ofFiles(LocalDirs.rowsFiles(rowsDir)), listener);
  }
}
