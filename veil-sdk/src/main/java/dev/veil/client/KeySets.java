package dev.veil.client;

import static dev.veil.client.Transport.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.veil.api.CreateKeySetRequest;
import dev.veil.api.KeySet;

/**
 * The key-set routes of {@link VeilClient}, and the upload of a {@code veil keygen} key
 * directory's public files.
 */
final class KeySets {
  private final Transport transport;
  private final Uploads uploads;

  KeySets(Transport transport, Uploads uploads) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.uploads = Objects.requireNonNull(uploads, "uploads");
  }

  KeySet create(String name, byte[] params) {
    return transport.post("/api/keys", new CreateKeySetRequest(name,
        Base64.getEncoder().encodeToString(params)), KeySet.class);
  }

  List<KeySet> list() {
    return Pages.all(transport, "/api/keys", KeySetList.class, KeySetList::keySets,
        KeySetList::nextCursor);
  }

  void delete(String keySetId) {
    transport.delete("/api/keys/" + segment(keySetId));
  }

  KeySet get(String keySetId) {
    return transport.get("/api/keys/" + segment(keySetId), KeySet.class);
  }

  Optional<KeySet> find(String keyId) {
    return list().stream().filter(k -> k.complete() && keyId.equals(k.keyId())).findFirst();
  }

  KeySet uploadPublicKey(String keySetId, Upload body, TransferListener listener, long done,
      long total) throws IOException {
    return uploads.send("PUT", "/api/keys/" + segment(keySetId) + "/public", body, KeySet.class,
        true, listener, done, total,
        k -> k.publicKey() == null ? null : k.publicKey().sha256());
  }

  KeySet uploadEvaluationKeys(String keySetId, Upload body, TransferListener listener,
      long done, long total) throws IOException {
    return uploads.send("PUT", "/api/keys/" + segment(keySetId) + "/evaluation", body,
        KeySet.class, true, listener, done, total,
        k -> k.evaluationKeys() == null ? null : k.evaluationKeys().sha256());
  }

  /** A new key set from the directory: parameters, then the public key, then the evaluation. */
  KeySet upload(Path keyDir, String name, TransferListener listener) throws IOException {
    LocalDirs.KeyDir d = LocalDirs.keyDir(keyDir);
    Upload pk = Upload.of(d.publicKey());
    Upload evk = Upload.of(d.evaluationKeys());
    long total = pk.length() + evk.length();
    KeySet ks = create(name, Files.readAllBytes(d.params()));
    uploadPublicKey(ks.id(), pk, listener, 0, total);
    return uploadEvaluationKeys(ks.id(), evk, listener, pk.length(), total);
  }

  private record KeySetList(List<KeySet> keySets, String nextCursor) {}
}
