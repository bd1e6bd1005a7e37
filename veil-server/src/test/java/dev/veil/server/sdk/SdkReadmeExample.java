package dev.veil.server.sdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.veil.api.Dataset;
import dev.veil.api.Job;
import dev.veil.api.JobState;
import dev.veil.api.KeySet;
import dev.veil.api.RegisterRequest;
import dev.veil.api.Role;
import dev.veil.api.SubmitJobRequest;
import dev.veil.client.VeilApiException;
import dev.veil.client.VeilClient;

/**
 * The SDK example of the README ("The Java SDK"): the block between the markers is the README's,
 * verbatim ({@link SdkReadmeTest} checks it and runs it against a live server).
 */
final class SdkReadmeExample {
  private SdkReadmeExample() {}

  /**
   * A data owner registers, uploads a {@code veil keygen} key directory and a {@code veil encrypt}
   * data set, trains on it remotely and downloads the encrypted model for {@code veil decrypt}.
   */
  static void run(String server, String password, Path keyDir, Path dataDir, Path modelDir)
      throws IOException {
    // [readme] README.md, "The Java SDK", shows this block verbatim (SdkReadmeTest checks it)
    VeilClient veil = VeilClient.builder(server).build();
    veil.register(new RegisterRequest("alice", password, List.of(Role.DATA_OWNER)));
    VeilClient alice = veil.withToken(veil.login("alice", password).token());
    try {
      KeySet keys = alice.uploadKeySet(keyDir, "clinic keys");   // never reads secret.key
      Dataset data = alice.uploadDataset(dataDir, "clinic", "2025 visits", keys.id(),
          500, true);                                            // price per training, listed
      Job job = alice.submitJob(SubmitJobRequest.training(data.id()));
      job = alice.waitForJob(job.id(),                           // server-sent events
          e -> System.out.println(e.progress() + "% " + e.stage()));
      if (job.state() == JobState.SUCCEEDED) {                   // veil decrypt reads both
        Files.createDirectories(modelDir);
        alice.downloadResult(job.id(), modelDir.resolve("weights.ct"));
        Files.writeString(modelDir.resolve("meta.json"), job.result().toString());
      }
    } catch (VeilApiException e) {                               // refused: status, code, why
      System.err.println(e.status() + " " + e.error() + ": " + e.serverMessage());
    }
    // [/readme]
  }
}
