package dev.veil.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SwitchingKey;
import dev.veil.server.catalog.KeySetRef;
import dev.veil.server.core.Ids;

/**
 * A user's side in tests: a key pair of small insecure parameters (seeded, so that error bounds
 * do not flake), its public and evaluation keys uploaded as blobs of a key set, an encryptor and
 * a decryptor. Two threads.
 */
public final class KeyHolder {
  public final Parameters params;
  public final HeContext ctx;
  public final SecretKey sk;
  public final PublicKey pk;
  public final EvaluationKeys evk;
  public final Encoder encoder;
  public final Encryptor encryptor;
  public final Decryptor decryptor;
  public final KeySetRef keySet;

  public KeyHolder(String ownerId, Parameters params, int[] rotations, long seed,
      MemoryBlobStore blobs, MemoryCatalog catalog) {
    this.params = params;
    this.ctx = new HeContext(params, 2);
    SecureRandom random = seeded(seed);
    KeyGenerator kg = new KeyGenerator(ctx, random);
    this.sk = kg.secretKey();
    this.pk = kg.publicKey(sk);
    List<SwitchingKey> galois = new ArrayList<>();
    for (long e : Evaluator.galoisElements(params, rotations)) {
      galois.add(kg.galoisKey(sk, e));
    }
    this.evk = new EvaluationKeys(params, kg.relinearizationKey(sk), galois);
    this.encoder = new Encoder(ctx);
    this.encryptor = Encryptor.withPublicKey(ctx, pk, random);
    this.decryptor = new Decryptor(ctx, sk);
    this.keySet = catalog.add(new KeySetRef(Ids.next("ks"), ownerId,
        blobs.put(bytes(o -> VeilIO.write(o, params))).sha256(),
        blobs.put(bytes(o -> VeilIO.write(o, pk))).sha256(),
        blobs.put(bytes(o -> VeilIO.write(o, evk))).sha256()));
  }

  /** The bytes a VeilIO writer produces. */
  public static byte[] bytes(VeilIO.ObjectWriter w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      w.writeTo(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** Ciphertexts written one after the other. */
  public static byte[] concat(List<Ciphertext> cts) {
    return bytes(o -> {
      for (Ciphertext ct : cts) {
        VeilIO.write(o, ct);
      }
    });
  }

  /** A deterministic generator for tests (never for real keys). */
  public static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
