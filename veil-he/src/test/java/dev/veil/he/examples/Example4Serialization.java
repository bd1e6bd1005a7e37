package dev.veil.he.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.ckks.Presets;
import dev.veil.he.io.FormatException;
import dev.veil.he.io.VeilIO;
import dev.veil.he.io.VeilIO.Form;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * Example 4: keys and ciphertexts on disk and on the wire, with {@link VeilIO}.
 *
 * <p>The point of homomorphic encryption is that the data owner and the evaluator are different
 * machines, so everything but the secret key has to travel. This example plays both sides: the
 * owner writes parameters, evaluation keys and an encrypted vector to files; the evaluator reads
 * them under its own context, computes, and writes the result; the owner reads the result back
 * and decrypts it.
 *
 * <h2>The format</h2>
 *
 * Every object is a versioned binary record: a header naming the object type, then (for all but
 * parameters) the SHA-256 digest of the parameters it was made under, then its polynomials packed
 * at the bit size of each prime. Readers treat input as untrusted: a wrong type, a wrong
 * parameter digest, a truncated file or an unreduced coefficient is a {@link FormatException}
 * that names the problem, never a wrong object.
 *
 * <h2>Seeded forms</h2>
 *
 * Half of every public key, switching key and fresh secret-key ciphertext is a uniformly random
 * polynomial {@code a}. Veil generates {@code a} from a 32-byte seed and remembers the seed, so
 * the writer can send the seed instead of the polynomial: about half the bytes. The reader
 * regenerates {@code a}. A ciphertext encrypted with the public key has no such part, and a
 * ciphertext changed by the evaluator loses its seed, so those are written in full.
 *
 * <h2>Atomic files</h2>
 *
 * {@link VeilIO#writeAtomically} writes into a temporary file beside the target, forces it to
 * disk and renames it over the target: a reader (or a crash) never sees half a key. The files are
 * created with owner-only permissions where the file system supports them.
 *
 * <h2>Reading under the right parameters</h2>
 *
 * Readers take the reader's own {@link HeContext}: the object's parameter digest must match it.
 * The evaluator therefore first reads the parameters themselves, which are rebuilt and checked
 * (the primes in the file must be the ones the literal generates).
 */
public final class Example4Serialization {
  private Example4Serialization() {}

  public static void main(String[] args) throws IOException {
    System.out.println("== Example 4: serialisation ==");
    Path dir = Files.createTempDirectory("veil-example4-");
    try {
      run(dir);
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  private static void run(Path dir) throws IOException {
    Parameters params = Presets.N13QP201.parameters();
    double[] x = new double[params.slots()];
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.cos(i * 0.002);
    }

    // ================================================================ the data owner
    try (HeContext ctx = new HeContext(params)) {
      KeyGenerator keygen = new KeyGenerator(ctx);
      SecretKey sk = keygen.secretKey();
      PublicKey pk = keygen.publicKey(sk);
      SwitchingKey rlk = keygen.relinearizationKey(sk);
      EvaluationKeys evk = new EvaluationKeys(params, rlk,
          keygen.galoisKeys(sk, Evaluator.galoisElements(params, 1)));
      Encoder encoder = new Encoder(ctx);
      // The owner encrypts its own data with the secret key: the ciphertext keeps its seed.
      Ciphertext seeded = Encryptor.withSecretKey(ctx, sk).encrypt(encoder.encode(x));
      Ciphertext fromPk = Encryptor.withPublicKey(ctx, pk).encrypt(encoder.encode(x));

      System.out.println("sizes in Veil's binary format (N = 2^13, 3 data primes + 1 special):");
      size("parameters", VeilIO.serializedSize(params));
      size("public key, full", VeilIO.serializedSize(pk, Form.FULL));
      size("public key, seeded", VeilIO.serializedSize(pk, Form.SEEDED));
      size("relinearisation key, full", VeilIO.serializedSize(rlk, Form.FULL));
      size("relinearisation key, seeded", VeilIO.serializedSize(rlk, Form.SEEDED));
      size("evaluation keys (relin + 1 Galois), seeded", VeilIO.serializedSize(evk));
      size("ciphertext, secret-key encrypted, full", VeilIO.serializedSize(seeded, Form.FULL));
      size("ciphertext, secret-key encrypted, seeded", VeilIO.serializedSize(seeded));
      size("ciphertext, public-key encrypted (no seed)", VeilIO.serializedSize(fromPk));
      Ciphertext changed = new Evaluator(ctx).addConstNew(seeded, 1.0);
      size("ciphertext after an operation (seed dropped)", VeilIO.serializedSize(changed));
      size("secret key (2 bits per coefficient)", VeilIO.secretKeySize(params));

      // What the evaluator receives: parameters, evaluation keys, the encrypted data. Written
      // atomically; the evaluation keys and the ciphertext in seeded form (AUTO picks it).
      VeilIO.writeAtomically(dir.resolve("params.veil"), out -> VeilIO.write(out, params));
      VeilIO.writeAtomically(dir.resolve("evk.veil"), out -> VeilIO.write(out, evk));
      VeilIO.writeAtomically(dir.resolve("x.veil"), out -> VeilIO.write(out, seeded));
      VeilIO.writeAtomically(dir.resolve("pk.veil"), out -> VeilIO.write(out, pk));
      // The secret key goes to the owner's own storage only. Writing raw secret material needs
      // the SecretKeyAccess.INSECURE token, so every such place in a code base is easy to find.
      VeilIO.writeAtomically(dir.resolve("owner-only-sk.veil"),
          out -> VeilIO.writeSecretKey(out, sk, SecretKeyAccess.INSECURE));
      // Writing again replaces the file in one step; no temporary file is left behind.
      VeilIO.writeAtomically(dir.resolve("x.veil"), out -> VeilIO.write(out, seeded));
      System.out.println("files written atomically: " + listing(dir));
    }

    // ================================================================ the evaluator
    // Another process: it knows nothing but the files. It rebuilds the parameters first, then
    // reads everything else under a context made from them.
    Parameters received = VeilIO.readFile(dir.resolve("params.veil"), VeilIO::readParameters);
    System.out.println("evaluator read " + received + ", digest " + received.shortId()
        + ", equal to the owner's: " + received.equals(params));
    try (HeContext ctx = new HeContext(received)) {
      EvaluationKeys evk =
          VeilIO.readFile(dir.resolve("evk.veil"), in -> VeilIO.readEvaluationKeys(in, ctx));
      Ciphertext cx = VeilIO.readFile(dir.resolve("x.veil"), in -> VeilIO.readCiphertext(in, ctx));
      System.out.println("evaluator read the evaluation keys (relinearisation: "
          + evk.hasRelinearizationKey() + ", Galois elements " + evk.galoisKeys().keySet()
          + ") and " + cx);
      // x[j] * x[j+1], with the keys it was given
      Evaluator evaluator = new Evaluator(ctx, evk);
      Ciphertext result = evaluator.mulRelinNew(cx, evaluator.rotateNew(cx, 1));
      evaluator.rescale(result, result);
      VeilIO.writeAtomically(dir.resolve("result.veil"), out -> VeilIO.write(out, result));
      System.out.println("evaluator wrote result.veil: " + Files.size(dir.resolve("result.veil"))
          + " bytes");
    }

    // ================================================================ back at the owner
    try (HeContext ctx = new HeContext(params)) {
      SecretKey ownKey = VeilIO.readFile(dir.resolve("owner-only-sk.veil"),
          in -> VeilIO.readSecretKey(in, ctx));
      Ciphertext result =
          VeilIO.readFile(dir.resolve("result.veil"), in -> VeilIO.readCiphertext(in, ctx));
      double[] got = new Encoder(ctx).decode(new Decryptor(ctx, ownKey).decrypt(result));
      double[] expected = new double[x.length];
      for (int j = 0; j < x.length; j++) {
        expected[j] = x[j] * x[(j + 1) % x.length];
      }
      PrecisionStats p = PrecisionStats.of(expected, got);
      System.out.println(String.format(Locale.ROOT,
          "owner decrypted x[j] * x[j+1]: %.1f bits (worst slot %.1f)", p.meanBits(), p.minBits()));
    }

    // ================================================================ reading wrongly
    // Under other parameters (here one level fewer) every reader refuses: the digest differs.
    Parameters other = Parameters.builder().logN(13).logQ(60, 40).logP(61).build();
    try (HeContext wrong = new HeContext(other)) {
      VeilIO.readFile(dir.resolve("result.veil"), in -> VeilIO.readCiphertext(in, wrong));
      System.out.println("read under other parameters (this must not happen)");
    } catch (FormatException e) {
      System.out.println("reading under other parameters: FormatException: " + e.getMessage());
    }
    // A file of another kind is refused by its header, before anything is allocated.
    try (HeContext ctx = new HeContext(params)) {
      VeilIO.readFile(dir.resolve("pk.veil"), in -> VeilIO.readCiphertext(in, ctx));
      System.out.println("read a public key as a ciphertext (this must not happen)");
    } catch (FormatException e) {
      System.out.println("reading a public key as a ciphertext: FormatException: "
          + e.getMessage());
    }
  }

  private static void size(String what, long bytes) {
    System.out.println(String.format(Locale.ROOT, "  %-46s %9d bytes (%6.1f KiB)", what, bytes,
        bytes / 1024.0));
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
