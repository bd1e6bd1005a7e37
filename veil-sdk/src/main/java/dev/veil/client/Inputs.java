package dev.veil.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

import dev.veil.api.Input;

/** The inference-input route of {@link VeilClient}, and the upload of a rows directory. */
final class Inputs {
  private final Uploads uploads;

  Inputs(Uploads uploads) {
    this.uploads = Objects.requireNonNull(uploads, "uploads");
  }

  /** {@code POST /api/inputs}: sent once (a retry could store it twice). */
  Input upload(Upload body, TransferListener listener) throws IOException {
    return uploads.send("POST", "/api/inputs", body, Input.class, false, listener, 0,
        body.length(), Input::sha256);
  }

  Input uploadRows(Path rowsDir, TransferListener listener) throws IOException {
    return upload(Upload.ofFiles(LocalDirs.rowsFiles(rowsDir)), listener);
  }
}
