package dev.veil.server.handover;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import dev.veil.he.io.FormatException;
import dev.veil.he.io.VeilIO;
import dev.veil.he.multiparty.RingMask;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.server.blob.BlobStore;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.catalog.Catalog;
import dev.veil.server.catalog.KeySetRef;
import dev.veil.server.core.Page;
import dev.veil.server.core.Principal;
import dev.veil.server.core.ServiceException;
import dev.veil.server.he.KeyCache;
import dev.veil.server.job.HandoverRecord;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobService;

/**
 * The data owner's side of a hand-over, as the platform serves it. Who sees what: the data owner
 * gets the masked model (the trained ciphertexts plus the platform's uniform {@link RingMask}:
 * decrypting it gives noise) and the builder's public key; the platform keeps the mask's seed and
 * never serves it; the owner's upload (the flooded switch of the masked model) is unmasked here
 * and becomes the job's result, readable by the builder alone. Every route answers 404 to anyone
 * but the data set's owner.
 */
public final class HandoverService {
  private final JobService jobs;
  private final Catalog catalog;
  private final BlobStore blobs;
  private final KeyCache keys;
  private final Path scratch;

  /** @param scratch a directory for the switched upload while it is checked */
  public HandoverService(JobService jobs, Catalog catalog, BlobStore blobs, KeyCache keys,
      Path scratch) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.scratch = Objects.requireNonNull(scratch, "scratch");
  }

  /**
   * Deletes the files that deliveries interrupted by a crash left in {@code scratch}, the
   * directory given to the service (a
   * delivery deletes its own when it ends): when this server is the only one using the directory,
   * all of them (nothing is being delivered before the server starts); otherwise (servers sharing
   * a data directory) those not modified for {@code staleAfter}, which no delivery in progress
   * leaves that long.
   *
   * @return how many files were deleted
   */
  public static int removeLeftovers(Path scratch, boolean soleServer, Duration staleAfter)
      throws IOException {
    if (!Files.isDirectory(scratch)) {
      return 0;
    }
    FileTime cutoff = FileTime.from(Instant.now().minus(staleAfter));
    int removed = 0;
    try (var files = Files.newDirectoryStream(scratch, "{switched,delivered}-*.ct")) {
      for (Path f : files) {
        if (soleServer || Files.getLastModifiedTime(f).compareTo(cutoff) < 0) {
          Files.deleteIfExists(f);
          removed++;
        }
      }
    }
    return removed;
  }

  /**
   * A pending hand-over as its data owner sees it (never the mask).
   *
   * @param jobId the training job
   * @param builderKeySetId the key set the model goes to
   * @param ciphertexts ciphertexts of the masked model (and of the switch to upload)
   * @param maskedSha256 the masked model's digest
   * @param maskedSize its size
   * @param model the model's public description (meta.json), as JSON
   * @param deadline ISO-8601: after it the builder is refunded
   */
  public record View(String jobId, String builderKeySetId, int ciphertexts, String maskedSha256,
      long maskedSize, String model, String deadline) {
    static View of(HandoverRecord r) {
      return new View(r.jobId(), r.builderKeySetId(), r.ciphertexts(), r.maskedSha256(),
          r.maskedSize(), r.resultInfo(), r.deadline().toString());
    }
  }

  /** The caller's pending hand-overs. */
  public List<View> list(Principal p) {
    return jobs.pendingHandovers(p).stream().map(View::of).toList();
  }

  /** One page of the hand-overs pending on the caller's data sets, oldest first. */
  public Page.Slice<View> list(Principal p, Page page) {
    Page.Slice<HandoverRecord> s = jobs.pendingHandovers(p, page);
    return new Page.Slice<>(s.items().stream().map(View::of).toList(), s.nextCursor());
  }

  public View get(Principal p, String jobId) {
    return View.of(jobs.pendingHandover(p, jobId));
  }

  /** The masked model (a stream the caller closes). */
  public InputStream masked(Principal p, String jobId) throws IOException {
    return blobs.open(jobs.pendingHandover(p, jobId).maskedSha256());
  }

  /** The builder's public key (a stream the caller closes) and the key set's parameters. */
  public InputStream builderPublicKey(Principal p, String jobId) throws IOException {
    return blobs.open(builderKeys(jobs.pendingHandover(p, jobId)).publicKeySha256());
  }

  /** The parameters of the builder's key set (the data set's). */
  public InputStream builderParameters(Principal p, String jobId) throws IOException {
    return blobs.open(builderKeys(jobs.pendingHandover(p, jobId)).paramsSha256());
  }

  private KeySetRef builderKeys(HandoverRecord r) {
    return catalog.keySet(r.builderKeySetId()).orElseThrow(() -> ServiceException.conflict(
        "the builder's key set " + r.builderKeySetId() + " is gone"));
  }

  /**
   * Takes the data owner's switch of the masked model: as many ciphertexts as the masked model,
   * each of its level and scale under the data set's parameters; removes the mask and delivers
   * the model to the builder (the job SUCCEEDED, the price captured to the owner).
   *
   * @throws ServiceException 404 for anyone but the data owner, 400 for an upload that is not the
   *     switch of the masked model, 409 once delivered or expired
   */
  public Job deliver(Principal p, String jobId, InputStream body) throws IOException {
    HandoverRecord r = jobs.pendingHandover(p, jobId);
    KeySetRef ks = builderKeys(r);
    Parameters params = keys.parameters(ks.paramsSha256(), blobs::open);
    Files.createDirectories(scratch);
    Path up = Files.createTempFile(scratch, "switched-", ".ct");
    Path out = Files.createTempFile(scratch, "delivered-", ".ct");
    try (KeyCache.Lease lease = keys.context(params, 1)) {
      HeContext he = lease.context();
      long limit = 2 * r.maskedSize() + 4096; // a switch is no larger than the model, unseeded
      BlobRef switched;
      try (InputStream in = body; OutputStream o = Files.newOutputStream(up)) {
        long n = 0;
        byte[] buf = new byte[1 << 16];
        for (int k; (k = in.read(buf)) > 0; ) {
          n += k;
          if (n > limit) {
            throw ServiceException.tooLarge("a switch of this model has at most " + limit
                + " bytes");
          }
          o.write(buf, 0, k);
        }
      }
      Ciphertext[] masked = read(blobs.open(r.maskedSha256()), he, r.ciphertexts(), "masked");
      Ciphertext[] sw;
      try {
        sw = read(Files.newInputStream(up), he, r.ciphertexts(), "switched");
      } catch (FormatException | IllegalArgumentException e) {
        throw ServiceException.badRequest("not a switch of the masked model: " + e.getMessage());
      }
      byte[] seed = HexFormat.of().parseHex(r.maskSeedHex());
      try (OutputStream o = Files.newOutputStream(out)) {
        for (int k = 0; k < sw.length; k++) {
          if (sw[k].degree() != 1 || sw[k].level() != masked[k].level()
              || sw[k].scale() != masked[k].scale()) {
            throw ServiceException.badRequest("ciphertext " + k + " is not a switch of the"
                + " masked model's (degree 1, level " + masked[k].level() + ", its scale)");
          }
          RingMask.subtract(he, sw[k], seed, k);
          VeilIO.write(o, sw[k]);
        }
      }
      try (InputStream in = Files.newInputStream(up)) {
        switched = blobs.put(in, limit, null);
      }
      BlobRef result;
      try (InputStream in = Files.newInputStream(out)) {
        result = blobs.put(in, limit, null);
      }
      return jobs.deliverHandover(p, jobId, switched.sha256(), result);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      Files.deleteIfExists(up);
      Files.deleteIfExists(out);
    }
  }

  private static Ciphertext[] read(InputStream stream, HeContext he, int n, String what)
      throws IOException {
    try (InputStream in = stream) {
      Ciphertext[] cts = new Ciphertext[n];
      for (int k = 0; k < n; k++) {
        cts[k] = VeilIO.readCiphertext(in, he);
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException("the " + what + " model has more than " + n
            + " ciphertexts");
      }
      return cts;
    }
  }
}
